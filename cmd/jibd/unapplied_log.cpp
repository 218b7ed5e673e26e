#include "cmd/jibd/unapplied_log.h"

#include "base/log.h"
#include "mesh/api/unapplied_fields.h"

namespace jib::jibd {
namespace {

constexpr std::string_view kLog = "config";

void warn(std::string_view what, const std::vector<mesh::UnappliedUse>& uses) {
  if (uses.empty()) return;
  std::string fields;
  for (const auto& use : uses) {
    if (!fields.empty()) fields += ", ";
    fields += use.field.empty() ? "the whole object" : use.field;
    if (use.row != nullptr) {
      fields +=
          " (" + (use.row->values.empty() ? "" : use.row->values + ": ") + use.row->reason + ")";
    }
  }
  log::warn(kLog, what, ": accepted, not yet applied: ", fields);
}

void log_object(const mesh::ConfigObject& object) {
  warn(mesh::key_of(object).str(), mesh::unapplied_fields(object));
}

}  // namespace

void log_unapplied(const mesh::StoreState& state) {
  for (const auto& [key, object] : state.objects) log_object(*object);
}

void log_unapplied(const mesh::StoreState& state, const std::set<mesh::ConfigKey>& keys) {
  for (const auto& key : keys) {
    if (auto it = state.objects.find(key); it != state.objects.end()) log_object(*it->second);
  }
}

void log_unapplied(const mesh::MeshConfig& mesh_config, std::string_view source) {
  warn("MeshConfig " + std::string(source), mesh::unapplied_fields(mesh_config));
}

}  // namespace jib::jibd
