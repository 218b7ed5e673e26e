#include "base/http_server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <optional>
#include <thread>
#include <unordered_set>

#include "base/log.h"

namespace jib::http {
namespace {

constexpr std::string_view kLog = "http";
using Clock = std::chrono::steady_clock;

// Room above max_connections in MHD's own cap for connections we have shut down but MHD has not
// closed yet (it does on its next run). Only when that room is used up too do
// new connections wait in the accept queue.
constexpr int kEvictionSlack = 16;

// One open connection, as libmicrohttpd's socket context. headers_due is when the next request's
// line and headers must have arrived; empty while a request is being answered.
struct Connection {
  int fd = -1;
  std::optional<Clock::time_point> headers_due;
  bool shut_down = false;  // by us: headers late, or room made under max_connections
};

// Either address family, for MHD_OPTION_SOCK_ADDR.
struct BindAddress {
  sockaddr_storage storage{};
  bool ipv6 = false;
};

std::optional<BindAddress> parse_bind_address(const std::string& address, int port) {
  BindAddress out;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&out.storage);
  if (::inet_pton(AF_INET, address.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(static_cast<uint16_t>(port));
    return out;
  }
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&out.storage);
  if (::inet_pton(AF_INET6, address.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(static_cast<uint16_t>(port));
    out.ipv6 = true;
    return out;
  }
  return std::nullopt;
}

// libmicrohttpd's own messages (a refused connection, a request too large) go to the debug log:
// a hostile client must not be able to flood the log at the default level.
void log_mhd(void*, const char* format, va_list args) {
  char line[512];
  std::vsnprintf(line, sizeof line, format, args);
  std::string_view text(line);
  while (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  log::debug(kLog, text);
}

MHD_Result queue(MHD_Connection* connection, const Response& response, bool close) {
  MHD_Response* answer = MHD_create_response_from_buffer(
      response.body.size(), const_cast<char*>(response.body.data()), MHD_RESPMEM_MUST_COPY);
  if (answer == nullptr) return MHD_NO;
  MHD_add_response_header(answer, MHD_HTTP_HEADER_CONTENT_TYPE, response.content_type.c_str());
  if (response.status == MHD_HTTP_METHOD_NOT_ALLOWED) {
    MHD_add_response_header(answer, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
  }
  if (close) MHD_add_response_header(answer, MHD_HTTP_HEADER_CONNECTION, "close");
  MHD_Result result =
      MHD_queue_response(connection, static_cast<unsigned>(response.status), answer);
  MHD_destroy_response(answer);
  return result;
}

MHD_Result collect_query(void* cls, MHD_ValueKind, const char* key, const char* value) {
  (*static_cast<Query*>(cls))[key] = value == nullptr ? "" : value;
  return MHD_YES;
}

// A body is announced by either header; these endpoints never read one.
bool has_body(MHD_Connection* connection) {
  const char* length =
      MHD_lookup_connection_value(connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
  if (length != nullptr && std::strcmp(length, "0") != 0) return true;
  return MHD_lookup_connection_value(connection, MHD_HEADER_KIND,
                                     MHD_HTTP_HEADER_TRANSFER_ENCODING) != nullptr;
}

class MhdServer final : public Server {
 public:
  MhdServer(std::map<std::string, Handler> handlers, const Limits& limits)
      : handlers_(std::move(handlers)), limits_(limits) {}
  ~MhdServer() override { stop(); }

  bool start(const std::string& bind_address, int port, std::string* error) {
    auto address = parse_bind_address(bind_address, port);
    const std::string where = bind_address + ":" + std::to_string(port);
    if (!address) {
      *error = "cannot listen on " + where + ": not a numeric IPv4 or IPv6 address";
      return false;
    }
    wake_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (wake_fd_ < 0) {
      *error = "cannot listen on " + where + ": eventfd: " + std::strerror(errno);
      return false;
    }
    // MHD's epoll driven from our own thread (not MHD's internal one), so that shutting down
    // connections (headers late, room under the cap) happens between MHD_run calls and never
    // races MHD over a descriptor it may be closing.
    unsigned flags = MHD_USE_EPOLL | MHD_USE_ERROR_LOG | (address->ipv6 ? MHD_USE_IPv6 : 0);
    daemon_ = MHD_start_daemon(
        flags, static_cast<uint16_t>(port), nullptr, nullptr, &MhdServer::on_request, this,
        MHD_OPTION_EXTERNAL_LOGGER, &log_mhd, nullptr, MHD_OPTION_SOCK_ADDR,
        reinterpret_cast<sockaddr*>(&address->storage), MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        limits_.header_bytes, MHD_OPTION_CONNECTION_LIMIT,
        static_cast<unsigned>(limits_.max_connections + kEvictionSlack),
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, static_cast<unsigned>(limits_.max_connections_per_ip),
        MHD_OPTION_CONNECTION_TIMEOUT, static_cast<unsigned>(limits_.idle_timeout.count()),
        MHD_OPTION_NOTIFY_CONNECTION, &MhdServer::on_connection, this, MHD_OPTION_NOTIFY_COMPLETED,
        &MhdServer::on_completed, this, MHD_OPTION_END);
    if (daemon_ == nullptr) {
      *error = "cannot listen on " + where + ": " + std::strerror(errno);
      return false;
    }
    port_ = MHD_get_daemon_info(daemon_, MHD_DAEMON_INFO_BIND_PORT)->port;
    epoll_fd_ = MHD_get_daemon_info(daemon_, MHD_DAEMON_INFO_EPOLL_FD)->epoll_fd;
    thread_ = std::thread([this] { loop(); });
    return true;
  }

  int port() const override { return port_; }

  void stop() override {
    if (thread_.joinable()) {
      stopping_ = true;
      uint64_t one = 1;
      [[maybe_unused]] ssize_t n = ::write(wake_fd_, &one, sizeof one);
      thread_.join();
    }
    // Closes every connection; their CLOSED notifications free our records of them.
    if (daemon_ != nullptr) MHD_stop_daemon(daemon_);
    daemon_ = nullptr;
    if (wake_fd_ >= 0) ::close(wake_fd_);
    wake_fd_ = -1;
  }

 private:
  void loop() {
    while (!stopping_) {
      pollfd fds[2] = {{epoll_fd_, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
      ::poll(fds, 2, next_wait_ms());
      if (stopping_) break;
      // MHD puts the listening socket back into its epoll set at the start of a run, not when a
      // connection under the cap closes: run again so that a waiting connection is accepted now
      // rather than at the next timeout.
      do {
        connection_closed_ = false;
        MHD_run(daemon_);
      } while (connection_closed_ && !stopping_);
      close_late_headers();
    }
  }

  // Until MHD's next timeout or the earliest header deadline, whichever comes first; -1 (no
  // limit) when neither is pending. The loop is over at most max_connections records.
  int next_wait_ms() const {
    MHD_UNSIGNED_LONG_LONG mhd_ms = 0;
    std::optional<long long> wait;
    if (MHD_get_timeout(daemon_, &mhd_ms) == MHD_YES) wait = static_cast<long long>(mhd_ms);
    const auto now = Clock::now();
    for (const Connection* c : connections_) {
      if (!c->headers_due) continue;
      auto ms = std::chrono::ceil<std::chrono::milliseconds>(*c->headers_due - now).count();
      wait = std::min(wait.value_or(ms), std::max<long long>(0, ms));
    }
    return wait ? static_cast<int>(std::min<long long>(*wait, 60'000)) : -1;
  }

  // shutdown() rather than close(): the descriptor stays MHD's, which sees the end of the stream
  // on its next run and closes the connection itself.
  void shut_down(Connection* c) {
    ::shutdown(c->fd, SHUT_RDWR);
    c->shut_down = true;
    c->headers_due.reset();
    ++shut_down_;
  }

  void close_late_headers() {
    const auto now = Clock::now();
    for (Connection* c : connections_) {
      if (c->headers_due && *c->headers_due <= now) shut_down(c);
    }
  }

  // Connections neither shut down by us nor closed yet.
  int open_connections() const { return static_cast<int>(connections_.size()) - shut_down_; }

  // Over the cap, the connection that has waited longest for a request's headers (an idle or
  // trickling one: what a flood of connections is made of) makes room for the new one; a client
  // that sends its request at once, like a probe of /ready, gets in. When every other connection
  // is being answered, the new one is the one closed.
  void make_room(Connection* fresh) {
    Connection* victim = fresh;
    for (Connection* c : connections_) {
      if (c != fresh && c->headers_due &&
          (victim == fresh || *c->headers_due < *victim->headers_due)) {
        victim = c;
      }
    }
    shut_down(victim);
  }

  static void on_connection(void* cls, MHD_Connection* connection, void** socket_context,
                            MHD_ConnectionNotificationCode code) {
    auto* self = static_cast<MhdServer*>(cls);
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
      auto* c = new Connection;
      c->fd = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD)->connect_fd;
      c->headers_due = Clock::now() + self->limits_.header_timeout;
      self->connections_.insert(c);
      *socket_context = c;
      if (self->open_connections() > self->limits_.max_connections) self->make_room(c);
    } else if (code == MHD_CONNECTION_NOTIFY_CLOSED && *socket_context != nullptr) {
      auto* c = static_cast<Connection*>(*socket_context);
      self->connections_.erase(c);
      if (c->shut_down) --self->shut_down_;
      self->connection_closed_ = true;
      delete c;
      *socket_context = nullptr;
    }
  }

  static Connection* connection_of(MHD_Connection* connection) {
    const MHD_ConnectionInfo* info =
        MHD_get_connection_info(connection, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return info == nullptr ? nullptr : static_cast<Connection*>(info->socket_context);
  }

  // A keep-alive connection waits for its next request's headers under the same deadline.
  static void on_completed(void* cls, MHD_Connection* connection, void**,
                           MHD_RequestTerminationCode) {
    auto* self = static_cast<MhdServer*>(cls);
    if (Connection* c = connection_of(connection)) {
      c->headers_due = Clock::now() + self->limits_.header_timeout;
    }
  }

  // First called once the request line and headers are in. A request that will be refused is
  // answered right then: MHD then reads no body and closes the connection after the answer. A
  // good one is answered on the next call, the one that ends the (empty) request, which keeps
  // the connection alive for another.
  static MHD_Result on_request(void* cls, MHD_Connection* connection, const char* url,
                               const char* method, const char*, const char*,
                               size_t* upload_data_size, void** request_context) {
    auto* self = static_cast<MhdServer*>(cls);
    if (*request_context == nullptr) {
      *request_context = self;
      if (Connection* c = connection_of(connection)) c->headers_due.reset();
      const bool get = std::strcmp(method, MHD_HTTP_METHOD_GET) == 0 ||
                       std::strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;
      if (!get) {
        return queue(connection,
                     {MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain", "method not allowed\n"}, true);
      }
      if (has_body(connection)) {
        return queue(connection,
                     {MHD_HTTP_CONTENT_TOO_LARGE, "text/plain", "a GET here takes no body\n"},
                     true);
      }
      return MHD_YES;
    }
    // Body data cannot come after the checks above; drop the connection rather than read it.
    if (*upload_data_size != 0) return MHD_NO;
    auto it = self->handlers_.find(url);
    if (it == self->handlers_.end()) {
      return queue(connection, {MHD_HTTP_NOT_FOUND, "text/plain", "not found\n"}, false);
    }
    Query query;
    MHD_get_connection_values(connection, MHD_GET_ARGUMENT_KIND, &collect_query, &query);
    try {
      return queue(connection, it->second(query), false);
    } catch (const std::exception& e) {
      log::warn(kLog, "handler of ", url, " failed: ", e.what());
      return queue(connection, {MHD_HTTP_INTERNAL_SERVER_ERROR, "text/plain", "internal error\n"},
                   false);
    }
  }

  std::map<std::string, Handler> handlers_;
  Limits limits_;
  MHD_Daemon* daemon_ = nullptr;
  int port_ = 0;
  int epoll_fd_ = -1;
  int wake_fd_ = -1;  // written by stop() to end the loop's poll
  std::atomic<bool> stopping_{false};
  std::thread thread_;
  // Touched only by MHD's callbacks and the loop, all on thread_ (and by MHD_stop_daemon after
  // thread_ has ended).
  std::unordered_set<Connection*> connections_;
  int shut_down_ = 0;               // of connections_, shut down and not yet closed by MHD
  bool connection_closed_ = false;  // during the last MHD_run
};

// Zero means "no limit" to libmicrohttpd for most of these: refused, a limit is meant.
std::optional<std::string> invalid_limit(const Limits& limits) {
  if (limits.header_bytes < 1024) return "header_bytes must be at least 1024";
  if (limits.header_timeout.count() < 1) return "header_timeout must be at least 1s";
  if (limits.idle_timeout.count() < 1) return "idle_timeout must be at least 1s";
  if (limits.max_connections < 1) return "max_connections must be positive";
  if (limits.max_connections_per_ip < 1) return "max_connections_per_ip must be positive";
  return std::nullopt;
}

}  // namespace

int pick_free_port(const std::string& bind_address) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = 0;
  if (::inet_pton(AF_INET, bind_address.c_str(), &addr.sin_addr) != 1)
    addr.sin_addr.s_addr = INADDR_ANY;
  int port = 0;
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

std::unique_ptr<Server> serve(const std::string& bind_address, int port,
                              std::map<std::string, Handler> handlers, std::string* error,
                              const Limits& limits) {
  if (auto reason = invalid_limit(limits)) {
    *error = "http server limits: " + *reason;
    return nullptr;
  }
  auto server = std::make_unique<MhdServer>(std::move(handlers), limits);
  if (!server->start(bind_address, port, error)) return nullptr;
  return server;
}

}  // namespace jib::http
