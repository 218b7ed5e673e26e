// A small HTTP server for health, metrics and debug pages (cpprestsdk underneath).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

namespace jib::http {

struct Response {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

// Query parameters of the request, decoded.
using Query = std::map<std::string, std::string>;
using Handler = std::function<Response(const Query& query)>;

class Server {
 public:
  virtual ~Server() = default;
  // The port actually listened on (resolved when 0 was asked for).
  virtual int port() const = 0;
  virtual void stop() = 0;
};

// Serves GET requests for the exact paths in handlers; anything else is 404. Port 0 picks a
// free port. Returns null and sets *error when the port cannot be opened.
std::unique_ptr<Server> serve(const std::string& bind_address, int port,
                              std::map<std::string, Handler> handlers, std::string* error);

// A free TCP port on the address, found by binding port 0; 0 on failure.
int pick_free_port(const std::string& bind_address);

}  // namespace jib::http
