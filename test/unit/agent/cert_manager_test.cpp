// CertManager driven step by step with a fake clock and an in-process CA (jib's Authority).
#include <gtest/gtest.h>
#include <openssl/pem.h>

#include <filesystem>
#include <fstream>

#include "agent/cert_manager.h"
#include "ca/authority.h"
#include "ca/root_ca.h"

namespace jib::agent {
namespace {

using namespace std::chrono_literals;

struct FakeCa {
  std::shared_ptr<jib::FakeClock> clock;
  ca::Authority authority;
  std::string root_pem;
  bool available = true;
  int calls = 0;
  std::string last_token;

  explicit FakeCa(std::shared_ptr<jib::FakeClock> c)
      : clock(c), authority(ca::AuthorityOptions{}, c) {
    std::string error;
    auto root = ca::make_self_signed_root("ec", "cluster.local", clock->now(), 24h * 365, &error);
    root_pem = jib::cert_to_pem(root.cert.get());
    authority.set_bundle(ca::KeyCertBundle::create(jib::key_to_pem(root.key.get()), root_pem, "",
                                                   root_pem, clock->now(), &error));
  }

  CaCall call() {
    return [this](const CaCallOptions& o, const std::string& csr_pem, int64_t ttl,
                  std::vector<std::string>* chain) {
      ++calls;
      last_token = o.token;
      if (!available) return grpc::Status(grpc::StatusCode::UNAVAILABLE, "connection refused");
      jib::BioPtr bio(BIO_new_mem_buf(csr_pem.data(), static_cast<int>(csr_pem.size())));
      jib::X509ReqPtr req(PEM_read_bio_X509_REQ(bio.get(), nullptr, nullptr, nullptr));
      auto st = authority.sign_workload(X509_REQ_get0_pubkey(req.get()),
                                        "spiffe://cluster.local/ns/a/sa/b",
                                        std::chrono::seconds(ttl), chain);
      return st.ok() ? grpc::Status::OK : grpc::Status(grpc::StatusCode::INTERNAL, "sign");
    };
  }
};

class CertManagerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("jib-agent-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    write(dir_ / "root.pem", ca_.root_pem);
    write(dir_ / "token", "the-token\n");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  static void write(const std::filesystem::path& p, const std::string& text) {
    std::ofstream(p) << text;
  }

  CertManagerOptions options() {
    CertManagerOptions o;
    o.ca_address = "127.0.0.1:1";
    o.root_cert_file = dir_ / "root.pem";
    o.token_file = dir_ / "token";
    o.cert_ttl = 100s;
    o.renewal = {0.8, 0.0};
    o.backoff = {1000ms, 8000ms, 2.0, 0.0};
    o.root_poll = 5s;
    o.clock = clock_;
    o.ca_call = ca_.call();
    o.seed = 1;
    return o;
  }

  // Whole seconds, as certificate times are.
  std::shared_ptr<jib::FakeClock> clock_ = std::make_shared<jib::FakeClock>(
      std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
  FakeCa ca_{clock_};
  std::filesystem::path dir_;
  SecretStore store_;
};

TEST_F(CertManagerTest, FetchesThenRenewsAtTheFraction) {
  CertManager m(options(), &store_);
  auto t0 = clock_->now();
  auto next = m.step();
  auto first = store_.svid();
  ASSERT_TRUE(first);
  EXPECT_EQ(ca_.last_token, "the-token");
  EXPECT_EQ(first->spiffe_id, "spiffe://cluster.local/ns/a/sa/b");
  EXPECT_NE(first->key_pem.find("PRIVATE KEY"), std::string::npos);
  EXPECT_EQ(first->chain_pem.find(ca_.root_pem), std::string::npos);  // root only in ROOTCA
  EXPECT_EQ(store_.trust_bundle(), ca_.root_pem);
  EXPECT_EQ(m.next_fetch(), t0 + 80s);
  EXPECT_EQ(next, t0 + 5s);  // the root file poll comes first

  clock_->advance(79s);
  m.step();
  EXPECT_EQ(ca_.calls, 1);
  EXPECT_EQ(store_.svid(), first);
  clock_->advance(1s);
  m.step();
  EXPECT_EQ(ca_.calls, 2);
  ASSERT_NE(store_.svid(), first);
  EXPECT_NE(store_.svid()->serial_hex, first->serial_hex);
  EXPECT_NE(store_.svid()->key_pem, first->key_pem);  // a fresh key each time
  EXPECT_EQ(m.next_fetch(), clock_->now() + 80s);
}

TEST_F(CertManagerTest, BacksOffWhileTheCaIsAwayAndKeepsTheLastCertificate) {
  CertManager m(options(), &store_);
  m.step();
  auto first = store_.svid();
  ca_.available = false;
  clock_->advance(80s);
  std::vector<std::chrono::seconds> delays;
  for (int i = 0; i < 5; ++i) {
    auto before = clock_->now();
    m.step();
    EXPECT_EQ(store_.svid(), first);
    delays.push_back(std::chrono::duration_cast<std::chrono::seconds>(m.next_fetch() - before));
    clock_->advance(m.next_fetch() - before);
  }
  EXPECT_EQ(delays, (std::vector<std::chrono::seconds>{1s, 2s, 4s, 8s, 8s}));
  EXPECT_EQ(m.failures(), 5);
  ca_.available = true;
  m.step();
  EXPECT_NE(store_.svid(), first);
  EXPECT_EQ(m.failures(), 0);
}

TEST_F(CertManagerTest, FollowsTheRootFile) {
  CertManager m(options(), &store_);
  m.step();
  std::string error;
  auto other = ca::make_self_signed_root("ec", "cluster.local", clock_->now(), 24h, &error);
  std::string other_pem = jib::cert_to_pem(other.cert.get());
  // A rotation: the file carries old and new roots.
  write(dir_ / "root.pem", ca_.root_pem + other_pem);
  int changes = 0;
  store_.subscribe([&changes] { ++changes; });
  clock_->advance(5s);
  m.step();
  EXPECT_EQ(changes, 1);
  EXPECT_EQ(store_.trust_bundle(), ca_.root_pem + other_pem);
  // A half-written file keeps the last roots.
  write(dir_ / "root.pem", "-----BEGIN CERT");
  clock_->advance(5s);
  m.step();
  EXPECT_EQ(store_.trust_bundle(), ca_.root_pem + other_pem);
  // The CA's own root is always kept, even when the file lacks it.
  write(dir_ / "root.pem", other_pem);
  clock_->advance(5s);
  m.step();
  EXPECT_EQ(store_.trust_bundle(), other_pem + ca_.root_pem);
}

TEST_F(CertManagerTest, WithoutTokenRenewsWithTheCurrentCertificate) {
  auto o = options();
  o.token_file.clear();
  CaCallOptions seen;
  auto inner = ca_.call();
  o.ca_call = [&](const CaCallOptions& c, const std::string& csr, int64_t ttl,
                  std::vector<std::string>* chain) {
    seen = c;
    return inner(c, csr, ttl, chain);
  };
  CertManager m(o, &store_);
  m.step();
  EXPECT_TRUE(seen.client_key_pem.empty());
  auto first = store_.svid();
  clock_->advance(80s);
  m.step();
  EXPECT_EQ(seen.client_chain_pem, first->chain_pem);
  EXPECT_EQ(seen.client_key_pem, first->key_pem);
  EXPECT_EQ(seen.server_name, "istiod.istio-system.svc");
}

}  // namespace
}  // namespace jib::agent
