#include "mesh/config/config_store.h"

#include <gtest/gtest.h>

namespace jib::mesh {
namespace {

ServiceEntry se(const std::string& name, const std::string& host) {
  ServiceEntry s;
  s.meta.name = name;
  s.meta.ns = "default";
  s.hosts = {host};
  return s;
}

ConfigKey se_key(const std::string& name) { return {"ServiceEntry", "default", name}; }

struct Recorder {
  std::vector<ChangeEvent> events;
  void attach(ConfigStore& store) {
    store.subscribe([this](const ChangeEvent& e) { events.push_back(e); });
  }
};

TEST(ConfigStore, StartsEmpty) {
  ConfigStore store;
  EXPECT_EQ(store.state()->generation, 0u);
  EXPECT_TRUE(store.state()->objects.empty());
}

TEST(ConfigStore, BatchIsAppliedAtomicallyWithOneEvent) {
  ConfigStore store;
  Recorder rec;
  rec.attach(store);
  StoreStatePtr before = store.state();
  store.apply(Batch{{se("a", "a.example.com"), se("b", "b.example.com")}, {}});
  ASSERT_EQ(rec.events.size(), 1u);
  EXPECT_EQ(rec.events[0].generation, 1u);
  EXPECT_EQ(rec.events[0].changed, (std::set<ConfigKey>{se_key("a"), se_key("b")}));
  EXPECT_EQ(rec.events[0].state, store.state());
  EXPECT_EQ(store.state()->objects.size(), 2u);
  // Readers holding the old state still see it unchanged.
  EXPECT_TRUE(before->objects.empty());
  EXPECT_EQ(before->generation, 0u);
}

TEST(ConfigStore, EventsCarryOnlyWhatChanged) {
  ConfigStore store;
  store.apply(Batch{{se("a", "a.example.com"), se("b", "b.example.com")}, {}});
  Recorder rec;
  rec.attach(store);
  store.apply(Batch{{se("a", "a.example.com"), se("b", "other.example.com"), se("c", "c.io")},
                    {se_key("missing")}});
  ASSERT_EQ(rec.events.size(), 1u);
  EXPECT_EQ(rec.events[0].changed, (std::set<ConfigKey>{se_key("b"), se_key("c")}));
  EXPECT_EQ(rec.events[0].generation, 2u);
  const auto& b = std::get<ServiceEntry>(*store.state()->objects.at(se_key("b")));
  EXPECT_EQ(b.hosts, std::vector<std::string>{"other.example.com"});

  store.apply(Batch{{}, {se_key("a")}});
  ASSERT_EQ(rec.events.size(), 2u);
  EXPECT_EQ(rec.events[1].changed, std::set<ConfigKey>{se_key("a")});
  EXPECT_FALSE(store.state()->objects.contains(se_key("a")));
}

TEST(ConfigStore, NoOpBatchEmitsNothingAndKeepsGeneration) {
  ConfigStore store;
  store.apply(Batch{{se("a", "a.example.com")}, {}});
  Recorder rec;
  rec.attach(store);
  StoreStatePtr state = store.state();
  store.apply(Batch{});
  store.apply(Batch{{se("a", "a.example.com")}, {se_key("never-existed")}});
  // Same values, only the provenance moved (another line of the same file): still no change.
  ServiceEntry moved = se("a", "a.example.com");
  moved.meta.source = {"x.yaml", 40};
  store.apply(Batch{{moved}, {}});
  EXPECT_TRUE(rec.events.empty());
  EXPECT_EQ(store.state(), state);
  EXPECT_EQ(store.state()->generation, 1u);
}

TEST(ConfigStore, DeleteAndUpsertOfOneKeyInABatchKeepsTheObject) {
  ConfigStore store;
  store.apply(Batch{{se("a", "a.example.com")}, {}});
  Recorder rec;
  rec.attach(store);
  // A source moving an object between two of its files sends both.
  store.apply(Batch{{se("a", "a.example.com")}, {se_key("a")}});
  EXPECT_TRUE(rec.events.empty());
  EXPECT_TRUE(store.state()->objects.contains(se_key("a")));
}

TEST(ConfigStore, KeyOfAndSameConfig) {
  VirtualService vs;
  vs.meta.name = "v";
  vs.meta.ns = "ns";
  EXPECT_EQ(key_of(vs), (ConfigKey{"VirtualService", "ns", "v"}));
  DestinationRule dr;
  dr.meta.name = "v";
  dr.meta.ns = "ns";
  EXPECT_EQ(key_of(dr).str(), "DestinationRule ns/v");
  EXPECT_FALSE(same_config(vs, dr));
  VirtualService other = vs;
  other.hosts = {"x"};
  EXPECT_FALSE(same_config(vs, other));
  other = vs;
  other.meta.source.line = 9;
  EXPECT_TRUE(same_config(vs, other));
}

}  // namespace
}  // namespace jib::mesh
