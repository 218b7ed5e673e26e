#include "k8s/kube_config.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "k8s/resources.h"
#include "k8s/util.h"

namespace jib::k8s {
namespace {

std::string temp_dir() {
  auto dir = std::filesystem::temp_directory_path() /
             ("jib-k8s-test-" + std::to_string(::getpid()) + "-" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::filesystem::create_directories(dir);
  return dir.string();
}

void write(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

TEST(KubeConfig, ClientCertificateDataAndCaFileRelativeToTheFile) {
  std::string dir = temp_dir();
  write(dir + "/ca.crt", "CA PEM");
  std::string text = R"(
apiVersion: v1
kind: Config
current-context: dev
clusters:
- name: other
  cluster: {server: https://wrong:1}
- name: local
  cluster:
    server: https://127.0.0.1:6443/
    certificate-authority: ca.crt
users:
- name: admin
  user:
    client-certificate-data: )" +
                     base64_encode("CERT PEM") + R"(
    client-key-data: )" +
                     base64_encode("KEY PEM") + R"(
contexts:
- name: dev
  context: {cluster: local, user: admin, namespace: team}
)";
  KubeConfig c;
  std::string error;
  ASSERT_TRUE(parse_kubeconfig(text, dir, &c, &error)) << error;
  EXPECT_EQ(c.server, "https://127.0.0.1:6443");
  EXPECT_EQ(c.ca_pem, "CA PEM");
  EXPECT_EQ(c.client_cert_pem, "CERT PEM");
  EXPECT_EQ(c.client_key_pem, "KEY PEM");
  EXPECT_EQ(c.ns, "team");
  EXPECT_TRUE(c.token.empty());
}

TEST(KubeConfig, BearerTokenAndCaData) {
  std::string text = R"(
current-context: sa
clusters: [{name: c, cluster: {server: "https://10.0.0.1", certificate-authority-data: )" +
                     base64_encode("ROOT") + R"(}}]
users: [{name: u, user: {token: abc.def.ghi}}]
contexts: [{name: sa, context: {cluster: c, user: u}}]
)";
  KubeConfig c;
  std::string error;
  ASSERT_TRUE(parse_kubeconfig(text, "", &c, &error)) << error;
  EXPECT_EQ(c.token, "abc.def.ghi");
  EXPECT_EQ(c.ca_pem, "ROOT");
}

TEST(KubeConfig, ErrorsNameWhatIsMissing) {
  KubeConfig c;
  std::string error;
  EXPECT_FALSE(parse_kubeconfig("clusters: []", "", &c, &error));
  EXPECT_NE(error.find("current-context"), std::string::npos);
  EXPECT_FALSE(parse_kubeconfig("current-context: x\ncontexts: []", "", &c, &error));
  EXPECT_NE(error.find("no context \"x\""), std::string::npos);
  std::string exec = R"(
current-context: x
clusters: [{name: c, cluster: {server: "https://a"}}]
users: [{name: u, user: {exec: {command: aws}}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
)";
  EXPECT_FALSE(parse_kubeconfig(exec, "", &c, &error));
  EXPECT_NE(error.find("exec"), std::string::npos);
  EXPECT_FALSE(load_kubeconfig("/nonexistent/kubeconfig", &c, &error));
  EXPECT_NE(error.find("/nonexistent/kubeconfig"), std::string::npos);
}

TEST(KubeConfig, InCluster) {
  std::string dir = temp_dir();
  write(dir + "/token", "tok\n");
  write(dir + "/ca.crt", "CA");
  write(dir + "/namespace", "istio-system\n");
  KubeConfig c;
  std::string error;
  ASSERT_TRUE(
      load_in_cluster({{"KUBERNETES_SERVICE_HOST", "fd00::1"}, {"KUBERNETES_SERVICE_PORT", "443"}},
                      dir, &c, &error))
      << error;
  EXPECT_EQ(c.server, "https://[fd00::1]:443");
  EXPECT_EQ(c.token_file, dir + "/token");
  EXPECT_EQ(c.ca_pem, "CA");
  EXPECT_EQ(c.ns, "istio-system");
  EXPECT_FALSE(load_in_cluster({}, dir, &c, &error));
}

TEST(Util, Base64RoundTripAndRejectsGarbage) {
  for (const std::string& s :
       std::vector<std::string>{"", "a", "ab", "abc", "abcd", std::string("\0\xff\x10", 3)}) {
    std::string back;
    ASSERT_TRUE(base64_decode(base64_encode(s), &back));
    EXPECT_EQ(back, s);
  }
  std::string out;
  EXPECT_FALSE(base64_decode("abc", &out));
  EXPECT_FALSE(base64_decode("ab!d", &out));
  EXPECT_TRUE(base64_decode("YW Jj\n", &out));
  EXPECT_EQ(out, "abc");
}

TEST(Util, MicroTime) {
  auto t = std::chrono::system_clock::time_point(std::chrono::microseconds(1700000000123456));
  EXPECT_EQ(format_micro_time(t), "2023-11-14T22:13:20.123456Z");
}

}  // namespace
}  // namespace jib::k8s

namespace jib::k8s {
namespace {

TEST(Resources, PluralsAndPaths) {
  EXPECT_EQ(resources::plural_of("ServiceEntry"), "serviceentries");
  EXPECT_EQ(resources::plural_of("AuthorizationPolicy"), "authorizationpolicies");
  EXPECT_EQ(resources::plural_of("Gateway"), "gateways");
  EXPECT_EQ(resources::plural_of("Telemetry"), "telemetries");
  EXPECT_EQ(resources::plural_of("Sidecar"), "sidecars");
  auto vs = resources::for_kind("VirtualService", "networking.istio.io", "v1");
  ASSERT_TRUE(vs);
  EXPECT_EQ(vs->object_path("ns", "r"),
            "/apis/networking.istio.io/v1/namespaces/ns/virtualservices/r");
  EXPECT_EQ(resources::namespaces().object_path("ignored", "x"), "/api/v1/namespaces/x");
  EXPECT_EQ(resources::pods().collection_path(""), "/api/v1/pods");
  EXPECT_FALSE(resources::for_kind("Secret", "", "v1"));
}

}  // namespace
}  // namespace jib::k8s
