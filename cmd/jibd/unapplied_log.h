// jibd's log of fields it accepts but does not apply: one warning per object, when the object is
// loaded or changes, so that a user whose fault injection does nothing finds out why.
#pragma once

#include <set>
#include <string_view>

#include "mesh/api/mesh_config.h"
#include "mesh/config/config_store.h"

namespace jib::jibd {

// Every object of the state (at start-up).
void log_unapplied(const mesh::StoreState& state);

// The objects of the state with these keys (a change event's); removed keys are skipped.
void log_unapplied(const mesh::StoreState& state, const std::set<mesh::ConfigKey>& keys);

// A MeshConfig from a file; source names the file.
void log_unapplied(const mesh::MeshConfig& mesh_config, std::string_view source);

}  // namespace jib::jibd
