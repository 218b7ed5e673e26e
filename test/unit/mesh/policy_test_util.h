// Helpers for the tests of the security, extension and telemetry kinds.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <variant>

#include "mesh/parse.h"

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

// One invalid object with the field path and a part of the message its error must carry.
struct InvalidCase {
  const char* name;
  const char* yaml;
  const char* field;
  const char* message;
};

// Checks that some error names the field and contains the message, and that the object is
// rejected.
inline void expect_invalid(const InvalidCase& c) {
  SCOPED_TRACE(c.name);
  ParseResult r = parse_and_validate(c.yaml, "bad.yaml");
  EXPECT_TRUE(r.objects.empty()) << "object was accepted";
  bool found = false;
  std::string all;
  for (const auto& e : r.errors) {
    all += "\n  " + e.str();
    if (e.field == c.field && e.message.find(c.message) != std::string::npos) found = true;
  }
  EXPECT_TRUE(found) << "expected " << c.field << ": ..." << c.message << "... among:" << all;
  // Every error names where it is.
  for (const auto& e : r.errors) {
    EXPECT_EQ(e.file, "bad.yaml");
    EXPECT_GT(e.line, 0) << e.str();
  }
}

}  // namespace jib::mesh::testing
