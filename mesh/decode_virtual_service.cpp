#include <cstdint>

#include "mesh/decode_kinds.h"

namespace jib::mesh::detail {
namespace {

// Istio's body.bytes is base64 (protobuf JSON); the typed body is the decoded text.
bool decode_base64(std::string_view in, std::string& out) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+' || c == '-') return 62;
    if (c == '/' || c == '_') return 63;
    return -1;
  };
  uint32_t bits = 0;
  int count = 0;
  for (char c : in) {
    if (c == '=' || c == '\n' || c == '\r' || c == ' ') continue;
    int v = value(c);
    if (v < 0) return false;
    bits = (bits << 6) | static_cast<uint32_t>(v);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out.push_back(static_cast<char>((bits >> count) & 0xFF));
    }
  }
  return true;
}

void decode_header_ops(Decoder& d, const YAML::Node& node, const std::string& path,
                       HeaderOperations& out) {
  d.fields(node, path, [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (key == "set") return d.string_map(v, p, out.set);
    if (key == "add") return d.string_map(v, p, out.add);
    if (key == "remove") return d.strings(v, p, out.remove);
    return false;
  });
}

void decode_headers(Decoder& d, const YAML::Node& node, const std::string& path, Headers& out) {
  d.fields(node, path, [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (key == "request") return decode_header_ops(d, v, p, out.request), true;
    if (key == "response") return decode_header_ops(d, v, p, out.response), true;
    return false;
  });
}

void decode_match(Decoder& d, const YAML::Node& node, const std::string& path,
                  HTTPMatchRequest& out) {
  d.fields(node, path, [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (key == "name") return d.str(v, p, out.name);
    if (key == "uri") return d.string_match(v, p, out.uri);
    if (key == "scheme") return d.string_match(v, p, out.scheme);
    if (key == "method") return d.string_match(v, p, out.method);
    if (key == "authority") return d.string_match(v, p, out.authority);
    if (key == "headers") return d.string_match_map(v, p, out.headers);
    if (key == "queryParams") return d.string_match_map(v, p, out.query_params);
    if (key == "withoutHeaders") return d.string_match_map(v, p, out.without_headers);
    if (key == "port") return d.u32(v, p, out.port);
    if (key == "sourceLabels") return d.string_map(v, p, out.source_labels);
    if (key == "gateways") return d.strings(v, p, out.gateways);
    if (key == "ignoreUriCase") return d.boolean(v, p, out.ignore_uri_case);
    if (key == "sourceNamespace") return d.str(v, p, out.source_namespace);
    return false;
  });
}

void decode_redirect(Decoder& d, const YAML::Node& node, const std::string& path,
                     HTTPRedirect& out) {
  d.fields(node, path, [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (key == "uri") return d.str(v, p, out.uri);
    if (key == "authority") return d.str(v, p, out.authority);
    if (key == "port") return d.u32(v, p, out.port);
    if (key == "scheme") return d.str(v, p, out.scheme);
    if (key == "redirectCode") return d.u32(v, p, out.redirect_code);
    return false;
  });
}

void decode_rewrite(Decoder& d, const YAML::Node& node, const std::string& path, HTTPRewrite& out) {
  d.fields(node, path, [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (key == "uri") return d.str(v, p, out.uri);
    if (key == "authority") return d.str(v, p, out.authority);
    if (key == "uriRegexRewrite") {
      // Both parts are recorded even when empty, so that validation sees a half-given pair.
      d.fields(v, p, [&](std::string_view k, const YAML::Node& rv, const std::string& rp) {
        if (k == "match") return d.str(rv, rp, out.uri_regex_match);
        if (k == "rewrite") return d.str(rv, rp, out.uri_regex_rewrite);
        return false;
      });
      if (!out.uri_regex_match) out.uri_regex_match = "";
      if (!out.uri_regex_rewrite) out.uri_regex_rewrite = "";
      return true;
    }
    return false;
  });
}

void decode_retry(Decoder& d, const YAML::Node& node, const std::string& path, HTTPRetry& out) {
  d.fields(node, path, [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (key == "attempts") return d.i32(v, p, out.attempts);
    if (key == "perTryTimeout") return d.duration(v, p, out.per_try_timeout);
    if (key == "retryOn") return d.str(v, p, out.retry_on);
    if (key == "retryRemoteLocalities") return d.boolean(v, p, out.retry_remote_localities);
    return false;
  });
}

