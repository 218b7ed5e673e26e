#include "mesh/analysis/finding.h"

namespace jib::mesh::analysis {

std::string_view level_name(Finding::Level level) {
  switch (level) {
    case Finding::Level::kInfo:
      return "Info";
    case Finding::Level::kWarning:
      return "Warning";
    case Finding::Level::kError:
      return "Error";
  }
  return "Warning";
}

std::string Finding::str() const {
  std::string out;
  if (!file.empty()) out += file + (line > 0 ? ":" + std::to_string(line) : "") + ": ";
  out += std::string(level_name(level)) + " [" + code + "] ";
  if (!object.kind.empty()) out += "(" + object.str() + ") ";
  if (!field.empty()) out += field + ": ";
  return out + message;
}

}  // namespace jib::mesh::analysis
