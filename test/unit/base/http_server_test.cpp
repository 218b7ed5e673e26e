#include "base/http_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace jib::http {
namespace {

// A raw TCP client, so that requests no well-behaved library would send can be sent.
class Client {
 public:
  explicit Client(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    // A server that stops reading without closing fails a send instead of hanging the test.
    timeval send_timeout{5, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &send_timeout, sizeof send_timeout);
  }
  ~Client() { ::close(fd_); }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  bool connected() const { return connected_; }

  // False once the peer has closed or reset the connection.
  bool send(const std::string& data) {
    size_t sent = 0;
    while (sent < data.size()) {
      ssize_t n = ::send(fd_, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += static_cast<size_t>(n);
    }
    return true;
  }

  // Whether something (data or the end of the stream) arrives within `wait`.
  bool readable(std::chrono::milliseconds wait) {
    pollfd p{fd_, POLLIN, 0};
    return ::poll(&p, 1, static_cast<int>(wait.count())) == 1;
  }

  // Everything until the peer closes (or `wait` passes without a byte); `closed` tells which.
  std::string read_all(bool* closed = nullptr,
                       std::chrono::milliseconds wait = std::chrono::seconds(10)) {
    std::string out;
    char buf[4096];
    for (;;) {
      if (!readable(wait)) break;
      ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) {
        if (closed) *closed = true;
        return out;
      }
      out.append(buf, static_cast<size_t>(n));
    }
    if (closed) *closed = false;
    return out;
  }

  // The first answer's status line and headers.
  std::string read_head() {
    std::string out;
    char c;
    while (out.find("\r\n\r\n") == std::string::npos && readable(std::chrono::seconds(10)) &&
           ::recv(fd_, &c, 1, 0) == 1) {
      out.push_back(c);
    }
    return out;
  }

  int fd() const { return fd_; }

 private:
  int fd_ = -1;
  bool connected_ = false;
};

std::string get(const std::string& target) {
  return "GET " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
}

long rss_kib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

class HttpServerTest : public ::testing::Test {
 protected:
  void start(Limits limits = {}) {
    std::map<std::string, Handler> handlers;
    handlers["/hello"] = [this](const Query& query) {
      last_query_ = query;
      return Response{200, "text/plain", "hello\n"};
    };
    handlers["/throws"] = [](const Query&) -> Response { throw std::runtime_error("boom"); };
    std::string error;
    server_ = serve("127.0.0.1", 0, std::move(handlers), &error, limits);
    ASSERT_NE(server_, nullptr) << error;
    ASSERT_GT(server_->port(), 0);
  }
  // A fresh connection is answered: the server survived what came before.
  void expect_serving() {
    Client c(server_->port());
    ASSERT_TRUE(c.send(get("/hello")));
    EXPECT_EQ(c.read_all().rfind("HTTP/1.1 200", 0), 0u);
  }

