#include "k8s/informer.h"

#include <gtest/gtest.h>

#include "fake_kube_client.h"
#include "k8s/resources.h"
#include "k8s/util.h"
#include "test_util.h"

namespace jib::k8s {
namespace {

using testing::eventually;
using testing::FakeKubeClient;
using Type = InformerEvent::Type;

ObjectPtr obj(const std::string& ns, const std::string& name, const std::string& rv) {
  return std::make_shared<const nlohmann::json>(
      nlohmann::json{{"metadata", {{"namespace", ns}, {"name", name}, {"resourceVersion", rv}}}});
}

nlohmann::json svc(const std::string& ns, const std::string& name, int port = 80) {
  return {{"apiVersion", "v1"},
          {"kind", "Service"},
          {"metadata", {{"namespace", ns}, {"name", name}}},
          {"spec", {{"ports", {{{"port", port}}}}}}};
}

// Records every event as "Type key".
struct Recorder {
  std::mutex mu;
  std::vector<std::string> seen;
  void operator()(const InformerEvent& e) {
    const char* t = e.type == Type::kAdded ? "add" : e.type == Type::kModified ? "mod" : "del";
    std::lock_guard lock(mu);
    seen.push_back(std::string(t) + " " + object_key(*e.object));
  }
  std::vector<std::string> get() {
    std::lock_guard lock(mu);
    return seen;
  }
  size_t size() { return get().size(); }
};

InformerOptions fast() {
  InformerOptions o;
  o.backoff = {std::chrono::milliseconds(1), std::chrono::milliseconds(5), 2.0, 0.5};
  return o;
}

TEST(DiffRelist, AddsModifiesAndDeletesInKeyOrder) {
  ObjectCache cache = {{"a/gone", obj("a", "gone", "1")},
                       {"a/same", obj("a", "same", "2")},
                       {"a/changed", obj("a", "changed", "3")}};
  auto events =
      diff_relist(cache, {obj("a", "same", "2"), obj("a", "changed", "9"), obj("a", "new", "10")});
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].type, Type::kModified);
  EXPECT_EQ(object_key(*events[0].object), "a/changed");
  EXPECT_EQ(meta_string(*events[0].object, "resourceVersion"), "9");
  EXPECT_EQ(events[1].type, Type::kDeleted);
  EXPECT_EQ(object_key(*events[1].object), "a/gone");
  EXPECT_EQ(events[2].type, Type::kAdded);
  EXPECT_EQ(object_key(*events[2].object), "a/new");
  EXPECT_TRUE(
      diff_relist(cache, {obj("a", "gone", "1"), obj("a", "same", "2"), obj("a", "changed", "3")})
          .empty());
}

TEST(Informer, PaginatedListThenWatch) {
  auto client = std::make_shared<FakeKubeClient>();
  for (int i = 0; i < 5; ++i)
    client->upsert(resources::services(), svc("ns", "s" + std::to_string(i)));
  InformerOptions o = fast();
  o.page_size = 2;
  Informer informer(client, resources::services(), o);
  Recorder rec;
  informer.add_handler(std::ref(rec));
  informer.start();
  ASSERT_TRUE(informer.wait_synced(std::chrono::seconds(5)));
  EXPECT_EQ(client->page_size_seen(), 2);
  EXPECT_EQ(client->calls("list"), 3);  // 2 + 2 + 1
  EXPECT_EQ(rec.size(), 5u);
  // List items carry no kind; the informer puts it back for the parser.
  EXPECT_EQ(informer.get("ns/s0")->value("kind", ""), "Service");
  EXPECT_EQ(informer.get("ns/s0")->value("apiVersion", ""), "v1");

  client->upsert(resources::services(), svc("ns", "s5"));
  client->upsert(resources::services(), svc("ns", "s0", 81));
  client->erase(resources::services(), "ns", "s1");
  ASSERT_TRUE(eventually([&] { return rec.size() == 8; }));
  auto seen = rec.get();
  EXPECT_EQ(seen[5], "add ns/s5");
  EXPECT_EQ(seen[6], "mod ns/s0");
  EXPECT_EQ(seen[7], "del ns/s1");
  EXPECT_EQ(informer.list().size(), 5u);
  informer.stop();
}

