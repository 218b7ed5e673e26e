// Builds snapshots and proxies from YAML text for generator tests.
#pragma once

#include <string>

#include <gtest/gtest.h>

#include "mesh/model/snapshot.h"
#include "test/unit/support/config_from_yaml.h"
#include "xds/translate/proxy.h"
#include "xds/translate/resources.h"

namespace jib::xds::testing {

using jib::testing::snapshot_from_yaml;
using jib::testing::state_from_yaml;

// A sidecar in namespace ns; interception NONE when capture is false.
Proxy sidecar(const std::string& ns = "default", bool capture = false);

// A sidecar without capture at `ip`, with labels.
Proxy workload(const std::string& ns, const std::string& ip, const mesh::Labels& labels);

template <typename T>
T unpack(const Resource& r) {
  T out;
  EXPECT_TRUE(r.any().UnpackTo(&out)) << r.name;
  return out;
}

// The resource of that name, or nullptr.
const Resource* find(const Resources& all, const std::string& name);

}  // namespace jib::xds::testing
