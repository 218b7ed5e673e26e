#include "mesh/api/yaml_decoder.h"

#include <charconv>
#include <limits>

#include "mesh/api/duration.h"

namespace jib::mesh::detail {
namespace {

// Reads a decimal integer; protobuf's JSON form also allows integers as quoted strings, which
// yaml-cpp hands over as the same scalar.
template <typename T>
bool parse_int(const std::string& text, T& out) {
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return false;
  if (value < std::numeric_limits<T>::min() || value > std::numeric_limits<T>::max()) {
    return false;
  }
  out = static_cast<T>(value);
  return true;
}

}  // namespace

std::string join(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

std::string index(const std::string& path, size_t i) {
  return path + "[" + std::to_string(i) + "]";
}

int Decoder::line_of(const YAML::Node& node) {
  if (!node.IsDefined()) return 0;
  auto mark = node.Mark();
  return mark.is_null() ? 0 : mark.line + 1;
}

ConfigError Decoder::make(const YAML::Node& at, const std::string& field,
                          std::string message) const {
  return ConfigError{file_, line_of(at), object_, field, std::move(message)};
}

void Decoder::error(const YAML::Node& at, const std::string& field, std::string message) {
  errors_->push_back(make(at, field, std::move(message)));
}

void Decoder::warn(const YAML::Node& at, const std::string& field, std::string message) {
  warnings_->push_back(make(at, field, std::move(message)));
}

void Decoder::unknown_field(const YAML::Node& at, const std::string& field) {
  if (strict_) {
    error(at, field, "unknown field (not in the Istio API this Jib knows)");
  } else {
    warn(at, field, "unknown field, ignored");
  }
}

void Decoder::record(const YAML::Node& node, const std::string& path) {
  int line = line_of(node);
  if (lines_ != nullptr && line > 0) lines_->emplace(path, line);
}

bool Decoder::expect_map(const YAML::Node& node, const std::string& path) {
  if (node.IsMap()) return true;
  if (!node.IsNull()) error(node, path, "expected an object");
  return false;
}

bool Decoder::expect_sequence(const YAML::Node& node, const std::string& path) {
  if (node.IsSequence()) return true;
  if (!node.IsNull()) error(node, path, "expected a list");
  return false;
}

bool Decoder::scalar(const YAML::Node& node, const std::string& path, std::string& out) {
  if (!node.IsScalar()) {
    error(node, path, "expected a single value");
    return false;
  }
  out = node.Scalar();
  return true;
}

bool Decoder::str(const YAML::Node& node, const std::string& path, std::string& out) {
  scalar(node, path, out);
  return true;
}

bool Decoder::str(const YAML::Node& node, const std::string& path,
                  std::optional<std::string>& out) {
  std::string value;
  if (scalar(node, path, value)) out = std::move(value);
  return true;
}

bool Decoder::u32(const YAML::Node& node, const std::string& path, uint32_t& out) {
  std::string text;
  if (!scalar(node, path, text)) return true;
  // Read wider than the target so that 70000 for a port reaches validation with its value.
  int64_t value = 0;
  if (!parse_int(text, value) || value < 0 || value > std::numeric_limits<uint32_t>::max()) {
    error(node, path, "expected a non-negative integer, got \"" + text + "\"");
    return true;
  }
  out = static_cast<uint32_t>(value);
  return true;
}

bool Decoder::i32(const YAML::Node& node, const std::string& path, int32_t& out) {
  std::string text;
  if (!scalar(node, path, text)) return true;
  if (!parse_int(text, out)) error(node, path, "expected an integer, got \"" + text + "\"");
  return true;
}

bool Decoder::u32(const YAML::Node& node, const std::string& path, std::optional<uint32_t>& out) {
  uint32_t value = 0;
  size_t before = error_count();
  u32(node, path, value);
  if (error_count() == before) out = value;
  return true;
}

bool Decoder::u64(const YAML::Node& node, const std::string& path, uint64_t& out) {
  std::string text;
  if (!scalar(node, path, text)) return true;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  if (ec != std::errc() || end != text.data() + text.size()) {
    error(node, path, "expected a non-negative integer, got \"" + text + "\"");
  }
  return true;
}

bool Decoder::f64(const YAML::Node& node, const std::string& path, std::optional<double>& out) {
  std::string text;
  if (!scalar(node, path, text)) return true;
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    error(node, path, "expected a number, got \"" + text + "\"");
    return true;
  }
  out = value;
  return true;
}

bool Decoder::boolean(const YAML::Node& node, const std::string& path, bool& out) {
  std::string text;
  if (!scalar(node, path, text)) return true;
  if (text == "true" || text == "True" || text == "TRUE") {
    out = true;
  } else if (text == "false" || text == "False" || text == "FALSE") {
    out = false;
  } else {
    error(node, path, "expected true or false, got \"" + text + "\"");
  }
  return true;
}

bool Decoder::boolean(const YAML::Node& node, const std::string& path, std::optional<bool>& out) {
  bool value = false;
  size_t before = error_count();
  boolean(node, path, value);
  if (error_count() == before) out = value;
  return true;
}

bool Decoder::duration(const YAML::Node& node, const std::string& path,
                       std::optional<Duration>& out) {
  std::string text;
  if (!scalar(node, path, text)) return true;
  auto parsed = parse_duration(text);
  if (!parsed) {
    error(node, path, "invalid duration \"" + text + "\" (expected e.g. 1s, 500ms, 1.5s, 1m)");
    return true;
  }
  out = *parsed;
  return true;
}

bool Decoder::strings(const YAML::Node& node, const std::string& path,
                      std::vector<std::string>& out) {
  return list(node, path, out, [&](const YAML::Node& item, const std::string& p, std::string& s) {
    str(item, p, s);
  });
}

bool Decoder::string_map(const YAML::Node& node, const std::string& path,
                         std::map<std::string, std::string>& out) {
  if (!expect_map(node, path)) return true;
  for (const auto& kv : node) {
    std::string key = kv.first.Scalar();
    std::string field = join(path, key);
    record(kv.first, field);
    // An empty label value is legal and yaml-cpp reads it as null.
    if (kv.second.IsNull()) {
      out[key] = "";
    } else {
      str(kv.second, field, out[key]);
    }
  }
  return true;
}

bool Decoder::u32_map(const YAML::Node& node, const std::string& path,
                      std::map<std::string, uint32_t>& out) {
  if (!expect_map(node, path)) return true;
  for (const auto& kv : node) {
    std::string field = join(path, kv.first.Scalar());
    record(kv.first, field);
    u32(kv.second, field, out[kv.first.Scalar()]);
  }
  return true;
}

bool Decoder::string_match(const YAML::Node& node, const std::string& path, StringMatch& out) {
  if (!expect_map(node, path)) return true;
  int kinds = 0;
  fields(node, path, [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    std::string value;
    if (key == "exact") {
      out = ExactMatch{};
    } else if (key == "prefix") {
      out = PrefixMatch{};
    } else if (key == "regex") {
      out = RegexMatch{};
    } else {
      return false;
    }
    ++kinds;
    scalar(v, p, value);
    std::visit([&](auto& m) { m.value = value; }, out);
    return true;
  });
  if (kinds != 1) error(node, path, "exactly one of exact, prefix or regex is required");
  return true;
}

bool Decoder::string_match(const YAML::Node& node, const std::string& path,
                           std::optional<StringMatch>& out) {
  StringMatch match;
  size_t before = error_count();
  string_match(node, path, match);
  if (error_count() == before) out = std::move(match);
  return true;
}

bool Decoder::string_match_map(const YAML::Node& node, const std::string& path,
                               std::map<std::string, StringMatch>& out) {
  if (!expect_map(node, path)) return true;
  for (const auto& kv : node) {
    std::string field = join(path, kv.first.Scalar());
    record(kv.first, field);
    // Istio treats an empty match ({} or null) as "header present"; kept as an empty prefix.
    if (kv.second.IsNull() || (kv.second.IsMap() && kv.second.size() == 0)) {
      out[kv.first.Scalar()] = PrefixMatch{};
      continue;
    }
    string_match(kv.second, field, out[kv.first.Scalar()]);
  }
  return true;
}

}  // namespace jib::mesh::detail
