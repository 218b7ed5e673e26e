#include "xds/translate/names.h"

#include <charconv>

namespace jib::xds::names {

std::string outbound_cluster(uint32_t port, std::string_view subset, std::string_view host) {
  std::string out = "outbound|";
  out += std::to_string(port);
  out += '|';
  out += subset;
  out += '|';
  out += host;
  return out;
}

std::string inbound_cluster(uint32_t port) { return "inbound|" + std::to_string(port) + "||"; }

std::string outbound_sni(uint32_t port, std::string_view subset, std::string_view host) {
  std::string out = "outbound_.";
  out += std::to_string(port);
  out += "_.";
  out += subset;
  out += "_.";
  out += host;
  return out;
}

std::optional<ClusterName> parse_cluster(std::string_view name) {
  ClusterName out;
  auto take = [&name]() -> std::optional<std::string_view> {
    auto bar = name.find('|');
    if (bar == std::string_view::npos) return std::nullopt;
    auto part = name.substr(0, bar);
    name.remove_prefix(bar + 1);
    return part;
  };
  auto direction = take();
  auto port = take();
  auto subset = take();
  if (!direction || !port || !subset) return std::nullopt;
  if (*direction == "outbound") {
    out.direction = Direction::kOutbound;
  } else if (*direction == "inbound") {
    out.direction = Direction::kInbound;
  } else {
    return std::nullopt;
  }
  auto [ptr, ec] = std::from_chars(port->data(), port->data() + port->size(), out.port);
  if (ec != std::errc() || ptr != port->data() + port->size()) return std::nullopt;
  out.subset = std::string(*subset);
  out.host = std::string(name);
  return out;
}

std::string listener(std::string_view address, uint32_t port) {
  return std::string(address) + "_" + std::to_string(port);
}

std::string outbound_route(uint32_t port) { return std::to_string(port); }

std::string virtual_host(std::string_view host, uint32_t port) {
  return std::string(host) + ":" + std::to_string(port);
}

}  // namespace jib::xds::names
