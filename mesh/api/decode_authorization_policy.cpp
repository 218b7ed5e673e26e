#include "mesh/api/decode_policy_target.h"

namespace jib::mesh::detail {
namespace {

void decode_source(Decoder& d, const YAML::Node& node, const std::string& path,
                   AuthorizationSource& out) {
  d.fields(node, path, [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (key == "principals") return d.strings(v, p, out.principals);
    if (key == "notPrincipals") return d.strings(v, p, out.not_principals);
    if (key == "requestPrincipals") return d.strings(v, p, out.request_principals);
    if (key == "notRequestPrincipals") return d.strings(v, p, out.not_request_principals);
    if (key == "namespaces") return d.strings(v, p, out.namespaces);
    if (key == "notNamespaces") return d.strings(v, p, out.not_namespaces);
    if (key == "ipBlocks") return d.strings(v, p, out.ip_blocks);
    if (key == "notIpBlocks") return d.strings(v, p, out.not_ip_blocks);
    if (key == "remoteIpBlocks") return d.strings(v, p, out.remote_ip_blocks);
    if (key == "notRemoteIpBlocks") return d.strings(v, p, out.not_remote_ip_blocks);
    if (key == "serviceAccounts") return d.strings(v, p, out.service_accounts);
    if (key == "notServiceAccounts") return d.strings(v, p, out.not_service_accounts);
    return false;
  });
}

void decode_operation(Decoder& d, const YAML::Node& node, const std::string& path,
                      AuthorizationOperation& out) {
  d.fields(node, path, [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (key == "hosts") return d.strings(v, p, out.hosts);
    if (key == "notHosts") return d.strings(v, p, out.not_hosts);
    if (key == "ports") return d.strings(v, p, out.ports);
    if (key == "notPorts") return d.strings(v, p, out.not_ports);
    if (key == "methods") return d.strings(v, p, out.methods);
    if (key == "notMethods") return d.strings(v, p, out.not_methods);
    if (key == "paths") return d.strings(v, p, out.paths);
    if (key == "notPaths") return d.strings(v, p, out.not_paths);
    return false;
  });
}

void decode_condition(Decoder& d, const YAML::Node& node, const std::string& path,
                      AuthorizationCondition& out) {
  d.fields(node, path, [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (key == "key") return d.str(v, p, out.key);
    if (key == "values") return d.strings(v, p, out.values);
    if (key == "notValues") return d.strings(v, p, out.not_values);
    return false;
  });
}

void decode_rule(Decoder& d, const YAML::Node& node, const std::string& path,
                 AuthorizationRule& out) {
  d.fields(node, path, [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (key == "from") {
      return d.list(v, p, out.from.emplace(), [&](auto& n, auto& ip, AuthorizationRule::From& f) {
        d.fields(n, ip, [&](std::string_view k, const YAML::Node& fv, const std::string& fp) {
          if (k != "source") return false;
          decode_source(d, fv, fp, f.source.emplace());
          return true;
        });
      });
    }
    if (key == "to") {
      return d.list(v, p, out.to.emplace(), [&](auto& n, auto& ip, AuthorizationRule::To& t) {
        d.fields(n, ip, [&](std::string_view k, const YAML::Node& tv, const std::string& tp) {
          if (k != "operation") return false;
          decode_operation(d, tv, tp, t.operation.emplace());
          return true;
        });
      });
    }
    if (key == "when")
      return d.list(v, p, out.when,
                    [&](auto& n, auto& ip, auto& c) { decode_condition(d, n, ip, c); });
    return false;
  });
}

}  // namespace

void decode_authorization_policy(Decoder& d, const YAML::Node& spec, AuthorizationPolicy& out) {
  using Action = AuthorizationPolicy::Action;
  d.fields(spec, "spec", [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (decode_policy_scope_field(d, key, v, p, out.scope)) return true;
    if (key == "rules")
      return d.list(v, p, out.rules, [&](auto& n, auto& ip, auto& r) { decode_rule(d, n, ip, r); });
    if (key == "action") {
      return d.enumeration(v, p,
                           {{"ALLOW", Action::kAllow},
                            {"DENY", Action::kDeny},
                            {"AUDIT", Action::kAudit},
                            {"CUSTOM", Action::kCustom}},
                           out.action);
    }
    if (key == "provider") {
      auto& provider = out.provider.emplace();
      d.fields(v, p, [&](std::string_view k, const YAML::Node& pv, const std::string& pp) {
        if (k == "name") return d.str(pv, pp, provider.name);
        return false;
      });
      return true;
    }
    return false;
  });
  // Valid, as Istio has it, but almost certainly not what was meant.
  if ((out.action == Action::kDeny || out.action == Action::kAudit) && out.rules.empty()) {
    d.warn(spec, "spec.rules",
           std::string(out.action == Action::kDeny ? "DENY" : "AUDIT") +
               " action without rules never matches; add an empty rule {} to match every "
               "request");
  }
}

}  // namespace jib::mesh::detail
