#include "test/unit/xds/test_support.h"

#include <gtest/gtest.h>

#include "mesh/parse.h"

namespace jib::xds::testing {

mesh::SnapshotPtr snapshot_from_yaml(const std::string& yaml) {
  auto parsed = mesh::parse_and_validate(yaml, "test.yaml");
  for (const auto& e : parsed.errors) ADD_FAILURE() << e.str();
  mesh::ConfigStore store;
  mesh::Batch batch;
  batch.upserts = parsed.objects;
  store.apply(batch);
  return mesh::Snapshot::build(store.state());
}

Proxy sidecar(const std::string& ns, bool capture) {
  Proxy proxy;
  proxy.id = "sidecar~127.0.0.1~app." + ns + "~" + ns + ".svc.cluster.local";
  proxy.ip = "127.0.0.1";
  proxy.ns = ns;
  proxy.interception = capture ? Proxy::InterceptionMode::kRedirect : Proxy::InterceptionMode::kNone;
  return proxy;
}

}  // namespace jib::xds::testing