void decode_direct_response(Decoder& d, const YAML::Node& node, const std::string& path,
                            HTTPDirectResponse& out) {
  d.fields(node, path, [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (key == "status") return d.u32(v, p, out.status);
    if (key != "body") return false;
    d.fields(v, p, [&](std::string_view k, const YAML::Node& bv, const std::string& bp) {
      if (k == "string") return d.str(bv, bp, out.body);
      if (k != "bytes") return false;
      std::string encoded;
      std::string decoded;
      if (d.scalar(bv, bp, encoded) && !decode_base64(encoded, decoded)) {
        d.error(bv, bp, "invalid base64");
      }
      out.body = decoded;
      return true;
    });
    return true;
  });
}

void decode_http_route(Decoder& d, const YAML::Node& node, const std::string& path,
                       HTTPRoute& out) {
  d.fields(node, path, [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (key == "name") return d.str(v, p, out.name);
    if (key == "match")
      return d.list(v, p, out.match,
                    [&](auto& n, auto& ip, auto& m) { decode_match(d, n, ip, m); });
    if (key == "route")
      return d.list(v, p, out.route, [&](auto& n, auto& ip, auto& r) {
        d.fields(n, ip, [&](std::string_view k, const YAML::Node& rv, const std::string& rp) {
          if (k == "destination") return decode_destination(d, rv, rp, r.destination), true;
          if (k == "weight") return d.i32(rv, rp, r.weight);
          if (k == "headers") return decode_headers(d, rv, rp, r.headers.emplace()), true;
          return false;
        });
      });
    if (key == "redirect") return decode_redirect(d, v, p, out.redirect.emplace()), true;
    if (key == "directResponse") {
      return decode_direct_response(d, v, p, out.direct_response.emplace()), true;
    }
    if (key == "rewrite") return decode_rewrite(d, v, p, out.rewrite.emplace()), true;
    if (key == "timeout") return d.duration(v, p, out.timeout);
    if (key == "retries") return decode_retry(d, v, p, out.retries.emplace()), true;
    if (key == "headers") return decode_headers(d, v, p, out.headers.emplace()), true;
    return false;
  });
}

void decode_tcp_route(Decoder& d, const YAML::Node& node, const std::string& path, TCPRoute& out) {
  d.fields(node, path, [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (key == "match")
      return d.list(v, p, out.match, [&](auto& n, auto& ip, auto& m) {
        d.fields(n, ip, [&](std::string_view k, const YAML::Node& mv, const std::string& mp) {
          if (k == "destinationSubnets") return d.strings(mv, mp, m.destination_subnets);
          if (k == "port") return d.u32(mv, mp, m.port);
          if (k == "sourceLabels") return d.string_map(mv, mp, m.source_labels);
          if (k == "gateways") return d.strings(mv, mp, m.gateways);
          if (k == "sourceNamespace") return d.str(mv, mp, m.source_namespace);
          return false;
        });
      });
    if (key == "route")
      return d.list(v, p, out.route, [&](auto& n, auto& ip, auto& r) {
        d.fields(n, ip, [&](std::string_view k, const YAML::Node& rv, const std::string& rp) {
          if (k == "destination") return decode_destination(d, rv, rp, r.destination), true;
          if (k == "weight") return d.i32(rv, rp, r.weight);
          return false;
        });
      });
    return false;
  });
}

}  // namespace

void decode_destination(Decoder& d, const YAML::Node& node, const std::string& path,
                        Destination& out) {
  d.fields(node, path, [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (key == "host") return d.str(v, p, out.host);
    if (key == "subset") return d.str(v, p, out.subset);
    if (key == "port") {
      auto& port = out.port.emplace();
      d.fields(v, p, [&](std::string_view k, const YAML::Node& pv, const std::string& pp) {
        if (k == "number") return d.u32(pv, pp, port.number);
        return false;
      });
      return true;
    }
    return false;
  });
}

void decode_virtual_service(Decoder& d, const YAML::Node& spec, VirtualService& out) {
  d.fields(spec, "spec", [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (key == "hosts") return d.strings(v, p, out.hosts);
    if (key == "gateways") return d.strings(v, p, out.gateways);
    if (key == "http")
      return d.list(v, p, out.http,
                    [&](auto& n, auto& ip, auto& r) { decode_http_route(d, n, ip, r); });
    if (key == "tcp")
      return d.list(v, p, out.tcp,
                    [&](auto& n, auto& ip, auto& r) { decode_tcp_route(d, n, ip, r); });
    if (key == "exportTo") return d.strings(v, p, out.export_to);
    return false;
  });
}

}  // namespace jib::mesh::detail
