#include "ca/ca_material.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "ca/root_ca.h"
#include "test/unit/ca/test_util.h"

namespace jib::ca {
namespace {

using namespace std::chrono_literals;

// Keeps material in memory; counts saves.
struct MemoryStore : CaStore {
  std::shared_ptr<StoredCa> data = std::make_shared<StoredCa>();
  std::shared_ptr<bool> present = std::make_shared<bool>(false);
  std::shared_ptr<int> saves = std::make_shared<int>(0);
  bool load(StoredCa* out, bool* found, std::string*) override {
    *found = *present;
    if (*present) *out = *data;
    return true;
  }
  bool save(const StoredCa& ca, std::string*) override {
    *data = ca;
    *present = true;
    ++*saves;
    return true;
  }
};

struct RotationTest : ::testing::Test {
  std::shared_ptr<FakeClock> clock = std::make_shared<FakeClock>(std::chrono::system_clock::now());
  Authority authority{AuthorityOptions{1h, 24h, 2min}, clock};
  TrustBundlePublisher bundles;
  MemoryStore store;
  std::unique_ptr<SelfSignedCa> ca;
  std::vector<uint64_t> versions_seen;

  void SetUp() override {
    bundles.subscribe([this](TrustBundlePtr b) { versions_seen.push_back(b->version); });
    std::string error;
    ca = SelfSignedCa::create({"cluster.local", "ec", 100h, 20h, 10min},
                              std::make_unique<MemoryStore>(store), clock, &authority, &bundles,
                              &error);
    ASSERT_TRUE(ca) << error;
  }
  std::vector<std::string> issue() {
    auto key = generate_key("ec");
    std::vector<std::string> chain;
    EXPECT_TRUE(
        authority.sign_workload(key.get(), "spiffe://cluster.local/ns/a/sa/b", 10h, &chain).ok());
    return chain;
  }
  std::string verify(const std::vector<std::string>& chain) {
    std::vector<X509Ptr> roots;
    for (const auto& r : bundles.current()->roots_pem) roots.push_back(cert_from_pem(r));
    std::vector<X509*> ptrs;
    for (auto& r : roots) ptrs.push_back(r.get());
    X509Ptr leaf = cert_from_pem(chain[0]);
    return verify_chain(leaf.get(), {}, ptrs, clock->now(), X509_PURPOSE_SSL_CLIENT);
  }
};

TEST_F(RotationTest, NewRootIsTrustedFirstSignsAfterTheLeadAndOldRootStaysUntilItExpires) {
  std::string error;
  ASSERT_EQ(bundles.current()->roots_pem.size(), 1u);
  std::string first_root = bundles.current()->roots_pem[0];
  EXPECT_EQ(*store.saves, 1);

  clock->advance(79h);  // 21h left: not yet
  ASSERT_TRUE(ca->check(&error)) << error;
  auto old_leaf = issue();  // valid for 10h, beyond the coming rotation
  EXPECT_EQ(bundles.current()->roots_pem.size(), 1u);
  EXPECT_EQ(*store.saves, 1);

  clock->advance(2h);  // 19h left: a new root, trusted but not signing yet
  ASSERT_TRUE(ca->check(&error)) << error;
  auto roots = bundles.current()->roots_pem;
  ASSERT_EQ(roots.size(), 2u);
  EXPECT_EQ(roots[0], first_root);
  std::string new_root = roots[1];
  EXPECT_NE(new_root, first_root);
  EXPECT_EQ(*store.saves, 2);
  EXPECT_EQ(store.data->next_cert_pem, new_root);
  EXPECT_EQ(issue().back(), first_root);
  EXPECT_EQ(versions_seen, (std::vector<uint64_t>{1, 2}));

  clock->advance(9min);  // within the 10 min lead: nothing changes
  ASSERT_TRUE(ca->check(&error)) << error;
  EXPECT_EQ(issue().back(), first_root);
  EXPECT_EQ(*store.saves, 2);

  clock->advance(1min);  // the lead is over: the new root signs, the old one stays trusted
  ASSERT_TRUE(ca->check(&error)) << error;
  EXPECT_EQ(bundles.current()->roots_pem, (std::vector<std::string>{new_root, first_root}));
  EXPECT_EQ(*store.saves, 3);
  EXPECT_EQ(store.data->previous_roots_pem, std::vector<std::string>{first_root});
  EXPECT_TRUE(store.data->next_cert_pem.empty());
  EXPECT_TRUE(store.data->next_key_pem.empty());
  auto new_leaf = issue();
  EXPECT_EQ(new_leaf.back(), new_root);
  EXPECT_EQ(verify(old_leaf), "");
  EXPECT_EQ(verify(new_leaf), "");
  EXPECT_EQ(versions_seen, (std::vector<uint64_t>{1, 2, 3}));

  clock->advance(20h);  // the first root has expired: it leaves the bundle
  ASSERT_TRUE(ca->check(&error)) << error;
  EXPECT_EQ(bundles.current()->roots_pem, std::vector<std::string>{new_root});
  EXPECT_NE(verify(old_leaf), "");
  EXPECT_EQ(verify(issue()), "");
  EXPECT_EQ(versions_seen.back(), 4u);
}

TEST_F(RotationTest, AnExpiredRootIsReplacedWithoutWaiting) {
  std::string error;
  clock->advance(101h);  // expired while jibd was down: nothing to wait for
  ASSERT_TRUE(ca->check(&error)) << error;
  auto roots = bundles.current()->roots_pem;
  ASSERT_EQ(roots.size(), 1u);
  EXPECT_EQ(issue().back(), roots[0]);
  EXPECT_EQ(verify(issue()), "");
}

TEST_F(RotationTest, ReloadKeepsTheRootTheNextRootAndThePredecessors) {
  std::string error;
  clock->advance(81h);
  ASSERT_TRUE(ca->check(&error));
  auto roots = bundles.current()->roots_pem;
  ASSERT_EQ(roots.size(), 2u);
  Authority authority2(AuthorityOptions{}, clock);
  TrustBundlePublisher bundles2;
  auto again = SelfSignedCa::create({"cluster.local", "ec", 100h, 20h, 10min},
                                    std::make_unique<MemoryStore>(store), clock, &authority2,
                                    &bundles2, &error);
  ASSERT_TRUE(again) << error;
  EXPECT_EQ(bundles2.current()->roots_pem, roots);
  EXPECT_EQ(authority2.bundle()->root_pem(), roots[0]);
  EXPECT_EQ(*store.saves, 2);
  // The next root made before the restart is the one that signs after the lead.
  clock->advance(10min);
  ASSERT_TRUE(again->check(&error)) << error;
  EXPECT_EQ(authority2.bundle()->root_pem(), roots[1]);
  EXPECT_EQ(bundles2.current()->roots_pem, (std::vector<std::string>{roots[1], roots[0]}));
}

TEST_F(RotationTest, AReplicaAdoptsTheRootsAnotherReplicaStored) {
  // Two replicas on one store (the istio-ca-secret Secret on Kubernetes).
  std::string error;
  Authority authority2(AuthorityOptions{}, clock);
  TrustBundlePublisher bundles2;
  auto replica = SelfSignedCa::create({"cluster.local", "ec", 100h, 20h, 10min},
                                      std::make_unique<MemoryStore>(store), clock, &authority2,
                                      &bundles2, &error);
  ASSERT_TRUE(replica) << error;
  clock->advance(81h);
  ASSERT_TRUE(ca->check(&error)) << error;  // this one makes the next root
  const auto roots = bundles.current()->roots_pem;
  ASSERT_EQ(roots.size(), 2u);
  ASSERT_TRUE(replica->check(&error)) << error;  // the other takes it instead of its own
  EXPECT_EQ(bundles2.current()->roots_pem, roots);
  EXPECT_EQ(*store.saves, 2);
  clock->advance(10min);
  ASSERT_TRUE(replica->check(&error)) << error;  // either may promote it...
  ASSERT_TRUE(ca->check(&error)) << error;       // ...and the other follows
  EXPECT_EQ(authority.bundle()->root_pem(), roots[1]);
  EXPECT_EQ(authority2.bundle()->root_pem(), roots[1]);
  EXPECT_EQ(*store.saves, 3);
}

TEST_F(RotationTest, ABrokenStoredNextRootIsNeverTrustedAndIsReplaced) {
  std::string error;
  clock->advance(81h);
  ASSERT_TRUE(ca->check(&error)) << error;
  const std::string first_root = bundles.current()->roots_pem[0];
  // A next root whose key is not the stored one (a torn write, an edited Secret).
  RootCa other = make_self_signed_root("ec", "cluster.local", clock->now(), 100h, &error);
  const std::string broken = cert_to_pem(other.cert.get());
  store.data->next_cert_pem = broken;
  ASSERT_TRUE(ca->check(&error)) << error;  // adopts the store, drops its next root, makes one
  const auto roots = bundles.current()->roots_pem;
  ASSERT_EQ(roots.size(), 2u);
  EXPECT_EQ(roots[0], first_root);
  EXPECT_NE(roots[1], broken);
  EXPECT_EQ(store.data->next_cert_pem, roots[1]);
  clock->advance(10min);
  ASSERT_TRUE(ca->check(&error)) << error;
  EXPECT_EQ(authority.bundle()->root_pem(), roots[1]);
  EXPECT_EQ(verify(issue()), "");
}

TEST(FileCaStore, ChecksWithoutChangesNeitherSaveNorRepublish) {
  testing::TempDir dir;
  auto clock = std::make_shared<FakeClock>(std::chrono::system_clock::now());
  Authority a(AuthorityOptions{}, clock);
  TrustBundlePublisher b;
  std::vector<uint64_t> versions;
  b.subscribe([&](TrustBundlePtr bundle) { versions.push_back(bundle->version); });
  std::string error;
  auto ca = SelfSignedCa::create({"cluster.local", "ec", 100h, 20h, 10min},
                                 make_file_ca_store(dir.path()), clock, &a, &b, &error);
  ASSERT_TRUE(ca) << error;
  clock->advance(81h);
  ASSERT_TRUE(ca->check(&error)) << error;
  clock->advance(10min);
  ASSERT_TRUE(ca->check(&error)) << error;  // the next root signs; two roots in the bundle
  ASSERT_EQ(b.current()->roots_pem.size(), 2u);
  const auto seen = versions;
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(ca->check(&error)) << error;
  EXPECT_EQ(versions, seen);  // what was read back is what was written
}

TEST(FileCaStore, PersistsWithPrivateKeyMode) {
  testing::TempDir dir;
  auto clock = std::make_shared<SystemClock>();
  std::string error, root;
  {
    Authority a(AuthorityOptions{}, clock);
    TrustBundlePublisher b;
    auto ca =
        SelfSignedCa::create({}, make_file_ca_store(dir.path() + "/state"), clock, &a, &b, &error);
    ASSERT_TRUE(ca) << error;
    root = b.current()->roots_pem[0];
  }
  struct stat st;
  ASSERT_EQ(::stat((dir.path() + "/state/ca-key.pem").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat((dir.path() + "/state").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  Authority a(AuthorityOptions{}, clock);
  TrustBundlePublisher b;
  auto ca =
      SelfSignedCa::create({}, make_file_ca_store(dir.path() + "/state"), clock, &a, &b, &error);
  ASSERT_TRUE(ca) << error;
  EXPECT_EQ(b.current()->roots_pem[0], root);

  // A key that does not match the stored root stops start-up instead of replacing the root.
  std::ofstream(dir.path() + "/state/ca-key.pem") << key_to_pem(generate_key("ec").get());
  Authority a2(AuthorityOptions{}, clock);
  TrustBundlePublisher b2;
  EXPECT_FALSE(
      SelfSignedCa::create({}, make_file_ca_store(dir.path() + "/state"), clock, &a2, &b2, &error));
  EXPECT_NE(error.find("does not match"), std::string::npos) << error;
}

TEST(FileCaStore, KeepsTheNextRootAndWritesTheWholeBundle) {
  testing::TempDir dir;
  auto store = make_file_ca_store(dir.path());
  std::string error;
  StoredCa ca{"KEY1\n", "ROOT1\n", {}, "KEY2\n", "ROOT2\n"};
  ASSERT_TRUE(store->save(ca, &error)) << error;
  struct stat st;
  ASSERT_EQ(::stat((dir.path() + "/next-ca-key.pem").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  std::string bundle;
  ASSERT_TRUE(read_file(dir.path() + "/root-cert.pem", &bundle, &error)) << error;
  EXPECT_EQ(bundle, "ROOT1\nROOT2\n");
  StoredCa got;
  bool found = false;
  ASSERT_TRUE(store->load(&got, &found, &error)) << error;
  ASSERT_TRUE(found);
  EXPECT_EQ(got.next_key_pem, "KEY2\n");
  EXPECT_EQ(got.next_cert_pem, "ROOT2\n");
  EXPECT_TRUE(got.previous_roots_pem.empty());

  // After the switch the next-root files are empty and load as "no rotation under way".
  ASSERT_TRUE(store->save({"KEY2\n", "ROOT2\n", {}, "", ""}, &error)) << error;
  ASSERT_TRUE(store->load(&got, &found, &error)) << error;
  EXPECT_TRUE(got.next_cert_pem.empty());
  EXPECT_EQ(got.cert_pem, "ROOT2\n");
}

TEST(PluggedInCa, ChainRunsLeafIntermediateRoot) {
  testing::TempDir dir;
  auto clock = std::make_shared<SystemClock>();
  std::string error;
  RootCa root = make_self_signed_root("rsa2048", "plugged", clock->now(), 240h, &error);
  auto inter_key = generate_key("ec384");
  X509Ptr inter = testing::make_intermediate(inter_key.get(), root.cert.get(), root.key.get(),
                                             clock->now(), 100h);
  std::string root_pem = cert_to_pem(root.cert.get()), inter_pem = cert_to_pem(inter.get());
  ASSERT_TRUE(
      write_file_atomic(dir.path() + "/ca-key.pem", key_to_pem(inter_key.get()), 0600, &error));
  ASSERT_TRUE(write_file_atomic(dir.path() + "/ca-cert.pem", inter_pem, 0644, &error));
  ASSERT_TRUE(write_file_atomic(dir.path() + "/root-cert.pem", root_pem, 0644, &error));
  ASSERT_TRUE(
      write_file_atomic(dir.path() + "/cert-chain.pem", inter_pem + root_pem, 0644, &error));
  Authority authority(AuthorityOptions{}, clock);
  TrustBundlePublisher bundles;
  ASSERT_TRUE(load_plugged_ca(dir.path(), clock->now(), &authority, &bundles, &error)) << error;
  EXPECT_EQ(bundles.current()->roots_pem, std::vector<std::string>{root_pem});
  auto key = generate_key("ec");
  std::vector<std::string> chain;
  ASSERT_TRUE(
      authority.sign_workload(key.get(), "spiffe://cluster.local/ns/a/sa/b", 1h, &chain).ok());
  ASSERT_EQ(chain.size(), 3u);
  EXPECT_EQ(chain[1], inter_pem);
  EXPECT_EQ(chain[2], root_pem);
  X509Ptr leaf = cert_from_pem(chain[0]);
  EXPECT_EQ(X509_check_issued(inter.get(), leaf.get()), X509_V_OK);
  EXPECT_EQ(verify_chain(leaf.get(), {inter.get()}, {root.cert.get()}, clock->now(),
                         X509_PURPOSE_SSL_CLIENT),
            "");

  // An intermediate from another root is refused.
  RootCa stranger = make_self_signed_root("ec", "x", clock->now(), 240h, &error);
  ASSERT_TRUE(write_file_atomic(dir.path() + "/root-cert.pem", cert_to_pem(stranger.cert.get()),
                                0644, &error));
  ASSERT_TRUE(write_file_atomic(dir.path() + "/cert-chain.pem", inter_pem, 0644, &error));
  EXPECT_FALSE(load_plugged_ca(dir.path(), clock->now(), &authority, &bundles, &error));
  EXPECT_NE(error.find("does not chain to the root"), std::string::npos) << error;
}

TEST(TrustBundlePublisher, NotifiesOnlyOnChange) {
  TrustBundlePublisher p;
  std::vector<size_t> sizes;
  auto id = p.subscribe([&](TrustBundlePtr b) { sizes.push_back(b->roots_pem.size()); });
  EXPECT_TRUE(p.publish({"a"}));
  EXPECT_FALSE(p.publish({"a"}));
  EXPECT_TRUE(p.publish({"b", "a"}));
  p.unsubscribe(id);
  EXPECT_TRUE(p.publish({"b"}));
  EXPECT_EQ(sizes, (std::vector<size_t>{1, 2}));
  EXPECT_EQ(p.current()->version, 3u);
  EXPECT_EQ(p.current()->concatenated(), "b");
}

}  // namespace
}  // namespace jib::ca
