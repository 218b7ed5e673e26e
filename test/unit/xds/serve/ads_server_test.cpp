// What was generated for proxies is released when the last proxy it was for disconnects, so that
// proxies that come and go (each with a cache key of its own) leave nothing behind.
#include "xds/serve/ads_server.h"

#include <gtest/gtest.h>

#include "base/metrics.h"
#include "test/unit/xds/test_support.h"

namespace jib::xds {
namespace {

using testing::sidecar;
using testing::snapshot_from_yaml;
using testing::workload;

constexpr const char* kConfig = R"(
apiVersion: v1
kind: Service
metadata: {name: reviews, namespace: default}
spec:
  ports:
  - {name: http, port: 9080, targetPort: 8080}
)";

void ask_all(const PushContext& context, const Proxy& proxy) {
  for (ResourceType type : kPushOrder) context.resources(type, proxy);
}

class AdsServerTest : public ::testing::Test {
 protected:
  metrics::Registry registry_;
  XdsMetrics metrics_{registry_};
  AdsServer server_{std::make_shared<PushContext>(snapshot_from_yaml(kConfig)), metrics_};
};

TEST_F(AdsServerTest, OutputIsKeptWhileAProxyOfItsKeyIsConnected) {
  Proxy a = sidecar("shop");
  Proxy b = sidecar("shop");  // same cache key
  server_.identified(a);
  server_.identified(b);
  ask_all(*server_.current(), a);
  const size_t entries = server_.current()->cached_entries();
  ASSERT_EQ(entries, kPushOrder.size());
  server_.released(a);
  EXPECT_EQ(server_.current()->cached_entries(), entries);
  server_.released(b);
  EXPECT_EQ(server_.current()->cached_entries(), 0u);
}

TEST_F(AdsServerTest, ShortLivedProxiesWithKeysOfTheirOwnLeaveNothing) {
  for (int i = 0; i < 200; ++i) {
    Proxy p = sidecar("ns-" + std::to_string(i));
    server_.identified(p);
    ask_all(*server_.current(), p);
    server_.released(p);
  }
  EXPECT_EQ(server_.current()->cached_entries(), 0u);
}

TEST_F(AdsServerTest, OutputPerIpGoesWithTheLastProxyAtThatIp) {
  // Captured sidecars at endpoint addresses: inbound output is cached per IP.
  const std::string yaml = std::string(kConfig) + R"(---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: reviews-a
  namespace: default
  labels: {kubernetes.io/service-name: reviews}
addressType: IPv4
ports:
- {name: http, port: 8080}
endpoints:
- addresses: [10.0.0.5]
- addresses: [10.0.0.6]
)";
  AdsServer server(std::make_shared<PushContext>(snapshot_from_yaml(yaml)), metrics_);
  Proxy at5 = workload("default", "10.0.0.5", {});
  Proxy at6 = workload("default", "10.0.0.6", {});
  for (Proxy* p : {&at5, &at6}) {
    p->interception = Proxy::InterceptionMode::kRedirect;
    server.identified(*p);
    ask_all(*server.current(), *p);
  }
  ASSERT_EQ(at5.cache_key(), at6.cache_key());
  const size_t both = server.current()->cached_entries();
  server.released(at5);
  const size_t one = server.current()->cached_entries();
  EXPECT_LT(one, both);  // 10.0.0.5's own output is gone, what 10.0.0.6 uses is not
  EXPECT_GT(one, 0u);
  server.released(at6);
  EXPECT_EQ(server.current()->cached_entries(), 0u);
}

TEST_F(AdsServerTest, ReleasingAProxyNeverIdentifiedReleasesNothing) {
  Proxy a = sidecar("shop");
  server_.identified(a);
  ask_all(*server_.current(), a);
  Proxy stranger = sidecar("shop");
  stranger.ip = "10.9.9.9";  // never counted: its release must not count a down
  server_.released(stranger);
  EXPECT_EQ(server_.current()->cached_entries(), kPushOrder.size());
}

TEST_F(AdsServerTest, AProxyWhoseKeyChangesIsCountedUnderItsNewKey) {
  // A gateway allowed its credentials' keys has another cache key than before.
  Proxy before = sidecar("shop");
  before.type = Proxy::Type::kRouter;
  server_.identified(before);
  ask_all(*server_.current(), before);
  Proxy after = before;
  after.credentials_allowed = true;
  ASSERT_NE(after.cache_key(), before.cache_key());
  server_.identified(after);
  server_.released(before);
  EXPECT_EQ(server_.current()->cached_entries(), 0u);
  ask_all(*server_.current(), after);
  EXPECT_EQ(server_.current()->cached_entries(), kPushOrder.size());
  server_.released(after);
  EXPECT_EQ(server_.current()->cached_entries(), 0u);
}

TEST_F(AdsServerTest, StreamsOverTheLimitAreRefusedAndCounted) {
  AdsServer server(std::make_shared<PushContext>(snapshot_from_yaml(kConfig)), metrics_, 2);
  std::vector<std::shared_ptr<AdsStream>> streams;
  for (int i = 0; i < 3; ++i) {
    streams.push_back(std::make_shared<AdsStream>(server, StreamSecurity{}, std::nullopt));
  }
  EXPECT_TRUE(server.add(streams[0]));
  EXPECT_TRUE(server.add(streams[1]));
  EXPECT_FALSE(server.add(streams[2]));
  EXPECT_EQ(metrics_.refused_streams.value(), 1u);
  EXPECT_EQ(metrics_.connected.value(), 2);
  server.remove(streams[0].get());
  EXPECT_TRUE(server.add(streams[2]));
}

}  // namespace
}  // namespace jib::xds
