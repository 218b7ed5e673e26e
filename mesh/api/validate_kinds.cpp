// What every kind's validation shares: the error reporter, metadata, exportTo, durations, ports.
#include "mesh/api/validate_kinds.h"

#include "mesh/api/field_checks.h"

namespace jib::mesh {

namespace detail {

Reporter::Reporter(const std::string& kind, const ObjectMeta& meta, const FieldLines* lines,
                   ConfigErrors* out)
    : meta_(meta), object_(kind + " " + meta.ns + "/" + meta.name), lines_(lines), out_(out) {}

void Reporter::operator()(const std::string& field, std::string message,
                          const std::string& line_field) {
  int line = line_for(
      line_field.empty() || (lines_ != nullptr && lines_->contains(field)) ? field : line_field);
  out_->push_back(ConfigError{meta_.source.file, line, object_, field, std::move(message)});
}

// The line of the field, else of the nearest enclosing field that has one, else the object's.
int Reporter::line_for(std::string field) const {
  if (lines_ != nullptr) {
    while (!field.empty()) {
      if (auto it = lines_->find(field); it != lines_->end()) return it->second;
      size_t cut = field.find_last_of(".[");
      field.resize(cut == std::string::npos ? 0 : cut);
    }
  }
  return meta_.source.line;
}

void validate_meta(const ObjectMeta& meta, Reporter& report) {
  if (meta.name.empty()) {
    report("metadata.name", "required");
  } else if (auto reason = check_dns1123_subdomain(meta.name); !reason.empty()) {
    report("metadata.name", "invalid name \"" + meta.name + "\": " + reason);
  }
  if (auto reason = check_dns1123_label(meta.ns); !reason.empty()) {
    report("metadata.namespace", "invalid namespace \"" + meta.ns + "\": " + reason);
  }
}

void validate_export_to(const std::vector<std::string>& export_to, Reporter& report) {
  for (size_t i = 0; i < export_to.size(); ++i) {
    const auto& ns = export_to[i];
    if (ns == "." || ns == "*") continue;
    if (auto reason = check_dns1123_label(ns); !reason.empty()) {
      report("spec.exportTo[" + std::to_string(i) + "]",
             "must be \".\", \"*\" or a namespace: " + reason);
    }
  }
}

void validate_duration(const Duration& d, const std::string& field, Reporter& report) {
  if (d < std::chrono::milliseconds(1)) report(field, "duration must be at least 1ms");
}

void validate_port_number(uint32_t port, const std::string& field, Reporter& report) {
  if (port < 1 || port > 65535) {
    report(field, "port number " + std::to_string(port) + " must be between 1 and 65535");
  }
}

}  // namespace detail
}  // namespace jib::mesh
