#include "xds/translate/proxy.h"

#include <vector>

#include "base/log.h"
#include "envoy/config/core/v3/base.pb.h"

namespace jib::xds {
namespace {

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (size_t pos; (pos = text.find(sep, start)) != std::string::npos; start = pos + 1) {
    parts.push_back(text.substr(start, pos - start));
  }
  parts.push_back(text.substr(start));
  return parts;
}

std::string string_field(const google::protobuf::Struct& metadata, const std::string& key) {
  auto it = metadata.fields().find(key);
  if (it == metadata.fields().end() || !it->second.has_string_value()) return {};
  return it->second.string_value();
}

}  // namespace

std::string Proxy::cache_key() const {
  std::string key = type == Type::kSidecar ? "sidecar" : "router";
  key += '|';
  key += ns;
  key += '|';
  key += std::to_string(static_cast<int>(interception));
  key += identity_verified ? "|verified" : "|unverified";
  // Allowed and refused callers must never share cached SDS output.
  key += credentials_allowed ? "|credentials" : "|no-credentials";
  // Labels select workload-scoped DestinationRules and sourceLabels route matches.
  for (const auto& [k, v] : labels) {
    key += '|';
    key += k;
    key += '=';
    key += v;
  }
  return key;
}

bool parse_proxy(const envoy::config::core::v3::Node& node, Proxy* out, std::string* error) {
  auto parts = split(node.id(), '~');
  if (parts.size() != 4) {
    *error =
        "node id \"" + log::clip(node.id()) + "\" is not of the form type~ip~pod.namespace~domain";
    return false;
  }
  if (parts[0] == "sidecar") {
    out->type = Proxy::Type::kSidecar;
  } else if (parts[0] == "router") {
    out->type = Proxy::Type::kRouter;
  } else {
    *error = "node id \"" + log::clip(node.id()) + "\": unknown proxy type \"" +
             log::clip(parts[0], 64) + "\"";
    return false;
  }
  out->id = node.id();
  out->ip = parts[1];
  out->workload = parts[2];
  out->dns_domain = parts[3];

  const auto& md = node.metadata();
  out->ns = string_field(md, "NAMESPACE");
  if (out->ns.empty()) {
    auto dot = out->workload.find('.');
    out->ns = dot == std::string::npos ? "default" : out->workload.substr(dot + 1);
  }
  out->service_account = string_field(md, "SERVICE_ACCOUNT");
  out->cluster_id = string_field(md, "CLUSTER_ID");
  out->istio_version = string_field(md, "ISTIO_VERSION");
  std::string mode = string_field(md, "INTERCEPTION_MODE");
  if (mode == "NONE") {
    out->interception = Proxy::InterceptionMode::kNone;
  } else if (mode == "TPROXY") {
    out->interception = Proxy::InterceptionMode::kTproxy;
  } else {
    out->interception = Proxy::InterceptionMode::kRedirect;
  }
  auto labels = md.fields().find("LABELS");
  if (labels != md.fields().end() && labels->second.has_struct_value()) {
    for (const auto& [k, v] : labels->second.struct_value().fields()) {
      if (v.has_string_value()) out->labels[k] = v.string_value();
    }
  }
  return true;
}

}  // namespace jib::xds
