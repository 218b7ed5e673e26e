#include "cmd/jibctl/authz_report.h"

#include <cstdio>
#include <nlohmann/json.hpp>

namespace jib::ctl {
namespace {

using envoy::config::rbac::v3::RBAC;
using xds::authz::RbacStageResult;
using xds::authz::stage_name;

nlohmann::json optional_json(const std::optional<std::string>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

std::optional<std::string> matched(const std::optional<xds::authz::RbacEngineResult>& result) {
  return result ? result->matched : std::nullopt;
}

// "ALLOW: 1 policy, matched ns[..]-policy[..]-rule[0]; dry-run: 2 policies, none matched".
std::string stage_text(const RbacStageResult& stage) {
  auto part = [](size_t count, const std::optional<std::string>& match) {
    return std::to_string(count) + (count == 1 ? " policy, " : " policies, ") +
           (match ? "matched " + *match : "none matched");
  };
  std::string out(stage_name(stage.action));
  out += ": ";
  if (stage.enforced) out += part(stage.policies.size(), stage.enforced->matched);
  if (stage.shadow) {
    out += std::string(stage.enforced ? "; " : "") + "dry-run " +
           part(stage.shadow_policies.size(), stage.shadow->matched) +
           (stage.shadow->allowed ? "" : " (would deny)");
  }
  return out;
}

nlohmann::json stage_json(const RbacStageResult& stage) {
  return {{"stage", std::string(stage_name(stage.action))},
          {"enforced", stage.enforced.has_value()},
          {"policies", stage.policies},
          {"matched", optional_json(matched(stage.enforced))},
          {"shadow_policies", stage.shadow_policies},
          {"shadow_matched", optional_json(matched(stage.shadow))},
          {"shadow_denies", stage.shadow && !stage.shadow->allowed}};
}

}  // namespace

std::optional<int> AuthzReport::status() const {
  if (!http) return std::nullopt;
  if (!chain) return 401;
  return chain->allowed ? 200 : 403;
}

std::string AuthzReport::stage() const {
  if (!chain) return "jwt_authn";
  if (!chain->decided_by) return "none";
  return std::string(stage_name(chain->stages[*chain->decided_by].action));
}

std::optional<std::string> AuthzReport::policy() const {
  if (!chain || !chain->decided_by) return std::nullopt;
  return matched(chain->stages[*chain->decided_by].enforced);
}

std::optional<std::string> AuthzReport::audit() const {
  if (!chain) return std::nullopt;
  for (const auto& stage : chain->stages) {
    if (stage.action == RBAC::LOG && matched(stage.enforced)) return matched(stage.enforced);
  }
  return std::nullopt;
}

void print_text(const AuthzReport& r) {
  std::printf("%s%s\n", r.allowed() ? "ALLOW" : "DENY", r.chain ? "" : " (401)");
  std::string why;
  if (!r.chain) {
    why = "the token is refused: " + r.token.detail;
  } else if (auto p = r.policy()) {
    why = *p;
  } else if (r.chain->decided_by) {
    why = "no policy matched";
  } else {
    why = r.chain->stages.empty() ? "no AuthorizationPolicy applies"
                                  : "no ALLOW policy applies and no DENY policy matched";
  }
  std::printf("  stage:    %s\n  policy:   %s\n", r.stage().c_str(), why.c_str());
  if (auto a = r.audit()) std::printf("  audit:    logged by %s\n", a->c_str());
  std::printf("  workload: %s\n  port:     %u (%s)\n", describe(r.target).c_str(), r.port,
              r.http ? "HTTP" : "TCP");
  std::printf("  token:    %s%s%s\n", outcome_name(r.token.outcome).c_str(),
              r.token.detail.empty() ? "" : ": ", r.token.detail.c_str());
  if (r.chain) {
    for (const auto& stage : r.chain->stages) {
      std::printf("  rbac:     %s\n", stage_text(stage).c_str());
    }
  }
  for (const auto& note : r.notes) std::printf("  note:     %s\n", note.c_str());
}

void print_json(const AuthzReport& r) {
  nlohmann::json stages = nlohmann::json::array();
  if (r.chain) {
    for (const auto& stage : r.chain->stages) stages.push_back(stage_json(stage));
  }
  auto status = r.status();
  nlohmann::json out = {
      {"decision", r.allowed() ? "ALLOW" : "DENY"},
      {"status", status ? nlohmann::json(*status) : nlohmann::json(nullptr)},
      {"stage", r.stage()},
      {"policy", optional_json(r.policy())},
      {"audit", optional_json(r.audit())},
      {"workload",
       {{"kind", r.target.kind},
        {"namespace", r.target.workload.ns},
        {"name", r.target.name},
        {"labels", r.target.workload.labels},
        {"ip", r.target.ip}}},
      {"port", r.port},
      {"protocol", r.http ? "HTTP" : "TCP"},
      {"token", {{"outcome", outcome_name(r.token.outcome)}, {"detail", r.token.detail}}},
      {"stages", stages},
      {"other_filters", r.chain ? r.chain->other_filters : std::vector<std::string>{}},
      {"notes", r.notes}};
  std::printf("%s\n", out.dump(2).c_str());
}

}  // namespace jib::ctl
