#include "k8s/kube_source.h"

#include <gtest/gtest.h>

#include "fake_kube_client.h"
#include "k8s/resources.h"
#include "test_util.h"

namespace jib::k8s {
namespace {

using testing::eventually;
using testing::FakeKubeClient;

const Resource kVs{"networking.istio.io", "v1", "virtualservices", "VirtualService", true};

nlohmann::json vs(const std::string& name, int weight_a) {
  return {{"apiVersion", "networking.istio.io/v1"},
          {"kind", "VirtualService"},
          {"metadata", {{"namespace", "ns"}, {"name", name}, {"uid", "u-1"}}},
          {"spec",
           {{"hosts", {"web.example.com"}},
            {"http",
             {{{"route",
                {{{"destination", {{"host", "a.example.com"}}}, {"weight", weight_a}},
                 {{"destination", {{"host", "b.example.com"}}}, {"weight", 100 - weight_a}}}}}}}}}};
}

const mesh::VirtualService* find_vs(const mesh::ConfigStore& store, const std::string& name) {
  auto state = store.state();
  auto it = state->objects.find(mesh::ConfigKey{"VirtualService", "ns", name});
  return it == state->objects.end() ? nullptr : std::get_if<mesh::VirtualService>(it->second.get());
}

struct Fixture {
  std::shared_ptr<FakeKubeClient> client = std::make_shared<FakeKubeClient>();
  mesh::ConfigStore store;
  InformerFactory informers{client};
  KubeSource source{{"istio-system", std::chrono::milliseconds(5)}, informers, store};
  Fixture() {
    client->upsert(kVs, vs("r", 80));
    informers.start();
    source.start();
  }
  ~Fixture() {
    informers.stop();
    source.stop();
  }
};

TEST(KubeSource, FeedsTheStoreAndFollowsChanges) {
  Fixture f;
  ASSERT_TRUE(f.source.wait_synced(std::chrono::seconds(5)));
  ASSERT_NE(find_vs(f.store, "r"), nullptr);
  EXPECT_TRUE(find_vs(f.store, "r")->meta.source.file.empty());

  f.client->upsert(kVs, vs("r", 50));
  ASSERT_TRUE(eventually([&] {
    auto* v = find_vs(f.store, "r");
    return v != nullptr && v->http.at(0).route.at(0).weight == 50;
  }));
  f.client->erase(kVs, "ns", "r");
  ASSERT_TRUE(eventually([&] { return find_vs(f.store, "r") == nullptr; }));
  EXPECT_EQ(f.source.errors(), 0u);
}

TEST(KubeSource, InvalidObjectIsReportedAndLastGoodStays) {
  Fixture f;
  ASSERT_TRUE(f.source.wait_synced(std::chrono::seconds(5)));
  f.client->upsert(kVs, vs("r", 150));  // weights 150 and -50: invalid
  ASSERT_TRUE(eventually([&] { return f.source.errors() > 0; }));
  f.source.flush();
  ASSERT_NE(find_vs(f.store, "r"), nullptr);
  EXPECT_EQ(find_vs(f.store, "r")->http.at(0).route.at(0).weight, 80);
  // Deleting it removes the last good version.
  f.client->erase(kVs, "ns", "r");
  ASSERT_TRUE(eventually([&] { return find_vs(f.store, "r") == nullptr; }));
}

TEST(KubeSource, ABurstBecomesOneBatch) {
  Fixture f;
  ASSERT_TRUE(f.source.wait_synced(std::chrono::seconds(5)));
  uint64_t before = f.store.state()->generation;
  f.source.stop();  // hold the batch so that the burst cannot be split by timing
  for (int i = 0; i < 10; ++i) f.client->upsert(kVs, vs("burst" + std::to_string(i), 10 * i));
  auto informer = f.informers.get(kVs);
  ASSERT_TRUE(eventually([&] { return informer->list().size() >= 11; }));
  f.source.flush();
  EXPECT_EQ(f.store.state()->generation, before + 1);
  EXPECT_NE(find_vs(f.store, "burst9"), nullptr);
}

TEST(KubeSource, ConvertsCoreKinds) {
  Fixture f;
  nlohmann::json sa = {{"apiVersion", "v1"},
                       {"kind", "ServiceAccount"},
                       {"metadata",
                        {{"namespace", "ns"},
                         {"name", "a"},
                         {"resourceVersion", "5"},
                         {"managedFields", nlohmann::json::array()}}}};
  auto object = f.source.convert(sa);
  ASSERT_TRUE(object.has_value());
  EXPECT_EQ(mesh::key_of(*object).kind, "ServiceAccount");
}

}  // namespace
}  // namespace jib::k8s
