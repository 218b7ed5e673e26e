#include "base/http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cpprest/http_listener.h>
#include <cpprest/uri.h>

namespace jib::http {
namespace {

using web::http::http_request;
using web::http::experimental::listener::http_listener;

class CppRestServer final : public Server {
 public:
  CppRestServer(int port, std::unique_ptr<http_listener> listener)
      : port_(port), listener_(std::move(listener)) {}
  ~CppRestServer() override { stop(); }

  int port() const override { return port_; }
  void stop() override {
    if (listener_) {
      listener_->close().wait();
      listener_.reset();
    }
  }

 private:
  int port_;
  std::unique_ptr<http_listener> listener_;
};

}  // namespace

int pick_free_port(const std::string& bind_address) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = 0;
  if (::inet_pton(AF_INET, bind_address.c_str(), &addr.sin_addr) != 1) addr.sin_addr.s_addr = INADDR_ANY;
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
                              std::map<std::string, Handler> handlers, std::string* error) {
  if (port == 0) port = pick_free_port(bind_address);
  if (port == 0) {
    *error = "no free port on " + bind_address;
    return nullptr;
  }
  auto listener = std::make_unique<http_listener>(
      web::uri("http://" + bind_address + ":" + std::to_string(port) + "/"));
  listener->support(web::http::methods::GET, [handlers = std::move(handlers)](http_request request) {
    auto path = web::uri::decode(request.relative_uri().path());
    auto it = handlers.find(path);
    if (it == handlers.end()) {
      request.reply(web::http::status_codes::NotFound, "not found\n");
      return;
    }
    Query query;
    for (const auto& [k, v] : web::uri::split_query(request.relative_uri().query())) {
      query[web::uri::decode(k)] = web::uri::decode(v);
    }
    Response response = it->second(query);
    request.reply(static_cast<web::http::status_code>(response.status), response.body,
                  response.content_type);
  });
  try {
    listener->open().wait();
  } catch (const std::exception& e) {
    *error = "cannot listen on " + bind_address + ":" + std::to_string(port) + ": " + e.what();
    return nullptr;
  }
  return std::make_unique<CppRestServer>(port, std::move(listener));
}

}  // namespace jib::http
