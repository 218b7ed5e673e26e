#include <gtest/gtest.h>

#include "agent/options.h"

namespace jib::agent {
namespace {

using namespace std::chrono_literals;

TEST(AgentOptions, ParsesFlagsAndEnvoyArgs) {
  AgentOptions o;
  std::string error;
  ASSERT_TRUE(parse_agent_options({"--ca-root-cert",
                                   "/r.pem",
                                   "--sds-socket=/s.sock",
                                   "--pod-name",
                                   "a-0",
                                   "--pod-namespace",
                                   "ns1",
                                   "--service-account",
                                   "sa1",
                                   "--cert-ttl",
                                   "90s",
                                   "--renew-fraction",
                                   "0.5",
                                   "--labels",
                                   "app=a,version=v2",
                                   "--key-type",
                                   "ec384",
                                   "--sds-socket-mode",
                                   "0660",
                                   "--xds-plaintext",
                                   "--backoff-initial",
                                   "250ms",
                                   "--envoy-binary",
                                   "/bin/envoy",
                                   "--bootstrap-out",
                                   "/b.json",
                                   "--envoy-args",
                                   "-l debug",
                                   "--",
                                   "--concurrency",
                                   "1"},
                                  &o, &error))
      << error;
  EXPECT_EQ(o.cert.root_cert_file, "/r.pem");
  EXPECT_EQ(o.bootstrap.sds_socket, "/s.sock");
  EXPECT_EQ(o.cert.cert_ttl, 90s);
  EXPECT_DOUBLE_EQ(o.cert.renewal.fraction, 0.5);
  EXPECT_EQ(o.bootstrap.labels.at("version"), "v2");
  EXPECT_EQ(o.cert.key_type, "ec384");
  EXPECT_EQ(o.sds_socket_mode, 0660u);
  EXPECT_TRUE(o.bootstrap.xds_plaintext);
  EXPECT_EQ(o.cert.backoff.initial, 250ms);
  EXPECT_EQ(o.cert.spiffe_id, "spiffe://cluster.local/ns/ns1/sa/sa1");
  EXPECT_EQ(o.envoy.args, (std::vector<std::string>{"-l", "debug", "--concurrency", "1"}));
}

TEST(AgentOptions, RefusesBadAndMissingFlags) {
  std::string error;
  AgentOptions o;
  EXPECT_FALSE(parse_agent_options({"--sds-socket", "/s"}, &o, &error));
  EXPECT_NE(error.find("--ca-root-cert"), std::string::npos);
  AgentOptions o2;
  EXPECT_FALSE(parse_agent_options(
      {"--ca-root-cert", "r", "--sds-socket", "s", "--key-type", "dsa"}, &o2, &error));
  AgentOptions o3;
  EXPECT_FALSE(parse_agent_options(
      {"--ca-root-cert", "r", "--sds-socket", "s", "--renew-fraction", "1.5"}, &o3, &error));
  AgentOptions o4;
  EXPECT_FALSE(
      parse_agent_options({"--ca-root-cert", "r", "--sds-socket", "s", "--bogus"}, &o4, &error));
}

TEST(AgentOptions, DurationsTakeIstioSyntaxAndBareSeconds) {
  AgentOptions o;
  std::string error;
  ASSERT_TRUE(parse_agent_options({"--ca-root-cert", "r", "--sds-socket", "s", "--cert-ttl", "2h",
                                   "--backoff-max", "45", "--root-cert-poll", "1m30s"},
                                  &o, &error))
      << error;
  EXPECT_EQ(o.cert.cert_ttl, 2h);
  EXPECT_EQ(o.cert.backoff.max, 45s);
  EXPECT_EQ(o.cert.root_poll, 90s);
  AgentOptions bad;
  EXPECT_FALSE(parse_agent_options(
      {"--ca-root-cert", "r", "--sds-socket", "s", "--cert-ttl", "5 min"}, &bad, &error));
  EXPECT_NE(error.find("--cert-ttl"), std::string::npos) << error;
  AgentOptions zero;
  EXPECT_FALSE(parse_agent_options({"--ca-root-cert", "r", "--sds-socket", "s", "--cert-ttl", "0"},
                                   &zero, &error));
}

TEST(AgentOptions, HelpNeedsNothingElse) {
  AgentOptions o;
  std::string error;
  ASSERT_TRUE(parse_agent_options({"--help"}, &o, &error)) << error;
  EXPECT_TRUE(o.help);
  EXPECT_NE(agent_usage().find("--sds-socket PATH"), std::string::npos) << agent_usage();
}

}  // namespace
}  // namespace jib::agent
