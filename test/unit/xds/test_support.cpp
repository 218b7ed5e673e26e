#include "test/unit/xds/test_support.h"

#include <gtest/gtest.h>

namespace jib::xds::testing {

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
