// The invalid-object corpora of the mesh tests: each case is one object with something wrong,
// the field path one of its errors must name and a part of that error's message. One check
// serves them all: the object is rejected, the expected error is among the errors, and every
// error says where it is.
#pragma once

#include <gtest/gtest.h>

#include <cctype>
#include <ostream>
#include <string>
#include <string_view>

#include "mesh/api/parse.h"

namespace jib::mesh::testing {

struct InvalidCase {
  std::string name;
  std::string yaml;
  std::string field;
  std::string message;  // a part of the error's message
};

// One object of a kind for a corpus: "apiVersion: ..., kind: ..., metadata: {name, namespace}",
// then the rest (the spec) as given.
inline std::string object_yaml(std::string_view api_version, std::string_view kind,
                               std::string_view name, std::string_view ns, std::string_view rest) {
  std::string out = "apiVersion: ";
  out.append(api_version).append("\nkind: ").append(kind).append("\nmetadata: {name: ");
  out.append(name).append(", namespace: ").append(ns).append("}\n").append(rest);
  return out;
}

// gtest prints a parameter by its name rather than its bytes.
inline void PrintTo(const InvalidCase& c, std::ostream* os) { *os << c.name; }

// True when some error is at the field and its message contains the text.
inline bool has_error(const ConfigErrors& errors, std::string_view field, std::string_view text) {
  for (const auto& e : errors) {
    if (e.field == field && e.message.find(text) != std::string::npos) return true;
  }
  return false;
}

// Every error, one a line, for a failure message.
inline std::string describe(const ConfigErrors& errors) {
  std::string all;
  for (const auto& e : errors) all += "\n  " + e.str();
  return errors.empty() ? " none" : all;
}

// Parses and validates the case's YAML as `file`, and checks that the object is rejected, that
// an error names the case's field with its message, and that every error names the file and a
// line in it. Returns the result for checks of the caller's own.
inline ParseResult expect_invalid(const InvalidCase& c, const std::string& file = "bad.yaml") {
  SCOPED_TRACE(c.name);
  ParseResult r = parse_and_validate(c.yaml, file);
  EXPECT_TRUE(r.objects.empty()) << "object was accepted";
  EXPECT_FALSE(r.errors.empty()) << "no error";
  EXPECT_TRUE(has_error(r.errors, c.field, c.message))
      << "expected " << c.field << ": ..." << c.message << "... among:" << describe(r.errors);
  for (const auto& e : r.errors) {
    EXPECT_EQ(e.file, file);
    EXPECT_GT(e.line, 0) << e.str();
  }
  return r;
}

// One test per case: TEST_P on a fixture derived from InvalidCorpus, then
// INSTANTIATE_TEST_SUITE_P(Corpus, Fixture, ::testing::ValuesIn(kCases), case_name).
class InvalidCorpus : public ::testing::TestWithParam<InvalidCase> {};

// A case's name as a gtest parameter name: anything but letters and digits becomes '_'.
inline std::string case_name(const ::testing::TestParamInfo<InvalidCase>& info) {
  std::string name;
  for (char ch : info.param.name) name += std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
  return name;
}

}  // namespace jib::mesh::testing
