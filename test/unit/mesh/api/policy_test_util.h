// Helpers for the tests of the security, extension and telemetry kinds.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <variant>

#include "mesh/api/parse.h"
#include "test/unit/mesh/api/invalid_corpus.h"  // expect_invalid, for the kinds' corpora

namespace jib::mesh::testing {

// Parses (strictly: every field must be known) and validates one object of type T, failing the
// test on any error or warning.
template <typename T>
T parse_valid(const std::string& text, const char* file = "fixture.yaml") {
  ParseResult r = parse_and_validate(text, file, ParseOptions{.strict = true});
  for (const auto& e : r.errors) ADD_FAILURE() << e.str();
  for (const auto& w : r.warnings) ADD_FAILURE() << "warning: " << w.str();
  if (r.objects.size() != 1 || !std::holds_alternative<T>(r.objects[0])) {
    ADD_FAILURE() << "expected exactly one object of the kind, got " << r.objects.size();
    return T{};
  }
  T out = std::get<T>(r.objects[0]);
  out.meta.source = {};  // YAML and JSON differ in where the object starts
  return out;
}

}  // namespace jib::mesh::testing