  std::unique_ptr<Server> server_;
  Query last_query_;
};

TEST_F(HttpServerTest, ServesHandlerWithDecodedQuery) {
  start();
  Client c(server_->port());
  ASSERT_TRUE(c.send(get("/hello?name=a%20b&x=%2Fy&empty=")));
  std::string answer = c.read_all();
  EXPECT_EQ(answer.rfind("HTTP/1.1 200", 0), 0u) << answer;
  EXPECT_NE(answer.find("Content-Type: text/plain"), std::string::npos) << answer;
  EXPECT_EQ(answer.substr(answer.size() - 6), "hello\n");
  EXPECT_EQ(last_query_, (Query{{"name", "a b"}, {"x", "/y"}, {"empty", ""}}));
}

TEST_F(HttpServerTest, UnknownPathIs404) {
  start();
  Client c(server_->port());
  ASSERT_TRUE(c.send(get("/hello/more")));
  EXPECT_EQ(c.read_all().rfind("HTTP/1.1 404", 0), 0u);
}

TEST_F(HttpServerTest, KeepAliveServesSeveralRequests) {
  start();
  Client c(server_->port());
  ASSERT_TRUE(
      c.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\n\r\n"));
  std::string first = c.read_head();
  EXPECT_EQ(first.rfind("HTTP/1.1 200", 0), 0u) << first;
  // The first body, then the second answer.
  std::string rest;
  char buf[4096];
  while (rest.find("hello\n", rest.find("HTTP/1.1 200")) == std::string::npos &&
         c.readable(std::chrono::seconds(10))) {
    ssize_t n = ::recv(c.fd(), buf, sizeof buf, 0);
    if (n <= 0) break;
    rest.append(buf, static_cast<size_t>(n));
  }
  EXPECT_NE(rest.find("HTTP/1.1 200"), std::string::npos) << rest;
}

TEST_F(HttpServerTest, HeadHasNoBody) {
  start();
  Client c(server_->port());
  ASSERT_TRUE(c.send("HEAD /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  std::string answer = c.read_all();
  EXPECT_EQ(answer.rfind("HTTP/1.1 200", 0), 0u) << answer;
  EXPECT_EQ(answer.substr(answer.size() - 4), "\r\n\r\n") << answer;
}

TEST_F(HttpServerTest, OtherMethodsAre405) {
  start();
  for (std::string method : {"POST", "PUT", "DELETE", "OPTIONS"}) {
    Client c(server_->port());
    ASSERT_TRUE(c.send(method + " /hello HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"));
    bool closed = false;
    std::string answer = c.read_all(&closed);
    EXPECT_EQ(answer.rfind("HTTP/1.1 405", 0), 0u) << method << ": " << answer;
    EXPECT_NE(answer.find("Allow: GET, HEAD"), std::string::npos) << answer;
    EXPECT_TRUE(closed) << method;
  }
}

TEST_F(HttpServerTest, HandlerThatThrowsIs500) {
  start();
  Client c(server_->port());
  ASSERT_TRUE(c.send(get("/throws")));
  EXPECT_EQ(c.read_all().rfind("HTTP/1.1 500", 0), 0u);
  expect_serving();
}

TEST_F(HttpServerTest, HugeHeaderIsRefusedAndClosed) {
  start();
  Client c(server_->port());
  // An unterminated 8 MB header line: the server must answer and close long before its end.
  ASSERT_TRUE(c.send("GET /hello HTTP/1.1\r\nHost: x\r\nX-Big: "));
  const std::string chunk(64 * 1024, 'a');
  bool refused = false;
  for (int i = 0; i < 128 && !refused; ++i) refused = !c.send(chunk) || c.readable({});
  EXPECT_TRUE(refused) << "8 MB of header taken in without an answer";
  bool closed = false;
  std::string answer = c.read_all(&closed);
  if (!answer.empty()) {
    EXPECT_TRUE(answer.rfind("HTTP/1.1 431", 0) == 0 || answer.rfind("HTTP/1.1 414", 0) == 0)
        << answer.substr(0, 200);
  }
  EXPECT_TRUE(closed);
  expect_serving();
}

TEST_F(HttpServerTest, LongRequestLineIsRefused) {
  start();
  Client c(server_->port());
  c.send(get("/hello?q=" + std::string(100 * 1024, 'a')));
  bool closed = false;
  std::string answer = c.read_all(&closed);
  EXPECT_TRUE(closed);
  EXPECT_EQ(answer.rfind("HTTP/1.1 200", 0), std::string::npos) << answer;
  expect_serving();
}

TEST_F(HttpServerTest, BodyIsNotReadNorBuffered) {
  start();
  const long rss_before = rss_kib();
  Client c(server_->port());
  ASSERT_TRUE(c.send("GET /hello HTTP/1.1\r\nHost: x\r\nContent-Length: 2147483648\r\n\r\n"));
  // Stream up to 256 MB of the announced 2 GB; the server answers and closes well before.
  const std::string chunk(1024 * 1024, 'b');
  size_t sent_mb = 0;
  while (sent_mb < 256 && !c.readable({}) && c.send(chunk)) ++sent_mb;
  EXPECT_LT(sent_mb, 256u) << "the server kept reading the body";
  bool closed = false;
  std::string answer = c.read_all(&closed);
  if (!answer.empty()) {
    EXPECT_EQ(answer.rfind("HTTP/1.1 413", 0), 0u) << answer.substr(0, 200);
  }
  EXPECT_TRUE(closed);
  EXPECT_LT(rss_kib() - rss_before, 8 * 1024) << "KiB of RSS grown after " << sent_mb << " MB";
  expect_serving();
}

TEST_F(HttpServerTest, ChunkedBodyIsRefused) {
  start();
  Client c(server_->port());
  ASSERT_TRUE(c.send("GET /hello HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n"));
  bool closed = false;
  std::string answer = c.read_all(&closed);
  EXPECT_EQ(answer.rfind("HTTP/1.1 413", 0), 0u) << answer;
  EXPECT_TRUE(closed);
}

TEST_F(HttpServerTest, PerAddressCapClosesTheExtraConnection) {
  start({.max_connections_per_ip = 2});
  Client a(server_->port()), b(server_->port());
  // Both held by the server before the third arrives.
  ASSERT_TRUE(a.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_TRUE(b.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_FALSE(a.read_head().empty());
  ASSERT_FALSE(b.read_head().empty());
  Client c(server_->port());
  c.send(get("/hello"));
  bool closed = false;
  std::string answer = c.read_all(&closed);
  EXPECT_TRUE(closed);
  EXPECT_EQ(answer, "");
}

TEST_F(HttpServerTest, OverTheCapTheLongestIdleConnectionMakesRoom) {
  // Timeouts far beyond the reads' waits: only making room can let `c` in.
  start({.header_timeout = std::chrono::seconds(60),
         .idle_timeout = std::chrono::seconds(60),
         .max_connections = 2});
  Client a(server_->port()), b(server_->port());
  ASSERT_TRUE(a.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_FALSE(a.read_head().empty());
  ASSERT_TRUE(b.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_FALSE(b.read_head().empty());
  // Both idle now, `a` for longer.
  Client c(server_->port());
  ASSERT_TRUE(c.send(get("/hello")));
  EXPECT_EQ(c.read_all().rfind("HTTP/1.1 200", 0), 0u);
  bool closed = false;
  a.read_all(&closed);
  EXPECT_TRUE(closed) << "the longest idle connection stays open";
  closed = false;
  b.read_all(&closed, std::chrono::milliseconds(200));
  EXPECT_FALSE(closed);
  ASSERT_TRUE(b.send(get("/hello")));
  EXPECT_NE(b.read_all().find("HTTP/1.1 200"), std::string::npos);
}

TEST_F(HttpServerTest, AFloodOfIdleConnectionsDoesNotKeepAProbeOut) {
  start({.header_timeout = std::chrono::seconds(60),
         .idle_timeout = std::chrono::seconds(60),
         .max_connections = 8,
         .max_connections_per_ip = 1000});
  std::vector<std::unique_ptr<Client>> idle;
  for (int i = 0; i < 200; ++i) idle.push_back(std::make_unique<Client>(server_->port()));
  expect_serving();
}

TEST_F(HttpServerTest, TrickledHeadersAreCutAtTheHeaderTimeout) {
  start({.header_timeout = std::chrono::seconds(1), .idle_timeout = std::chrono::seconds(60)});
  Client c(server_->port());
  ASSERT_TRUE(c.send("GET /hello HTTP/1.1\r\n"));
  // A byte every 100 ms keeps the idle timeout away; only the header deadline ends this.
  bool closed = false;
  for (int i = 0; i < 100 && !closed; ++i) {
    if (!c.send("X")) break;
    c.read_all(&closed, std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(closed);
  expect_serving();
}

TEST_F(HttpServerTest, IdleKeepAliveConnectionIsClosed) {
  start({.header_timeout = std::chrono::seconds(1)});
  Client c(server_->port());
  ASSERT_TRUE(c.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_EQ(c.read_head().rfind("HTTP/1.1 200", 0), 0u);
  bool closed = false;
  c.read_all(&closed);
  EXPECT_TRUE(closed);
}

TEST_F(HttpServerTest, SilentConnectionIsClosedAtTheIdleTimeout) {
  start({.header_timeout = std::chrono::seconds(60), .idle_timeout = std::chrono::seconds(1)});
  Client c(server_->port());
  ASSERT_TRUE(c.send("GET /hello HTTP/1.1\r\n"));
  bool closed = false;
  c.read_all(&closed);
  EXPECT_TRUE(closed);
}

TEST_F(HttpServerTest, StopClosesOpenConnections) {
  start();
  Client c(server_->port());
  ASSERT_TRUE(c.send("GET /hello HTTP/1.1\r\n"));
  Client d(server_->port());
  ASSERT_TRUE(d.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_FALSE(d.read_head().empty());
  server_->stop();
  bool closed = false;
  c.read_all(&closed);
  EXPECT_TRUE(closed);
  server_->stop();  // a second stop is harmless
}

TEST(HttpServe, RefusesBadAddressAndLimits) {
  std::string error;
  EXPECT_EQ(serve("localhost", 0, {}, &error), nullptr);
  EXPECT_NE(error.find("not a numeric IPv4 or IPv6 address"), std::string::npos) << error;
  EXPECT_EQ(serve("127.0.0.1", 0, {}, &error, {.max_connections = 0}), nullptr);
  EXPECT_NE(error.find("max_connections must be positive"), std::string::npos) << error;
  EXPECT_EQ(serve("127.0.0.1", 0, {}, &error, {.idle_timeout = std::chrono::seconds(0)}), nullptr);
  EXPECT_NE(error.find("idle_timeout"), std::string::npos) << error;
}

TEST(HttpServe, RefusesAPortInUse) {
  std::string error;
  auto first = serve("127.0.0.1", 0, {}, &error);
  ASSERT_NE(first, nullptr) << error;
  EXPECT_EQ(serve("127.0.0.1", first->port(), {}, &error), nullptr);
  EXPECT_NE(error.find("cannot listen on 127.0.0.1:"), std::string::npos) << error;
}

TEST(HttpServe, ServesOnIpv6Loopback) {
  std::string error;
  auto server = serve("::1", 0, {{"/x", [](const Query&) { return Response{}; }}}, &error);
  if (server == nullptr) GTEST_SKIP() << "no IPv6 loopback: " << error;
  EXPECT_GT(server->port(), 0);
}

}  // namespace
}  // namespace jib::http
