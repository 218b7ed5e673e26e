#include "k8s/leader_election.h"

#include <gtest/gtest.h>

#include "fake_kube_client.h"
#include "k8s/resources.h"

namespace jib::k8s {
namespace {

using testing::FakeKubeClient;
using namespace std::chrono_literals;

struct Replica {
  LeaderElector elector;
  std::vector<bool> changes;
  Replica(const std::string& id, KubeClientPtr client, jib::ClockPtr clock)
      : elector(LeaderElectionOptions{"istio-system", "jib-leader", id, 15s, 10s, 2s}, client,
                clock) {
    elector.on_change([this](bool leading) { changes.push_back(leading); });
  }
};

std::string holder(FakeKubeClient& client) {
  Result r = client.get(resources::leases(), "istio-system", "jib-leader");
  return r.ok() ? r.body["spec"].value("holderIdentity", "") : "";
}

TEST(LeaderElection, OneHoldsTheOtherTakesOverAfterExpiry) {
  auto client = std::make_shared<FakeKubeClient>();
  auto clock = std::make_shared<jib::FakeClock>(std::chrono::system_clock::now());
  Replica a("a", client, clock), b("b", client, clock);
  a.elector.step();
  b.elector.step();
  EXPECT_TRUE(a.elector.is_leader());
  EXPECT_FALSE(b.elector.is_leader());
  EXPECT_EQ(holder(*client), "a");

  // a renews while b watches; b never takes a live lease.
  for (int i = 0; i < 10; ++i) {
    clock->advance(2s);
    a.elector.step();
    b.elector.step();
    EXPECT_FALSE(b.elector.is_leader());
  }
  // a dies: b must see the record unchanged for a whole lease duration first.
  clock->advance(14s);
  b.elector.step();
  EXPECT_FALSE(b.elector.is_leader());
  clock->advance(2s);
  b.elector.step();
  EXPECT_TRUE(b.elector.is_leader());
  EXPECT_EQ(holder(*client), "b");
  Result lease = client->get(resources::leases(), "istio-system", "jib-leader");
  EXPECT_EQ(lease.body["spec"]["leaseTransitions"], 1);
  EXPECT_EQ(b.changes, std::vector<bool>{true});

  // a was only paused: its renewal now fails (b holds a live lease) and its last renewal is
  // more than renew_deadline ago, so it steps down instead of fighting b.
  a.elector.step();
  EXPECT_FALSE(a.elector.is_leader());
  EXPECT_EQ(a.changes, (std::vector<bool>{true, false}));
  EXPECT_EQ(holder(*client), "b");
}

TEST(LeaderElection, LeaderThatCannotRenewStepsDownAfterRenewDeadline) {
  auto client = std::make_shared<FakeKubeClient>();
  auto clock = std::make_shared<jib::FakeClock>(std::chrono::system_clock::now());
  Replica a("a", client, clock);
  a.elector.step();
  ASSERT_TRUE(a.elector.is_leader());
  client->set_down(true);
  clock->advance(8s);
  a.elector.step();
  EXPECT_TRUE(a.elector.is_leader());
  clock->advance(2s);
  a.elector.step();
  EXPECT_FALSE(a.elector.is_leader());
  EXPECT_EQ(a.changes, (std::vector<bool>{true, false}));
}

TEST(LeaderElection, ReleaseHandsOverAtOnce) {
  auto client = std::make_shared<FakeKubeClient>();
  auto clock = std::make_shared<jib::FakeClock>(std::chrono::system_clock::now());
  Replica a("a", client, clock), b("b", client, clock);
  a.elector.step();
  b.elector.step();
  a.elector.release();
  EXPECT_FALSE(a.elector.is_leader());
  b.elector.step();
  EXPECT_TRUE(b.elector.is_leader());
}

}  // namespace
}  // namespace jib::k8s
