// The per-kind validators and what they share: where errors go, metadata and common fields.
#pragma once

#include <string>
#include <vector>

#include "mesh/api/config_error.h"
#include "mesh/api/destination_rule.h"
#include "mesh/api/gateway.h"
#include "mesh/api/service_entry.h"
#include "mesh/api/sidecar.h"
#include "mesh/api/virtual_service.h"
#include "mesh/api/workload_entry.h"
#include "mesh/api/workload_group.h"

namespace jib::mesh::detail {

// Collects the errors of one object, looking up each field's line.
class Reporter {
 public:
  Reporter(const std::string& kind, const ObjectMeta& meta, const FieldLines* lines,
           ConfigErrors* out);
  // line_field: where to point when the field itself is absent from the source (e.g. the
  // resolution that makes a missing list required); empty means the field's own line.
  void operator()(const std::string& field, std::string message,
                  const std::string& line_field = "");

 private:
  int line_for(std::string field) const;

  const ObjectMeta& meta_;
  std::string object_;
  const FieldLines* lines_;
  ConfigErrors* out_;
};

void validate_meta(const ObjectMeta& meta, Reporter& report);
void validate_export_to(const std::vector<std::string>& export_to, Reporter& report);
// Durations that Istio requires to be at least 1ms.
void validate_duration(const Duration& d, const std::string& field, Reporter& report);
void validate_port_number(uint32_t port, const std::string& field, Reporter& report);

// Istio's protocol names (upper-cased by the parser): ServiceEntry, Gateway and Sidecar ports.
bool is_known_protocol(const std::string& protocol);
// Shared by Gateway servers and Sidecar ingress listeners; the Istio-only modes
// (ISTIO_MUTUAL, AUTO_PASSTHROUGH) are for gateways.
void validate_server_tls(const ServerTLSSettings& tls, const std::string& path,
                         bool allow_istio_modes, Reporter& report);
void validate_workload_entry_spec(const WorkloadEntrySpec& we, const std::string& path,
                                  bool address_required, Reporter& report);

void validate_gateway(const Gateway& gw, Reporter& report);
void validate_sidecar(const Sidecar& sc, Reporter& report);
void validate_workload_entry(const WorkloadEntry& we, Reporter& report);
void validate_workload_group(const WorkloadGroup& wg, Reporter& report);

// Shared by DestinationRule and Sidecar.
void validate_connection_pool(const ConnectionPoolSettings& pool, const std::string& path,
                              Reporter& report);

void validate_service_entry(const ServiceEntry& se, Reporter& report);
void validate_virtual_service(const VirtualService& vs, Reporter& report);
void validate_destination_rule(const DestinationRule& dr, Reporter& report);

}  // namespace jib::mesh::detail
