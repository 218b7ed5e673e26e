#include "k8s/root_cert_controller.h"

#include <gtest/gtest.h>

#include "fake_kube_client.h"
#include "k8s/resources.h"
#include "test_util.h"

namespace jib::k8s {
namespace {

using testing::eventually;
using testing::FakeKubeClient;

nlohmann::json ns_obj(const std::string& name) {
  return {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", name}}}};
}

std::string root_in(FakeKubeClient& c, const std::string& ns) {
  Result r = c.get(resources::config_maps(), ns, kRootCertConfigMap);
  if (!r.ok()) return "";
  return r.body["data"].value(kRootCertKey, "");
}

struct Fixture {
  std::shared_ptr<FakeKubeClient> client = std::make_shared<FakeKubeClient>();
  ca::TrustBundlePublisher bundles;  // outlives the controller, as the CA does in jibd
  InformerFactory informers{client};
  RootCertController controller{client, informers};
  Fixture() {
    client->upsert(resources::namespaces(), ns_obj("a"));
    client->upsert(resources::namespaces(), ns_obj("b"));
    bundles.publish({"ROOT1\n"});
    controller.follow(bundles);
    informers.start();
    controller.start();
  }
  ~Fixture() {
    controller.stop();
    informers.stop();
  }
};

TEST(RootCertController, OnlyTheLeaderWrites) {
  Fixture f;
  ASSERT_TRUE(f.informers.wait_synced(std::chrono::seconds(5)));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(f.controller.writes(), 0u);
  f.controller.set_leader(true);
  ASSERT_TRUE(eventually([&] { return root_in(*f.client, "a") == "ROOT1\n"; }));
  ASSERT_TRUE(eventually([&] { return root_in(*f.client, "b") == "ROOT1\n"; }));
}

TEST(RootCertController, NewNamespacesEditsDeletesAndRotation) {
  Fixture f;
  f.controller.set_leader(true);
  ASSERT_TRUE(eventually([&] { return root_in(*f.client, "b") == "ROOT1\n"; }));

  f.client->upsert(resources::namespaces(), ns_obj("c"));
  ASSERT_TRUE(eventually([&] { return root_in(*f.client, "c") == "ROOT1\n"; }));

  // Edited by hand: restored, extra keys dropped.
  nlohmann::json edited = f.client->get(resources::config_maps(), "a", kRootCertConfigMap).body;
  edited["data"] = {{kRootCertKey, "EVIL"}, {"extra", "x"}};
  f.client->upsert(resources::config_maps(), edited);
  ASSERT_TRUE(eventually([&] {
    Result r = f.client->get(resources::config_maps(), "a", kRootCertConfigMap);
    return r.ok() && r.body["data"] == nlohmann::json{{kRootCertKey, "ROOT1\n"}};
  }));

  f.client->erase(resources::config_maps(), "b", kRootCertConfigMap);
  ASSERT_TRUE(eventually([&] { return root_in(*f.client, "b") == "ROOT1\n"; }));

  f.bundles.publish({"ROOT2\n", "ROOT1\n"});
  for (const char* ns : {"a", "b", "c"}) {
    ASSERT_TRUE(eventually([&] { return root_in(*f.client, ns) == "ROOT2\nROOT1\n"; })) << ns;
  }
}

TEST(RootCertController, SkipsTerminatingNamespaces) {
  Fixture f;
  nlohmann::json t = ns_obj("dying");
  t["status"] = {{"phase", "Terminating"}};
  f.client->upsert(resources::namespaces(), t);
  f.controller.set_leader(true);
  ASSERT_TRUE(eventually([&] { return root_in(*f.client, "b") == "ROOT1\n"; }));
  EXPECT_TRUE(f.controller.reconcile("dying"));
  EXPECT_EQ(root_in(*f.client, "dying"), "");
}

}  // namespace
}  // namespace jib::k8s
