// Internal to validation: where errors go, and the per-kind validators.
#pragma once

#include <string>
#include <vector>

#include "mesh/config_error.h"
#include "mesh/destination_rule.h"
#include "mesh/service_entry.h"
#include "mesh/virtual_service.h"

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

void validate_service_entry(const ServiceEntry& se, Reporter& report);
void validate_virtual_service(const VirtualService& vs, Reporter& report);
void validate_destination_rule(const DestinationRule& dr, Reporter& report);

}  // namespace jib::mesh::detail
