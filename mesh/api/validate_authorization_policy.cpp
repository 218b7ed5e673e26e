#include <array>
#include <charconv>

#include "mesh/api/path_template.h"
#include "mesh/api/field_checks.h"
#include "mesh/api/validate_policy_target.h"

namespace jib::mesh::detail {
namespace {

using Action = AuthorizationPolicy::Action;
using Strings = std::vector<std::string>;

std::string item(const std::string& path, size_t i) { return path + "[" + std::to_string(i) + "]"; }

// Istio matches rule values exactly, by prefix ("abc*"), by suffix ("*abc") or by presence ("*");
// a '*' anywhere else is taken literally, which is never what was meant.
std::string check_match_value(const std::string& value) {
  if (value.empty()) return "must not be empty";
  if (value == "*") return "";
  std::string_view core = value;
  if (core.front() == '*') {
    core.remove_prefix(1);
  } else if (core.back() == '*') {
    core.remove_suffix(1);
  }
  if (core.find('*') != std::string_view::npos) {
    return "\"" + value + "\": '*' is only allowed as the whole value, a prefix or a suffix";
  }
  return "";
}

void check_values(const Strings& values, const std::string& path, Reporter& report) {
  for (size_t i = 0; i < values.size(); ++i) {
    if (auto reason = check_match_value(values[i]); !reason.empty()) report(item(path, i), reason);
  }
}

void check_ips(const Strings& values, const std::string& path, Reporter& report) {
  for (size_t i = 0; i < values.size(); ++i) {
    if (!is_ip_or_cidr(values[i])) {
      report(item(path, i), "\"" + values[i] + "\" is not an IP address or CIDR block");
    }
  }
}

std::string check_port(const std::string& value) {
  uint32_t port = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), port);
  if (value.empty() || ec != std::errc() || end != value.data() + value.size() || port < 1 ||
      port > 65535) {
    return "\"" + value + "\" is not a port number between 1 and 65535";
  }
  return "";
}

void check_ports(const Strings& values, const std::string& path, Reporter& report) {
  for (size_t i = 0; i < values.size(); ++i) {
    if (auto reason = check_port(values[i]); !reason.empty()) report(item(path, i), reason);
  }
}

// Namespaces are DNS labels; a wildcard value is checked without its '*'.
void check_namespaces(const Strings& values, const std::string& path, Reporter& report) {
  for (size_t i = 0; i < values.size(); ++i) {
    const std::string& ns = values[i];
    if (auto reason = check_match_value(ns); !reason.empty()) {
      report(item(path, i), reason);
      continue;
    }
    if (ns.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-*") != std::string::npos ||
        ns.size() > 63) {
      report(item(path, i), "\"" + ns + "\" cannot be a namespace name");
    }
  }
}

// "namespace/name", both DNS labels (Istio caps the whole at 320 characters).
void check_service_accounts(const Strings& values, const std::string& path, Reporter& report) {
  if (values.size() > 16) {
    report(path, "at most 16 service accounts are allowed, found " + std::to_string(values.size()));
  }
  for (size_t i = 0; i < values.size(); ++i) {
    const std::string& sa = values[i];
    size_t slash = sa.find('/');
    if (sa.size() > 320 || slash == std::string::npos ||
        !check_dns1123_label(sa.substr(0, slash)).empty() ||
        !check_dns1123_subdomain(sa.substr(slash + 1)).empty()) {
      report(item(path, i), "\"" + sa + "\" is not of the form <namespace>/<service account>");
    }
  }
}

// Paths are Istio's values or its path templates (mesh/api/path_template.h).
void check_paths(const Strings& values, const std::string& path, Reporter& report) {
  for (size_t i = 0; i < values.size(); ++i) {
    const std::string& p = values[i];
    if (p.find_first_of("{}") == std::string::npos) {
      if (auto reason = check_match_value(p); !reason.empty()) report(item(path, i), reason);
    } else if (auto reason = check_path_template(p); !reason.empty()) {
      report(item(path, i), "invalid path template \"" + p + "\": " + reason);
    }
  }
}

