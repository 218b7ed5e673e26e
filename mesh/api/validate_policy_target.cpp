#include <array>

#include "mesh/api/field_checks.h"
#include "mesh/api/validate_policy_target.h"

namespace jib::mesh::detail {
namespace {

// The kinds a policy may target, as Istio allows them.
struct TargetKind {
  std::string_view group;
  std::string_view kind;
};
constexpr std::array<TargetKind, 4> kTargetKinds = {{
    {"gateway.networking.k8s.io", "Gateway"},
    {"gateway.networking.k8s.io", "GatewayClass"},
    {"", "Service"},
    {"networking.istio.io", "ServiceEntry"},
}};

bool is_kind_name(std::string_view kind) {
  auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (kind.empty() || kind.size() > 63 || !alpha(kind.front()) || kind.back() == '-') return false;
  for (char c : kind) {
    if (!alpha(c) && !digit(c) && c != '-') return false;
  }
  return true;
}

void validate_target_ref(const PolicyTargetReference& ref, const std::string& path,
                         Reporter& report) {
  if (!ref.group.empty()) {
    if (auto reason = check_dns1123_subdomain(ref.group); !reason.empty()) {
      report(path + ".group", "invalid group \"" + ref.group + "\": " + reason);
    }
  }
  if (ref.kind.empty()) {
    report(path + ".kind", "required");
  } else if (!is_kind_name(ref.kind)) {
    report(path + ".kind", "invalid kind \"" + ref.kind + "\"");
  } else {
    bool allowed = false;
    for (const auto& t : kTargetKinds)
      allowed = allowed || (t.group == ref.group && t.kind == ref.kind);
    if (!allowed) {
      report(path, "cannot target " + (ref.group.empty() ? std::string("core") : ref.group) + "/" +
                       ref.kind +
                       " (expected gateway.networking.k8s.io Gateway or GatewayClass, core "
                       "Service, or networking.istio.io ServiceEntry)");
    }
  }
  if (ref.name.empty()) {
    report(path + ".name", "required");
  } else if (ref.name.size() > 253) {
    report(path + ".name", "longer than 253 characters");
  }
  if (!ref.ns.empty()) {
    report(path + ".namespace", "cross-namespace references are not supported; leave it unset");
  }
}

}  // namespace

void validate_policy_selector(const WorkloadSelector& selector, const std::string& path,
                              Reporter& report) {
  for (const auto& [key, value] : selector.match_labels) {
    const std::string field = path + ".matchLabels." + key;
    if (key.empty()) report(field, "label key must not be empty");
    if (key.find('*') != std::string::npos) report(field, "wildcard not allowed in label key");
    if (value.find('*') != std::string::npos) {
      report(field, "wildcard not allowed in label value \"" + value + "\"");
    }
    if (value.size() > 63) report(field, "label value is longer than 63 characters");
  }
}

void validate_policy_scope(const PolicyScope& scope, Reporter& report) {
  int set =
      (scope.selector ? 1 : 0) + (scope.target_ref ? 1 : 0) + (scope.target_refs.empty() ? 0 : 1);
  if (set > 1) {
    report(scope.selector ? "spec.selector" : "spec.targetRef",
           "only one of selector, targetRef and targetRefs can be set");
  }
  if (scope.selector) validate_policy_selector(*scope.selector, "spec.selector", report);
  if (scope.target_ref) validate_target_ref(*scope.target_ref, "spec.targetRef", report);
  if (scope.target_refs.size() > 16) {
    report("spec.targetRefs",
           "at most 16 references are allowed, found " + std::to_string(scope.target_refs.size()));
  }
  for (size_t i = 0; i < scope.target_refs.size(); ++i) {
    validate_target_ref(scope.target_refs[i], "spec.targetRefs[" + std::to_string(i) + "]", report);
  }
}

std::string check_header_token(std::string_view name) {
  if (name.empty()) return "header name must not be empty";
  static constexpr std::string_view kPunct = "!#$%&'*+-.^_`|~";
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              kPunct.find(c) != std::string_view::npos;
    if (!ok) return "header name \"" + std::string(name) + "\" has an illegal character";
  }
  return "";
}

}  // namespace jib::mesh::detail
