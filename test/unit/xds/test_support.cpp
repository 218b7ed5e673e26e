#include "test/unit/xds/test_support.h"

#include <gtest/gtest.h>

#include "mesh/parse.h"

namespace jib::xds::testing {

mesh::StoreStatePtr state_from_yaml(const std::string& yaml) {
  auto parsed = mesh::parse_and_validate(yaml, "test.yaml");
  for (const auto& e : parsed.errors) ADD_FAILURE() << e.str();
  mesh::ConfigStore store;
  mesh::Batch batch;
  batch.upserts = parsed.objects;
  store.apply(batch);
  return store.state();
}

mesh::SnapshotPtr snapshot_from_yaml(const std::string& yaml) {
  return mesh::Snapshot::build(state_from_yaml(yaml));
}

Proxy sidecar(const std::string& ns, bool capture) {
  Proxy proxy;
  proxy.id = "sidecar~127.0.0.1~app." + ns + "~" + ns + ".svc.cluster.local";
  proxy.ip = "127.0.0.1";
  proxy.ns = ns;
  proxy.interception =
      capture ? Proxy::InterceptionMode::kRedirect : Proxy::InterceptionMode::kNone;
  return proxy;
}

Proxy workload(const std::string& ns, const std::string& ip, const mesh::Labels& labels) {
  Proxy proxy = sidecar(ns, false);
  proxy.id = "sidecar~" + ip + "~app." + ns + "~" + ns + ".svc.cluster.local";
  proxy.ip = ip;
  proxy.labels = labels;
  return proxy;
}

const Resource* find(const Resources& all, const std::string& name) {
  for (const auto& r : all) {
    if (r.name == name) return &r;
  }
  return nullptr;
}

}  // namespace jib::xds::testing