// Attributes of `when`, as Istio's conditions reference lists them.
std::string check_condition_key(const std::string& key) {
  static constexpr std::array<std::string_view, 12> kExact = {"source.ip",
                                                              "remote.ip",
                                                              "source.namespace",
                                                              "source.principal",
                                                              "source.serviceAccount",
                                                              "request.auth.principal",
                                                              "request.auth.audiences",
                                                              "request.auth.presenter",
                                                              "destination.ip",
                                                              "destination.port",
                                                              "connection.sni",
                                                              ""};
  for (auto k : kExact) {
    if (!k.empty() && k == key) return "";
  }
  for (std::string_view prefix : {"request.headers", "request.auth.claims"}) {
    if (!key.starts_with(prefix)) continue;
    std::string_view rest = std::string_view(key).substr(prefix.size());
    // Claims may nest: request.auth.claims[outer][inner].
    if (rest.size() < 3 || rest.front() != '[' || rest.back() != ']' ||
        rest.find("[]") != std::string_view::npos) {
      return "\"" + key + "\" must name a key in brackets, e.g. " + std::string(prefix) + "[name]";
    }
    if (prefix == "request.headers") {
      std::string header(rest.substr(1, rest.size() - 2));
      if (auto reason = check_header_token(header); !reason.empty()) return reason;
    }
    return "";
  }
  if (key.starts_with("experimental.envoy.filters.") &&
      key.size() > std::string_view("experimental.envoy.filters.").size()) {
    return "";
  }
  return "unknown attribute \"" + key + "\"";
}

void validate_condition(const AuthorizationCondition& c, const std::string& path, Action action,
                        Reporter& report) {
  if (c.key.empty()) {
    report(path + ".key", "required");
    return;
  }
  if (auto reason = check_condition_key(c.key); !reason.empty()) {
    report(path + ".key", reason);
    return;
  }
  if (c.values.empty() && c.not_values.empty()) {
    report(path, "at least one of values and notValues is required for key " + c.key);
  }
  if (action == Action::kCustom && (c.key == "source.namespace" || c.key == "source.principal" ||
                                    c.key.starts_with("request.auth."))) {
    report(path + ".key", c.key + " is not supported with the CUSTOM action");
  }
  auto check = [&](const Strings& values, const std::string& field) {
    if (c.key == "source.ip" || c.key == "remote.ip" || c.key == "destination.ip") {
      check_ips(values, field, report);
    } else if (c.key == "destination.port") {
      check_ports(values, field, report);
    } else {
      for (size_t i = 0; i < values.size(); ++i) {
        if (values[i].empty()) report(item(field, i), "must not be empty");
      }
    }
  };
  check(c.values, path + ".values");
  check(c.not_values, path + ".notValues");
}

void validate_source(const AuthorizationSource& s, const std::string& path, Action action,
                     Reporter& report) {
  const bool empty = s.principals.empty() && s.not_principals.empty() &&
                     s.request_principals.empty() && s.not_request_principals.empty() &&
                     s.namespaces.empty() && s.not_namespaces.empty() && s.ip_blocks.empty() &&
                     s.not_ip_blocks.empty() && s.remote_ip_blocks.empty() &&
                     s.not_remote_ip_blocks.empty() && s.service_accounts.empty() &&
                     s.not_service_accounts.empty();
  if (empty) report(path, "must set at least one field");
  check_values(s.principals, path + ".principals", report);
  check_values(s.not_principals, path + ".notPrincipals", report);
  check_values(s.request_principals, path + ".requestPrincipals", report);
  check_values(s.not_request_principals, path + ".notRequestPrincipals", report);
  check_namespaces(s.namespaces, path + ".namespaces", report);
  check_namespaces(s.not_namespaces, path + ".notNamespaces", report);
  check_ips(s.ip_blocks, path + ".ipBlocks", report);
  check_ips(s.not_ip_blocks, path + ".notIpBlocks", report);
  check_ips(s.remote_ip_blocks, path + ".remoteIpBlocks", report);
  check_ips(s.not_remote_ip_blocks, path + ".notRemoteIpBlocks", report);
  check_service_accounts(s.service_accounts, path + ".serviceAccounts", report);
  check_service_accounts(s.not_service_accounts, path + ".notServiceAccounts", report);
  if ((!s.service_accounts.empty() || !s.not_service_accounts.empty()) &&
      (!s.principals.empty() || !s.not_principals.empty() || !s.namespaces.empty() ||
       !s.not_namespaces.empty())) {
    report(path + ".serviceAccounts", "cannot be set together with principals or namespaces");
  }
  if (action == Action::kCustom) {
    // The external authorizer sees the request before Istio's identities are matched.
    auto unsupported = [&](const Strings& values, const char* field) {
      if (!values.empty()) report(path + "." + field, "not supported with the CUSTOM action");
    };
    unsupported(s.principals, "principals");
    unsupported(s.not_principals, "notPrincipals");
    unsupported(s.request_principals, "requestPrincipals");
    unsupported(s.not_request_principals, "notRequestPrincipals");
    unsupported(s.namespaces, "namespaces");
    unsupported(s.not_namespaces, "notNamespaces");
  }
}

