// The JWKS fetcher: which URIs it fetches, what it publishes, and how it fails (a fake fetch
// function scripts the network); and http_fetch against a local HTTP server.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <condition_variable>
#include <deque>
#include <thread>

#include "mesh/config/jwks_fetcher.h"
#include "mesh/config/jwks_http.h"
#include "test/unit/support/config_from_yaml.h"

namespace jib::mesh {
namespace {

using namespace std::chrono_literals;
using testing::state_from_yaml;

constexpr const char* kKeysA = R"({"keys":[{"kty":"RSA","e":"AQAB","n":"aaaa","kid":"a"}]})";
constexpr const char* kKeysB = R"({"keys":[{"kty":"RSA","e":"AQAB","n":"bbbb","kid":"b"}]})";
constexpr const char* kUri = "http://keys.example/jwks.json";

std::string rule(const std::string& uri, const std::string& extra = "") {
  return "  - issuer: " + uri + "\n    jwksUri: " + uri + "\n" + extra;
}

mesh::StoreStatePtr state_with_rules(const std::string& rules) {
  return state_from_yaml(R"(
apiVersion: security.istio.io/v1
kind: RequestAuthentication
metadata: {name: jwt, namespace: ns-b}
spec:
  jwtRules:
)" + rules + R"(
  - issuer: inline.example
    jwks: '{"keys":[{"kty":"RSA","e":"AQAB","n":"cccc"}]}'
)");
}

// A scripted network: each URI answers from its queue of results (the last one repeats), and
// every call is recorded.
class FakeNetwork {
 public:
  void script(const std::string& uri, std::vector<JwksFetchResult> results) {
    std::lock_guard lock(mutex_);
    answers_[uri].assign(results.begin(), results.end());
  }
  JwksFetchResult fetch(const std::string& uri, std::chrono::milliseconds timeout) {
    std::lock_guard lock(mutex_);
    calls_.emplace_back(uri, timeout);
    auto& queue = answers_[uri];
    if (queue.empty()) return {false, "", "connection refused"};
    JwksFetchResult out = queue.front();
    if (queue.size() > 1) queue.pop_front();
    return out;
  }
  std::vector<std::pair<std::string, std::chrono::milliseconds>> calls() {
    std::lock_guard lock(mutex_);
    return calls_;
  }
  size_t calls_to(const std::string& uri) {
    size_t n = 0;
    for (const auto& call : calls()) n += call.first == uri;
    return n;
  }

 private:
  std::mutex mutex_;
  std::map<std::string, std::deque<JwksFetchResult>> answers_;
  std::vector<std::pair<std::string, std::chrono::milliseconds>> calls_;
};

JwksFetchResult ok(const std::string& body) { return {true, body, ""}; }
JwksFetchResult failed() { return {false, "", "HTTP 503"}; }

// A fetcher on a FakeNetwork with short intervals, recording what it publishes.
class FetcherTest : public ::testing::Test {
 protected:
  void start(JwksFetcherOptions options = {.refresh = 150ms, .retry = 20ms}) {
    fetcher_ = std::make_unique<JwksFetcher>(
        options, [this](const std::string& uri, auto timeout) { return net_.fetch(uri, timeout); },
        [this](mesh::JwksByUriPtr jwks) {
          std::lock_guard lock(mutex_);
          published_.push_back(std::move(jwks));
          changed_.notify_all();
        },
        &registry_);
    fetcher_->start();
  }
  void TearDown() override {
    if (fetcher_) fetcher_->stop();
  }

  // Waits (at most 5 s) for a published map that satisfies pred; fails the test otherwise.
  template <typename Pred>
  mesh::JwksByUriPtr wait_published(Pred pred) {
    std::unique_lock lock(mutex_);
    mesh::JwksByUriPtr found;
    changed_.wait_for(lock, 5s, [&] {
      for (const auto& p : published_) {
        if (pred(*p)) found = p;
      }
      return found != nullptr;
    });
    EXPECT_TRUE(found) << "no such map published";
    return found;
  }
  size_t publish_count() {
    std::lock_guard lock(mutex_);
    return published_.size();
  }
  static void wait_for(const std::function<bool()>& pred) {
    auto deadline = std::chrono::steady_clock::now() + 5s;
    while (!pred() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(5ms);
    }
    ASSERT_TRUE(pred()) << "condition not reached in 5 s";
  }
  uint64_t counter(const std::string& name) { return registry_.counter(name, "").value(); }

