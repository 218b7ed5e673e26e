// A problem found in a config object, precise enough for a user to find and fix it.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace jib::mesh {

struct ConfigError {
  std::string file;     // empty for objects from the API server
  int line = 0;         // 1-based; 0 when unknown
  std::string object;   // "Kind ns/name"; empty when the document has no usable identity
  std::string field;    // path such as spec.http[0].route[1].weight; empty for the whole object
  std::string message;  // what is wrong, in a form that needs no further context
  // "file:line: Kind ns/name: field: message", leaving out the parts that are empty.
  std::string str() const;
  bool operator==(const ConfigError&) const = default;
};

using ConfigErrors = std::vector<ConfigError>;

// Field path -> 1-based line of that field in its source document. Lets validation, which works
// on typed values, still point at the line of the offending field.
using FieldLines = std::map<std::string, int>;

}  // namespace jib::mesh
