// Helpers for the analyzer tests: run every analyzer on YAML, and name findings compactly.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "mesh/analysis/analyzers.h"
#include "mesh/api/parse.h"

namespace jib::mesh::analysis::testing {

// Parses and validates the YAML as a.yaml (failing the test on an error), then runs every
// analyzer on the objects with the parser's field lines.
inline std::vector<Finding> run(std::string_view yaml, MeshConfig mesh = {}) {
  auto r = parse_and_validate(yaml, "a.yaml");
  EXPECT_TRUE(r.errors.empty()) << (r.errors.empty() ? "" : r.errors[0].str());
  auto state = std::make_shared<StoreState>();
  std::map<ConfigKey, FieldLines> lines;
  for (size_t i = 0; i < r.objects.size(); ++i) {
    const ConfigKey key = key_of(r.objects[i]);
    lines[key] = r.lines[i];
    state->objects[key] = std::make_shared<const ConfigObject>(r.objects[i]);
  }
  return analyze(Context(state, std::move(mesh), std::move(lines)));
}

// "CODE Kind ns/name field" for each finding, in order.
inline std::vector<std::string> codes(const std::vector<Finding>& findings) {
  std::vector<std::string> out;
  for (const auto& f : findings) out.push_back(f.code + " " + f.object.str() + " " + f.field);
  return out;
}

}  // namespace jib::mesh::analysis::testing
