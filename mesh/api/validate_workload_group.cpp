#include "mesh/api/field_checks.h"
#include "mesh/api/validate_kinds.h"

namespace jib::mesh::detail {
namespace {

void non_negative(int32_t value, const std::string& field, Reporter& report) {
  if (value < 0) report(field, "must be non-negative, got " + std::to_string(value));
}

void validate_probe(const ReadinessProbe& probe, const std::string& path, Reporter& report) {
  using P = ReadinessProbe;
  non_negative(probe.initial_delay_seconds, path + ".initialDelaySeconds", report);
  non_negative(probe.timeout_seconds, path + ".timeoutSeconds", report);
  non_negative(probe.period_seconds, path + ".periodSeconds", report);
  non_negative(probe.success_threshold, path + ".successThreshold", report);
  non_negative(probe.failure_threshold, path + ".failureThreshold", report);
  std::visit(
      [&](const auto& check) {
        using T = std::decay_t<decltype(check)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          report(path, "one of httpGet, tcpSocket, exec or grpc is required");
        } else if constexpr (std::is_same_v<T, P::HttpGet>) {
          validate_port_number(check.port, path + ".httpGet.port", report);
          if (!check.scheme.empty() && check.scheme != "HTTP" && check.scheme != "HTTPS") {
            report(path + ".httpGet.scheme", "must be HTTP or HTTPS, got \"" + check.scheme + "\"");
          }
          for (size_t i = 0; i < check.http_headers.size(); ++i) {
            const auto& name = check.http_headers[i].name;
            if (auto reason = check_header_name(name); !reason.empty()) {
              report(path + ".httpGet.httpHeaders[" + std::to_string(i) + "].name", reason);
            }
          }
        } else if constexpr (std::is_same_v<T, P::TcpSocket>) {
          validate_port_number(check.port, path + ".tcpSocket.port", report);
        } else if constexpr (std::is_same_v<T, P::Exec>) {
          if (check.command.empty()) report(path + ".exec.command", "required", path + ".exec");
        } else {
          validate_port_number(check.port, path + ".grpc.port", report);
        }
      },
      probe.health_check);
}

}  // namespace

void validate_workload_group(const WorkloadGroup& wg, Reporter& report) {
  // Each generated WorkloadEntry takes the address of the VM that registers it.
  if (!wg.template_.address.empty()) {
    report("spec.template.address", "must be empty: each workload supplies its own address");
  }
  validate_workload_entry_spec(wg.template_, "spec.template", false, report);
  for (const auto& [key, value] : wg.metadata.labels) {
    if (key.empty()) report("spec.metadata.labels", "label key must not be empty");
  }
  if (wg.probe) validate_probe(*wg.probe, "spec.probe", report);
}

}  // namespace jib::mesh::detail
