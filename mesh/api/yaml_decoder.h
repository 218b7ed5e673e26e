// Internal to the parser: typed reads from yaml-cpp nodes that record errors, warnings and the
// line of every field instead of throwing, so that one pass reports every problem of a document.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mesh/api/config_error.h"
#include "mesh/api/virtual_service.h"

namespace jib::mesh::detail {

// Sets an optional to a default value and returns it. clang 14 rejects a bare emplace() for a
// struct nested in another whose members have default initialisers (the enclosing class counts
// as incomplete there); moving in a value built first compiles with GCC and clang alike.
template <typename T>
T& emplace_default(std::optional<T>& slot) {
  return slot.emplace(T{});
}

std::string join(const std::string& path, std::string_view key);
std::string index(const std::string& path, size_t i);

class Decoder {
 public:
  Decoder(std::string file, ConfigErrors* errors, ConfigErrors* warnings, FieldLines* lines)
      : file_(std::move(file)), errors_(errors), warnings_(warnings), lines_(lines) {}

  // The "Kind ns/name" that later errors and warnings name.
  void set_object(std::string object) { object_ = std::move(object); }
  // In strict mode a field this Jib does not know (likely from a newer Istio) is an error.
  void set_strict(bool strict) { strict_ = strict; }

  // A field the decoder does not know: an error in strict mode, else a warning naming it.
  void unknown_field(const YAML::Node& at, const std::string& field);

  void error(const YAML::Node& at, const std::string& field, std::string message);
  void warn(const YAML::Node& at, const std::string& field, std::string message);
  static int line_of(const YAML::Node& node);
  size_t error_count() const { return errors_->size(); }

  // Calls fn(key, value, path) for each field of a mapping; fn returns false for a key it does
  // not know, which is then warned about. Null values count as absent. Reports a non-mapping.
  template <typename Fn>
  void fields(const YAML::Node& node, const std::string& path, Fn&& fn) {
    if (!expect_map(node, path)) return;
    for (const auto& kv : node) {
      std::string key = kv.first.IsScalar() ? kv.first.Scalar() : std::string("?");
      std::string field = join(path, key);
      // The key's line: a nested block's own mark would be the line after the key.
      record(kv.first, field);
      if (kv.second.IsNull()) continue;
      if (!fn(std::string_view(key), kv.second, field)) {
        unknown_field(kv.first, field);
      }
    }
  }

  // Calls fn(item, path_i, out_i) for each item of a sequence, appending to out.
  template <typename T, typename Fn>
  bool list(const YAML::Node& node, const std::string& path, std::vector<T>& out, Fn&& fn) {
    if (!expect_sequence(node, path)) return true;
    for (size_t i = 0; i < node.size(); ++i) {
      std::string item = index(path, i);
      record(node[i], item);
      fn(node[i], item, out.emplace_back());
    }
    return true;
  }

  // Each reader returns true (so that it can end a field dispatch) and reports bad values.
  bool str(const YAML::Node& node, const std::string& path, std::string& out);
  bool str(const YAML::Node& node, const std::string& path, std::optional<std::string>& out);
  bool u32(const YAML::Node& node, const std::string& path, uint32_t& out);
  bool i32(const YAML::Node& node, const std::string& path, int32_t& out);
  bool u32(const YAML::Node& node, const std::string& path, std::optional<uint32_t>& out);
  bool u64(const YAML::Node& node, const std::string& path, uint64_t& out);
  bool f64(const YAML::Node& node, const std::string& path, std::optional<double>& out);
  bool boolean(const YAML::Node& node, const std::string& path, bool& out);
  bool boolean(const YAML::Node& node, const std::string& path, std::optional<bool>& out);
  bool duration(const YAML::Node& node, const std::string& path, std::optional<Duration>& out);
  bool strings(const YAML::Node& node, const std::string& path, std::vector<std::string>& out);
  bool string_map(const YAML::Node& node, const std::string& path,
                  std::map<std::string, std::string>& out);
  bool u32_map(const YAML::Node& node, const std::string& path,
               std::map<std::string, uint32_t>& out);
  bool string_match(const YAML::Node& node, const std::string& path, StringMatch& out);
  bool string_match(const YAML::Node& node, const std::string& path,
                    std::optional<StringMatch>& out);
  bool string_match_map(const YAML::Node& node, const std::string& path,
                        std::map<std::string, StringMatch>& out);

  // An enum by its Istio name.
  template <typename E>
  bool enumeration(const YAML::Node& node, const std::string& path,
                   std::initializer_list<std::pair<std::string_view, E>> names, E& out) {
    std::string text;
    if (!scalar(node, path, text)) return true;
    for (const auto& [name, value] : names) {
      if (name == text) {
        out = value;
        return true;
      }
    }
    std::string expected;
    for (const auto& [name, value] : names)
      expected += (expected.empty() ? "" : ", ") + std::string(name);
    error(node, path, "unknown value \"" + text + "\" (expected one of " + expected + ")");
    return true;
  }

  bool expect_map(const YAML::Node& node, const std::string& path);
  bool expect_sequence(const YAML::Node& node, const std::string& path);
  bool scalar(const YAML::Node& node, const std::string& path, std::string& out);
  void record(const YAML::Node& node, const std::string& path);

 private:
  ConfigError make(const YAML::Node& at, const std::string& field, std::string message) const;

  std::string file_;
  std::string object_;
  ConfigErrors* errors_;
  ConfigErrors* warnings_;
  FieldLines* lines_;
  bool strict_ = false;
};

}  // namespace jib::mesh::detail
