#include "xds/translate/authz/rbac_builder.h"

#include <charconv>
#include <optional>

#include "xds/translate/authz/rbac_matchers.h"

namespace jib::xds::authz {
namespace {

using envoy::config::rbac::v3::Policy;
using envoy::config::rbac::v3::RBAC;
using mesh::AuthorizationPolicy;

// serviceAccounts and source.serviceAccount: "ns/sa" is shorthand for the principal
// "<td>/ns/ns/sa/sa" of any trust domain.
Principal service_account(const std::string& v) {
  size_t slash = v.find('/');
  return principal_name("*/ns/" + v.substr(0, slash) + "/sa/" + v.substr(slash + 1));
}

// Builds one rule. `http` false: attributes only HTTP has are left out, and `needs_http` says
// whether there were any.
class RuleBuilder {
 public:
  explicit RuleBuilder(bool http) : http_(http) {}

  bool needs_http() const { return needs_http_; }

  Policy build(const mesh::AuthorizationRule& rule) {
    std::vector<Principal> ids;
    std::vector<Permission> perms;
    if (rule.from) {
      std::vector<Principal> sources;
      for (const auto& from : *rule.from) {
        sources.push_back(from.source ? source(*from.source) : all_of(std::vector<Principal>{}));
      }
      if (!sources.empty()) ids.push_back(any_of(std::move(sources)));
    }
    if (rule.to) {
      std::vector<Permission> operations;
      for (const auto& to : *rule.to) {
        operations.push_back(to.operation ? operation(*to.operation)
                                          : all_of(std::vector<Permission>{}));
      }
      if (!operations.empty()) perms.push_back(any_of(std::move(operations)));
    }
    for (const auto& condition : rule.when) add_condition(condition, &ids, &perms);
    Policy policy;
    *policy.add_principals() = all_of(std::move(ids));
    *policy.add_permissions() = all_of(std::move(perms));
    return policy;
  }

 private:
  // One field: any of `values`, and none of `not_values`.
  template <typename M, typename F>
  void field(const std::vector<std::string>& values, const std::vector<std::string>& not_values,
             bool http_only, F make, std::vector<M>* out) {
    if (values.empty() && not_values.empty()) return;
    if (http_only && !http_) {
      needs_http_ = true;
      return;
    }
    if (!values.empty()) {
      std::vector<M> alternatives;
      for (const auto& v : values) alternatives.push_back(make(v));
      out->push_back(any_of(std::move(alternatives)));
    }
    if (!not_values.empty()) {
      std::vector<M> alternatives;
      for (const auto& v : not_values) alternatives.push_back(make(v));
      out->push_back(negate(any_of(std::move(alternatives))));
    }
  }

  Principal source(const mesh::AuthorizationSource& s) {
    std::vector<Principal> all;
    field(s.principals, s.not_principals, false, principal_name, &all);
    field(s.request_principals, s.not_request_principals, true, request_principal, &all);
    field(s.namespaces, s.not_namespaces, false, namespace_principal, &all);
    field(
        s.ip_blocks, s.not_ip_blocks, false,
        [](const std::string& v) { return ip_principal(v, true); }, &all);
    field(
        s.remote_ip_blocks, s.not_remote_ip_blocks, false,
        [](const std::string& v) { return ip_principal(v, false); }, &all);
    field(s.service_accounts, s.not_service_accounts, false, service_account, &all);
    return all_of(std::move(all));
  }

  Permission operation(const mesh::AuthorizationOperation& o) {
    std::vector<Permission> all;
    field(o.hosts, o.not_hosts, true, host_permission, &all);
    field(
        o.ports, o.not_ports, false,
        [](const std::string& v) { return port_permission(std::stoul(v)); }, &all);
    field(o.methods, o.not_methods, true, method_permission, &all);
    field(o.paths, o.not_paths, true, path_permission, &all);
    return all_of(std::move(all));
  }

