// Builds snapshots and proxies from YAML text for generator tests.
#pragma once

#include <string>

#include "mesh/snapshot.h"
#include "xds/proxy.h"

namespace jib::xds::testing {

// Parses and validates the YAML (failing the test on any error) into a snapshot.
mesh::SnapshotPtr snapshot_from_yaml(const std::string& yaml);

// A sidecar in namespace ns; interception NONE when capture is false.
Proxy sidecar(const std::string& ns = "default", bool capture = false);

}  // namespace jib::xds::testing