TEST(Informer, DisconnectResumesFromLastResourceVersionWithoutRelist) {
  auto client = std::make_shared<FakeKubeClient>();
  client->upsert(resources::services(), svc("ns", "a"));
  Informer informer(client, resources::services(), fast());
  Recorder rec;
  informer.add_handler(std::ref(rec));
  informer.start();
  ASSERT_TRUE(informer.wait_synced(std::chrono::seconds(5)));
  ASSERT_TRUE(eventually([&] { return client->open_watches() == 1; }));
  client->set_down(true);
  client->upsert(resources::services(), svc("ns", "b"));  // happens while jibd is away
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  client->set_down(false);
  ASSERT_TRUE(eventually([&] { return rec.size() == 2; }));
  client->upsert(resources::services(), svc("ns", "c"));
  ASSERT_TRUE(eventually([&] { return rec.size() == 3; }));
  EXPECT_EQ(informer.lists(), 1u);  // resumed, not re-listed
  EXPECT_EQ(rec.get(), (std::vector<std::string>{"add ns/a", "add ns/b", "add ns/c"}));
  informer.stop();
}

TEST(Informer, GoneAfterCompactionRelistsAndEmitsTheDifferences) {
  auto client = std::make_shared<FakeKubeClient>();
  client->upsert(resources::services(), svc("ns", "keep"));
  client->upsert(resources::services(), svc("ns", "edit"));
  client->upsert(resources::services(), svc("ns", "drop"));
  Informer informer(client, resources::services(), fast());
  Recorder rec;
  informer.add_handler(std::ref(rec));
  informer.start();
  ASSERT_TRUE(informer.wait_synced(std::chrono::seconds(5)));
  ASSERT_TRUE(eventually([&] { return client->open_watches() == 1; }));
  client->set_down(true);
  client->upsert(resources::services(), svc("ns", "edit", 8080));
  client->erase(resources::services(), "ns", "drop");
  client->upsert(resources::services(), svc("ns", "new"));
  client->compact();
  client->set_down(false);
  ASSERT_TRUE(eventually([&] { return rec.size() == 6; }));
  auto seen = rec.get();
  EXPECT_EQ(std::vector<std::string>(seen.begin() + 3, seen.end()),
            (std::vector<std::string>{"del ns/drop", "mod ns/edit", "add ns/new"}));
  EXPECT_EQ(informer.lists(), 2u);
  EXPECT_EQ(informer.get("ns/edit")->at("spec").at("ports")[0].at("port"), 8080);
  informer.stop();
}

TEST(Informer, ResourceNotInstalledIsRetriedNotFatal) {
  auto client = std::make_shared<FakeKubeClient>();
  Resource vs{"networking.istio.io", "v1", "virtualservices", "VirtualService", true};
  client->set_not_found(vs, true);
  Informer informer(client, vs, fast());
  Recorder rec;
  informer.add_handler(std::ref(rec));
  informer.start();
  ASSERT_TRUE(informer.wait_synced(std::chrono::seconds(5)));  // empty until installed
  ASSERT_TRUE(eventually([&] { return client->calls("list") >= 3; }));
  client->set_not_found(vs, false);
  client->upsert(vs, {{"metadata", {{"namespace", "ns"}, {"name", "r"}}}, {"spec", {}}});
  ASSERT_TRUE(eventually([&] { return rec.size() == 1; }));
  EXPECT_EQ(rec.get()[0], "add ns/r");
  informer.stop();
}

TEST(InformerFactory, SharesOneInformerPerResourceAndSelector) {
  auto client = std::make_shared<FakeKubeClient>();
  InformerFactory f(client);
  auto a = f.get(resources::pods());
  EXPECT_EQ(a, f.get(resources::pods()));
  InformerOptions by_name;
  by_name.field_selector = "metadata.name=x";
  EXPECT_NE(a, f.get(resources::pods(), by_name));
  EXPECT_EQ(f.all().size(), 2u);
}

}  // namespace
}  // namespace jib::k8s