  void add_condition(const mesh::AuthorizationCondition& c, std::vector<Principal>* ids,
                     std::vector<Permission>* perms) {
    const std::string& key = c.key;
    auto bracketed = [&](std::string_view prefix) -> std::optional<std::vector<std::string>> {
      if (!key.starts_with(prefix) || key.back() != ']') return std::nullopt;
      std::vector<std::string> parts;
      std::string_view rest = std::string_view(key).substr(prefix.size());
      while (!rest.empty() && rest.front() == '[') {
        size_t close = rest.find(']');
        parts.emplace_back(rest.substr(1, close - 1));
        rest.remove_prefix(close + 1);
      }
      return parts;
    };
    if (auto header = bracketed("request.headers")) {
      field(
          c.values, c.not_values, true,
          [&](const std::string& v) { return header_principal((*header)[0], v); }, ids);
    } else if (auto claim_path = bracketed("request.auth.claims")) {
      field(
          c.values, c.not_values, true, [&](const std::string& v) { return claim(*claim_path, v); },
          ids);
    } else if (key == "request.auth.principal") {
      field(c.values, c.not_values, true, request_principal, ids);
    } else if (key == "request.auth.audiences") {
      field(
          c.values, c.not_values, true, [](const std::string& v) { return claim({"aud"}, v); },
          ids);
    } else if (key == "request.auth.presenter") {
      field(
          c.values, c.not_values, true, [](const std::string& v) { return claim({"azp"}, v); },
          ids);
    } else if (key == "source.ip") {
      field(
          c.values, c.not_values, false, [](const std::string& v) { return ip_principal(v, true); },
          ids);
    } else if (key == "remote.ip") {
      field(
          c.values, c.not_values, false,
          [](const std::string& v) { return ip_principal(v, false); }, ids);
    } else if (key == "source.namespace") {
      field(c.values, c.not_values, false, namespace_principal, ids);
    } else if (key == "source.principal") {
      field(c.values, c.not_values, false, principal_name, ids);
    } else if (key == "source.serviceAccount") {
      field(c.values, c.not_values, false, service_account, ids);
    } else if (key == "destination.ip") {
      field(c.values, c.not_values, false, destination_ip_permission, perms);
    } else if (key == "destination.port") {
      field(
          c.values, c.not_values, false,
          [](const std::string& v) { return port_permission(std::stoul(v)); }, perms);
    } else if (key == "connection.sni") {
      field(c.values, c.not_values, false, sni_permission, perms);
    } else if (key.starts_with("experimental.envoy.filters.")) {
      // experimental.envoy.filters.<filter>[<key>]: the filter's dynamic metadata.
      size_t open = key.find('[');
      std::string filter = key.substr(std::string_view("experimental.").size(),
                                      open - std::string_view("experimental.").size());
      std::string path = key.substr(open + 1, key.size() - open - 2);
      field(
          c.values, c.not_values, false,
          [&](const std::string& v) {
            Permission rule;
            auto* m = rule.mutable_metadata();
            m->set_filter(filter);
            m->add_path()->set_key(path);
            *m->mutable_value()->mutable_list_match()->mutable_one_of()->mutable_string_match() =
                string_matcher(v);
            return rule;
          },
          perms);
    }
    // Other keys were refused by validation.
  }

  bool http_;
  bool needs_http_ = false;
};

RBAC::Action envoy_action(AuthorizationPolicy::Action action) {
  switch (action) {
    case AuthorizationPolicy::Action::kDeny:
      return RBAC::DENY;
    case AuthorizationPolicy::Action::kAudit:
      return RBAC::LOG;
    case AuthorizationPolicy::Action::kAllow:
    case AuthorizationPolicy::Action::kCustom:
      break;
  }
  return RBAC::ALLOW;
}

}  // namespace

std::string policy_name(const AuthorizationPolicy& policy, size_t rule_index) {
  return "ns[" + policy.meta.ns + "]-policy[" + policy.meta.name + "]-rule[" +
         std::to_string(rule_index) + "]";
}

bool is_dry_run(const AuthorizationPolicy& policy) {
  auto it = policy.meta.annotations.find("istio.io/dry-run");
  return it != policy.meta.annotations.end() && it->second == "true";
}

CompiledRbac compile_rbac(const std::vector<const AuthorizationPolicy*>& policies,
                          AuthorizationPolicy::Action action, Protocol protocol) {
  CompiledRbac out;
  out.rules.set_action(envoy_action(action));
  out.shadow.set_action(envoy_action(action));
  for (const AuthorizationPolicy* policy : policies) {
    const bool dry_run = is_dry_run(*policy);
    (dry_run ? out.any_dry_run : out.any_enforced) = true;
    RBAC& target = dry_run ? out.shadow : out.rules;
    for (size_t i = 0; i < policy->rules.size(); ++i) {
      RuleBuilder builder(protocol == Protocol::kHttp);
      Policy compiled = builder.build(policy->rules[i]);
      const std::string name = policy_name(*policy, i);
      if (builder.needs_http() && action == AuthorizationPolicy::Action::kAllow) {
        out.dropped.push_back(name);
        continue;
      }
      (*target.mutable_policies())[name] = std::move(compiled);
    }
  }
  return out;
}

}  // namespace jib::xds::authz
