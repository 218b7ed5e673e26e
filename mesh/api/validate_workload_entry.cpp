#include "mesh/api/field_checks.h"
#include "mesh/api/validate_kinds.h"

namespace jib::mesh::detail {

void validate_workload_entry_spec(const WorkloadEntrySpec& we, const std::string& path,
                                  bool address_required, Reporter& report) {
  const std::string ap = path + ".address";
  if (we.address.empty()) {
    // Istio accepts an entry without address when a network gateway reaches it.
    if (address_required && we.network.empty()) report(ap, "required unless network is set", path);
  } else if (we.address.starts_with("unix://")) {
    if (we.address.size() == 7) report(ap, "unix:// socket path must not be empty");
    if (!we.ports.empty()) report(path + ".ports", "a unix:// address takes no ports");
  } else if (!is_ip_address(we.address)) {
    auto reason = check_wildcard_host(we.address);
    if (reason.empty() && we.address.find('*') != std::string::npos) reason = "wildcard address";
    if (!reason.empty()) report(ap, reason);
  }
  for (const auto& [name, number] : we.ports) {
    validate_port_number(number, path + ".ports." + name, report);
  }
  for (const auto& [key, value] : we.labels) {
    if (key.empty()) report(path + ".labels", "label key must not be empty");
  }
  if (!we.service_account.empty()) {
    if (auto reason = check_dns1123_subdomain(we.service_account); !reason.empty()) {
      report(path + ".serviceAccount", "invalid service account: " + reason);
    }
  }
  if (we.weight > 0xFFFFFF) report(path + ".weight", "must be at most 16777215");
}

void validate_workload_entry(const WorkloadEntry& we, Reporter& report) {
  validate_workload_entry_spec(we.spec, "spec", true, report);
}

}  // namespace jib::mesh::detail
