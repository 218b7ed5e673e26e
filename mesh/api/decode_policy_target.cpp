#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "mesh/api/decode_kinds.h"
#include "mesh/api/decode_policy_target.h"

namespace jib::mesh::detail {
namespace {

void decode_target_ref(Decoder& d, const YAML::Node& node, const std::string& path,
                       PolicyTargetReference& out) {
  d.fields(node, path, [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (key == "group") return d.str(v, p, out.group);
    if (key == "kind") return d.str(v, p, out.kind);
    if (key == "name") return d.str(v, p, out.name);
    if (key == "namespace") return d.str(v, p, out.ns);
    return false;
  });
}

bool is_plain(const YAML::Node& node) { return node.Tag() != "!"; }

// YAML 1.2 core schema numbers, which JSON numbers are a subset of.
std::optional<nlohmann::json> scalar_number(const std::string& text) {
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  errno = 0;
  if (text.find_first_of(".eE") == std::string::npos) {
    long long value = std::strtoll(text.c_str(), &end, 10);
    if (errno == 0 && end == text.c_str() + text.size()) return nlohmann::json(value);
    return std::nullopt;
  }
  double value = std::strtod(text.c_str(), &end);
  if (errno == 0 && end == text.c_str() + text.size() && std::isfinite(value)) {
    return nlohmann::json(value);
  }
  return std::nullopt;
}

}  // namespace

bool decode_policy_scope_field(Decoder& d, std::string_view key, const YAML::Node& v,
                               const std::string& p, PolicyScope& out) {
  if (key == "selector") {
    decode_workload_selector(d, v, p, "matchLabels", out.selector.emplace());
    return true;
  }
  if (key == "targetRef") {
    decode_target_ref(d, v, p, out.target_ref.emplace());
    return true;
  }
  if (key == "targetRefs") {
    return d.list(v, p, out.target_refs,
                  [&](auto& n, auto& ip, auto& ref) { decode_target_ref(d, n, ip, ref); });
  }
  return false;
}

nlohmann::json yaml_to_json(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      nlohmann::json out = nlohmann::json::object();
      for (const auto& kv : node) {
        out[kv.first.IsScalar() ? kv.first.Scalar() : std::string()] = yaml_to_json(kv.second);
      }
      return out;
    }
    case YAML::NodeType::Sequence: {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& item : node) out.push_back(yaml_to_json(item));
      return out;
    }
    case YAML::NodeType::Scalar: {
      const std::string& text = node.Scalar();
      if (!is_plain(node)) return text;
      if (text == "null" || text == "Null" || text == "NULL" || text == "~") return nullptr;
      if (text == "true" || text == "True" || text == "TRUE") return true;
      if (text == "false" || text == "False" || text == "FALSE") return false;
      if (auto number = scalar_number(text)) return *number;
      return text;
    }
    default:
      return nullptr;
  }
}

bool decode_double(Decoder& d, const YAML::Node& node, const std::string& path,
                   std::optional<double>& out) {
  std::string text;
  if (!d.scalar(node, path, text)) return true;
  char* end = nullptr;
  errno = 0;
  double value = std::strtod(text.c_str(), &end);
  if (text.empty() || errno != 0 || end != text.c_str() + text.size() || !std::isfinite(value)) {
    d.error(node, path, "expected a number, got \"" + text + "\"");
    return true;
  }
  out = value;
  return true;
}

}  // namespace jib::mesh::detail