void validate_operation(const AuthorizationOperation& o, const std::string& path,
                        Reporter& report) {
  const bool empty = o.hosts.empty() && o.not_hosts.empty() && o.ports.empty() &&
                     o.not_ports.empty() && o.methods.empty() && o.not_methods.empty() &&
                     o.paths.empty() && o.not_paths.empty();
  if (empty) report(path, "must set at least one field");
  check_values(o.hosts, path + ".hosts", report);
  check_values(o.not_hosts, path + ".notHosts", report);
  check_ports(o.ports, path + ".ports", report);
  check_ports(o.not_ports, path + ".notPorts", report);
  check_values(o.methods, path + ".methods", report);
  check_values(o.not_methods, path + ".notMethods", report);
  check_paths(o.paths, path + ".paths", report);
  check_paths(o.not_paths, path + ".notPaths", report);
}

void validate_rule(const AuthorizationRule& rule, const std::string& path, Action action,
                   Reporter& report) {
  if (rule.from) {
    if (rule.from->empty()) report(path + ".from", "must not be an empty list; leave it out");
    for (size_t i = 0; i < rule.from->size(); ++i) {
      const std::string from = item(path + ".from", i);
      const auto& source = (*rule.from)[i].source;
      if (!source) {
        report(from + ".source", "required");
      } else {
        validate_source(*source, from + ".source", action, report);
      }
    }
  }
  if (rule.to) {
    if (rule.to->empty()) report(path + ".to", "must not be an empty list; leave it out");
    for (size_t i = 0; i < rule.to->size(); ++i) {
      const std::string to = item(path + ".to", i);
      const auto& operation = (*rule.to)[i].operation;
      if (!operation) {
        report(to + ".operation", "required");
      } else {
        validate_operation(*operation, to + ".operation", report);
      }
    }
  }
  for (size_t i = 0; i < rule.when.size(); ++i) {
    validate_condition(rule.when[i], item(path + ".when", i), action, report);
  }
}

}  // namespace

void validate_authorization_policy(const AuthorizationPolicy& ap, Reporter& report) {
  validate_policy_scope(ap.scope, report);
  if (ap.action == Action::kCustom) {
    if (!ap.provider || ap.provider->name.empty()) {
      report("spec.provider.name", "required when action is CUSTOM", "spec.action");
    }
    if (ap.rules.empty()) {
      report("spec.rules",
             "CUSTOM action without rules never matches; add an empty rule {} to match every "
             "request",
             "spec.action");
    }
  } else if (ap.provider) {
    report("spec.provider", "only allowed when action is CUSTOM");
  }
  if (ap.rules.size() > 512) {
    report("spec.rules", "at most 512 rules are allowed, found " + std::to_string(ap.rules.size()));
  }
  for (size_t i = 0; i < ap.rules.size(); ++i) {
    validate_rule(ap.rules[i], item("spec.rules", i), ap.action, report);
  }
}

}  // namespace jib::mesh::detail