  FakeNetwork net_;
  metrics::Registry registry_;
  std::unique_ptr<JwksFetcher> fetcher_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<mesh::JwksByUriPtr> published_;
};

TEST_F(FetcherTest, FetchesEveryNamedUriOnceAndPublishesItsKeySet) {
  net_.script(kUri, {ok(kKeysA)});
  start();
  fetcher_->watch(*state_with_rules(rule(kUri)));
  auto jwks = wait_published([](const mesh::JwksByUri& m) { return m.contains(kUri); });
  EXPECT_EQ(*jwks, (mesh::JwksByUri{{kUri, kKeysA}}));
  EXPECT_EQ(*fetcher_->current(), *jwks);
  // The inline rule is never fetched; the URI is fetched with Istio's default timeout.
  ASSERT_FALSE(net_.calls().empty());
  for (const auto& [uri, timeout] : net_.calls()) {
    EXPECT_EQ(uri, kUri);
    EXPECT_EQ(timeout, 5000ms);
  }
  EXPECT_GE(counter("pilot_jwks_resolver_network_fetch_success_total"), 1u);
}

TEST_F(FetcherTest, TimeoutIsTheLongestOfTheRulesNamingTheUri) {
  net_.script(kUri, {ok(kKeysA)});
  start();
  fetcher_->watch(*state_with_rules(rule(kUri, "    timeout: 2s\n") +
                                    "  - issuer: other\n    jwksUri: " + kUri +
                                    "\n    timeout: 4s\n"));
  wait_published([](const mesh::JwksByUri& m) { return m.contains(kUri); });
  EXPECT_EQ(net_.calls().front().second, 4000ms);
}

TEST_F(FetcherTest, FailedFirstFetchPublishesNothingThenRetriesSoon) {
  net_.script(kUri, {failed(), failed(), ok(kKeysA)});
  // A refresh interval far longer than the test: only the failure retries can fetch again.
  start({.refresh = 1h, .retry = 20ms});
  fetcher_->watch(*state_with_rules(rule(kUri)));
  auto jwks = wait_published([](const mesh::JwksByUri& m) { return m.contains(kUri); });
  EXPECT_EQ(jwks->at(kUri), kKeysA);
  EXPECT_EQ(net_.calls_to(kUri), 3u);
  EXPECT_EQ(counter("pilot_jwks_resolver_network_fetch_fail_total"), 2u);
  // Nothing was published for the failures: the generators' stand-in key set applied meanwhile.
  std::lock_guard lock(mutex_);
  for (const auto& p : published_) EXPECT_TRUE(p->empty() || p->at(kUri) == kKeysA);
}

TEST_F(FetcherTest, BodyThatIsNotAKeySetCountsAsAFailure) {
  net_.script(kUri, {ok("<html>login</html>"), ok(R"({"keys": []})"), ok(kKeysA)});
  start({.refresh = 1h, .retry = 20ms});
  fetcher_->watch(*state_with_rules(rule(kUri)));
  auto jwks = wait_published([](const mesh::JwksByUri& m) { return m.contains(kUri); });
  EXPECT_EQ(jwks->at(kUri), kKeysA);
  EXPECT_EQ(counter("pilot_jwks_resolver_network_fetch_fail_total"), 2u);
}

TEST_F(FetcherTest, IssuerWithoutKeySetOrUriIsResolvedByOpenIdDiscovery) {
  const std::string discovery = "https://idp.example/.well-known/openid-configuration";
  net_.script(discovery, {ok(R"({"issuer": "https://idp.example/", "jwks_uri": ")" +
                             std::string(kUri) + R"("})")});
  net_.script(kUri, {ok(kKeysA)});
  start();
  // A trailing slash on the issuer is not doubled; an issuer that is no URL is not looked up.
  fetcher_->watch(*state_with_rules("  - issuer: https://idp.example/\n  - issuer: plain-name\n"));
  auto jwks = wait_published([&](const mesh::JwksByUri& m) { return m.contains(discovery); });
  EXPECT_EQ(*jwks, (mesh::JwksByUri{{discovery, kKeysA}}));
  for (const auto& call : net_.calls()) {
    EXPECT_TRUE(call.first == discovery || call.first == kUri) << call.first;
  }
}

TEST_F(FetcherTest, DiscoveryDocumentWithoutJwksUriIsAFailure) {
  const std::string discovery = "https://idp.example/.well-known/openid-configuration";
  net_.script(discovery, {ok(R"({"issuer": "https://idp.example"})")});
  start({.refresh = 1h, .retry = 20ms});
  fetcher_->watch(*state_with_rules("  - issuer: https://idp.example\n"));
  wait_for([&] { return counter("pilot_jwks_resolver_network_fetch_fail_total") >= 2; });
  EXPECT_EQ(net_.calls_to(kUri), 0u);
  EXPECT_TRUE(fetcher_->current()->empty());
}

TEST_F(FetcherTest, FailedRefreshKeepsTheLastKeySet) {
  net_.script(kUri, {ok(kKeysA), failed()});
  start();
  fetcher_->watch(*state_with_rules(rule(kUri)));
  wait_published([](const mesh::JwksByUri& m) { return m.contains(kUri); });
  wait_for([&] { return counter("pilot_jwks_resolver_network_fetch_fail_total") >= 3; });
  EXPECT_EQ(*fetcher_->current(), (mesh::JwksByUri{{kUri, kKeysA}}));
  EXPECT_EQ(publish_count(), 1u);
}

TEST_F(FetcherTest, RotatedKeySetIsPublishedAtTheNextRefresh) {
  net_.script(kUri, {ok(kKeysA), ok(kKeysA), ok(kKeysB)});
  start();
  fetcher_->watch(*state_with_rules(rule(kUri)));
  wait_published([](const mesh::JwksByUri& m) { return m.contains(kUri); });
  auto rotated = wait_published(
      [](const mesh::JwksByUri& m) { return m.contains(kUri) && m.at(kUri) == kKeysB; });
  EXPECT_EQ(*rotated, (mesh::JwksByUri{{kUri, kKeysB}}));
  // An unchanged refresh published nothing: one map for A, one for B.
  wait_for([&] { return net_.calls_to(kUri) >= 4; });
  EXPECT_EQ(publish_count(), 2u);
}

TEST_F(FetcherTest, UriNoLongerNamedIsForgotten) {
  const std::string other = "http://other.example/keys";
  net_.script(kUri, {ok(kKeysA)});
  net_.script(other, {ok(kKeysB)});
  start();
  fetcher_->watch(*state_with_rules(rule(kUri) + rule(other)));
  wait_published([](const mesh::JwksByUri& m) { return m.size() == 2; });
  fetcher_->watch(*state_with_rules(rule(other)));
  auto jwks = wait_published([](const mesh::JwksByUri& m) { return m.size() == 1; });
  EXPECT_EQ(*jwks, (mesh::JwksByUri{{other, kKeysB}}));
  // And it is not fetched any more.
  const size_t calls = net_.calls_to(kUri);
  wait_for([&] { return net_.calls_to(other) >= 3; });
  EXPECT_EQ(net_.calls_to(kUri), calls);
}

// A one-route HTTP/1.1 server on 127.0.0.1 over plain sockets, one connection at a time:
// GET /jwks answers `status` and `body` after `delay`, any other path 404. (Not base/http_server:
// cpprestsdk's server puns char and unsigned char stream buffers when it writes a body, which
// UBSan's vptr check refuses in the sanitizer build.)
class TestServer {
 public:
  TestServer() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 || ::listen(fd_, 8) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      ADD_FAILURE() << "cannot listen on 127.0.0.1";
      return;
    }
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~TestServer() { stop(); }
  void stop() {
    if (fd_ < 0) return;
    ::shutdown(fd_, SHUT_RDWR);
    if (thread_.joinable()) thread_.join();
    ::close(fd_);
    fd_ = -1;
  }
  int port() const { return port_; }

  int status = 200;
  std::string body = kKeysA;
  std::chrono::milliseconds delay{0};

 private:
  void serve() {
    for (;;) {
      int conn = ::accept(fd_, nullptr, nullptr);
      if (conn < 0) return;
      std::string request;
      char buf[1024];
      while (request.find("\r\n\r\n") == std::string::npos) {
        ssize_t n = ::read(conn, buf, sizeof(buf));
        if (n <= 0) break;
        request.append(buf, static_cast<size_t>(n));
      }
      std::this_thread::sleep_for(delay);
      const bool found = request.starts_with("GET /jwks ");
      const std::string text = found ? body : "no such page";
      const std::string response =
          "HTTP/1.1 " + std::to_string(found ? status : 404) +
          " X\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(text.size()) +
          "\r\nConnection: close\r\n\r\n" + text;
      // MSG_NOSIGNAL: a client that gave up must not raise SIGPIPE here.
      [[maybe_unused]] ssize_t sent = ::send(conn, response.data(), response.size(), MSG_NOSIGNAL);
      ::close(conn);
    }
  }

  int fd_ = -1;
  int port_ = 0;
  std::thread thread_;
};

class HttpFetchTest : public ::testing::Test {
 protected:
  std::string url(const std::string& path) {
    return "http://127.0.0.1:" + std::to_string(server_.port()) + path;
  }
  TestServer server_;
};

TEST_F(HttpFetchTest, OkAnswerGivesTheBody) {
  auto result = http_fetch(url("/jwks"), 2s);
  EXPECT_TRUE(result.ok) << result.error;
  EXPECT_EQ(result.body, kKeysA);
}

TEST_F(HttpFetchTest, ErrorStatusIsAFailure) {
  server_.status = 503;
  server_.body = "down";
  auto result = http_fetch(url("/jwks"), 2s);
  EXPECT_FALSE(result.ok);
  EXPECT_NE(result.error.find("503"), std::string::npos) << result.error;
  auto missing = http_fetch(url("/nothing-here"), 2s);
  EXPECT_FALSE(missing.ok);
  EXPECT_NE(missing.error.find("404"), std::string::npos) << missing.error;
}

TEST_F(HttpFetchTest, NoServerIsAFailure) {
  const std::string gone = url("/jwks");
  server_.stop();
  auto result = http_fetch(gone, 2s);
  EXPECT_FALSE(result.ok);
  EXPECT_FALSE(result.error.empty());
}

TEST_F(HttpFetchTest, SlowServerTimesOut) {
  server_.delay = 1500ms;
  auto start = std::chrono::steady_clock::now();
  auto result = http_fetch(url("/jwks"), 200ms);
  EXPECT_FALSE(result.ok);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1400ms);
}

}  // namespace
}  // namespace jib::mesh
