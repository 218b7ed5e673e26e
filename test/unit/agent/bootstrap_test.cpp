#include <gtest/gtest.h>

#include "agent/bootstrap.h"

namespace jib::agent {
namespace {

BootstrapOptions sample() {
  BootstrapOptions o;
  o.pod_name = "web-7d9f-abcde";
  o.pod_namespace = "shop";
  o.service_account = "web-sa";
  o.pod_ip = "10.1.2.3";
  o.labels = {{"app", "web"}, {"version", "v1"}};
  o.interception_mode = "NONE";
  o.cluster_id = "c1";
  o.xds_address = "127.0.0.1:15012";
  o.sds_socket = "/tmp/agent/sds.sock";
  o.admin_port = 15555;
  return o;
}

TEST(Bootstrap, NodeIdAndMetadataAsIstio) {
  auto b = make_bootstrap(sample());
  EXPECT_EQ(b["node"]["id"], "sidecar~10.1.2.3~web-7d9f-abcde.shop~shop.svc.cluster.local");
  EXPECT_EQ(b["node"]["cluster"], "web.shop");
  auto& md = b["node"]["metadata"];
  EXPECT_EQ(md["NAMESPACE"], "shop");
  EXPECT_EQ(md["SERVICE_ACCOUNT"], "web-sa");
  EXPECT_EQ(md["LABELS"]["app"], "web");
  EXPECT_EQ(md["LABELS"]["version"], "v1");
  EXPECT_EQ(md["INTERCEPTION_MODE"], "NONE");
  EXPECT_EQ(md["CLUSTER_ID"], "c1");
  EXPECT_EQ(md["ISTIO_VERSION"], "1.24.0");
  EXPECT_EQ(md["WORKLOAD_NAME"], "web-7d9f");
  EXPECT_EQ(md["NAME"], "web-7d9f-abcde");
}

TEST(Bootstrap, RouterNodeId) {
  auto o = sample();
  o.proxy_type = "router";
  EXPECT_EQ(node_id(o), "router~10.1.2.3~web-7d9f-abcde.shop~shop.svc.cluster.local");
}

TEST(Bootstrap, SecureAdsUsesSdsCertsSniAndToken) {
  auto o = sample();
  o.xds_token = "tok";
  auto b = make_bootstrap(o);
  auto& ads = b["dynamic_resources"]["ads_config"];
  EXPECT_EQ(ads["grpc_services"][0]["envoy_grpc"]["cluster_name"], "xds-grpc");
  EXPECT_EQ(ads["grpc_services"][0]["initial_metadata"][0]["key"], "authorization");
  EXPECT_EQ(ads["grpc_services"][0]["initial_metadata"][0]["value"], "Bearer tok");
  auto& xds = b["static_resources"]["clusters"][0];
  EXPECT_EQ(xds["name"], "xds-grpc");
  EXPECT_EQ(xds["type"], "STATIC");
  auto& tls = xds["transport_socket"]["typed_config"];
  EXPECT_EQ(tls["sni"], "istiod.istio-system.svc");
  auto& ctx = tls["common_tls_context"];
  EXPECT_EQ(ctx["tls_certificate_sds_secret_configs"][0]["name"], "default");
  auto& v = ctx["combined_validation_context"];
  EXPECT_EQ(v["validation_context_sds_secret_config"]["name"], "ROOTCA");
  EXPECT_EQ(v["default_validation_context"]["match_typed_subject_alt_names"][0]["matcher"]["exact"],
            "istiod.istio-system.svc");
  auto& sds = b["static_resources"]["clusters"][1];
  EXPECT_EQ(sds["name"], "sds-grpc");
  EXPECT_EQ(sds["load_assignment"]["endpoints"][0]["lb_endpoints"][0]["endpoint"]["address"]["pipe"]
               ["path"],
            "/tmp/agent/sds.sock");
  EXPECT_EQ(b["admin"]["address"]["socket_address"]["port_value"], 15555);
}

TEST(Bootstrap, PlaintextAdsHasNoTlsNorToken) {
  auto o = sample();
  o.xds_plaintext = true;
  auto b = make_bootstrap(o);
  EXPECT_FALSE(b["static_resources"]["clusters"][0].contains("transport_socket"));
  EXPECT_FALSE(
      b["dynamic_resources"]["ads_config"]["grpc_services"][0].contains("initial_metadata"));
}

TEST(Bootstrap, HostNameIsResolved) {
  auto o = sample();
  o.xds_address = "istiod.istio-system.svc:15012";
  auto b = make_bootstrap(o);
  EXPECT_EQ(b["static_resources"]["clusters"][0]["type"], "STRICT_DNS");
}

TEST(Bootstrap, SplitHostPort) {
  std::string host;
  int port = 0;
  EXPECT_TRUE(split_host_port("a.b:15012", &host, &port));
  EXPECT_EQ(host, "a.b");
  EXPECT_EQ(port, 15012);
  EXPECT_TRUE(split_host_port("[::1]:80", &host, &port));
  EXPECT_EQ(host, "::1");
  EXPECT_FALSE(split_host_port("nohost", &host, &port));
  EXPECT_FALSE(split_host_port("h:99999", &host, &port));
}

}  // namespace
}  // namespace jib::agent
