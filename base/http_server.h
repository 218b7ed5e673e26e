// A small HTTP server for health, metrics and debug pages (GNU libmicrohttpd underneath), built
// to hold under hostile clients: every resource a client can make it spend is bounded by Limits.
#pragma once

#include <chrono>
#include <cstddef>
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

// What one client, or many, can make the server hold. docs/limits.md lists them with what a
// client sees when it hits one.
struct Limits {
  // Request line plus headers of one connection (libmicrohttpd's per-connection memory pool,
  // which also holds the answer's headers); a longer request is answered 414 or 431 and closed.
  std::size_t header_bytes = 32 * 1024;
  // The request line and headers must have arrived this long after the connection opened or the
  // previous answer was sent; an idle keep-alive connection is closed after it too.
  std::chrono::seconds header_timeout{10};
  // A connection on which nothing moves either way for this long is closed.
  std::chrono::seconds idle_timeout{30};
  // Connections open at once; past it the one that has waited longest for its request's
  // headers is closed to make room (the new one, if every other is being answered).
  int max_connections = 256;
  // Connections open at once from one address; past it a new one is closed at once.
  int max_connections_per_ip = 32;
};

class Server {
 public:
  virtual ~Server() = default;
  // The port actually listened on (resolved when 0 was asked for).
  virtual int port() const = 0;
  // Closes the listening socket and every connection; returns when no handler runs any more.
  virtual void stop() = 0;
};

// Serves GET and HEAD for the exact paths in handlers; another path is 404, another method 405,
// and a request that carries a body 413 without the body being read. Port 0 picks a free port.
// Returns null and sets *error when the address is not a numeric IP, a limit is not positive or
// the port cannot be opened.
std::unique_ptr<Server> serve(const std::string& bind_address, int port,
                              std::map<std::string, Handler> handlers, std::string* error,
                              const Limits& limits = {});

// A free TCP port on the address, found by binding port 0; 0 on failure.
int pick_free_port(const std::string& bind_address);

}  // namespace jib::http
