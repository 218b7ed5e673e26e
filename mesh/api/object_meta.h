// Identity and provenance shared by every config object.
#pragma once

#include <compare>
#include <cstdint>
#include <map>
#include <string>

namespace jib::mesh {

using Labels = std::map<std::string, std::string>;

// Where an object came from, so that every error can name file and line.
struct SourceLocation {
  std::string file;  // empty for objects from the API server
  int line = 0;      // 1-based line of the document's first line; 0 when unknown
  bool operator==(const SourceLocation&) const = default;
};

struct ObjectMeta {
  std::string name;
  std::string ns = "default";
  Labels labels;
  Labels annotations;
  std::string resource_version;
  // RFC 3339 as the API server writes it ("2024-05-01T10:00:00Z"), so that text order is time
  // order; empty for objects from files. Istio lets the oldest of conflicting objects win.
  std::string creation_timestamp;
  SourceLocation source;
  bool operator==(const ObjectMeta&) const = default;
};

// Key of an object in the store: kind as Istio names it ("VirtualService"), namespace, name.
struct ConfigKey {
  std::string kind;
  std::string ns;
  std::string name;
  auto operator<=>(const ConfigKey&) const = default;
  // "Kind namespace/name", the form used in every error and log line.
  std::string str() const { return kind + " " + ns + "/" + name; }
};

// True when every selector label is present with the same value in labels.
inline bool labels_match(const Labels& selector, const Labels& labels) {
  for (const auto& [k, v] : selector) {
    auto it = labels.find(k);
    if (it == labels.end() || it->second != v) return false;
  }
  return true;
}

}  // namespace jib::mesh
