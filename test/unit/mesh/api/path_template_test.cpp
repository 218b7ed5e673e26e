// Istio's AuthorizationPolicy path templates: which values are templates, Envoy's form of one,
// and validation: every case of Istio's TestCheckValidPathTemplate (pkg/config/security), then
// what Jib refuses beyond Istio because Envoy cannot load it.
#include "mesh/api/path_template.h"

#include <gtest/gtest.h>

namespace jib::mesh {
namespace {

TEST(PathTemplate, TemplatesAreValuesWithOneOrAnyOperator) {
  EXPECT_TRUE(is_path_template("/foo/bar/{*}"));
  EXPECT_TRUE(is_path_template("/foo/{**}/bar"));
  EXPECT_TRUE(is_path_template("{*}/bar/{**}"));
  EXPECT_FALSE(is_path_template("/foo/bar/*"));  // Istio's prefix form
  EXPECT_FALSE(is_path_template("/foo/bar/{buzz}"));
  EXPECT_FALSE(is_path_template("/foo/{}"));
}

TEST(PathTemplate, EnvoysFormReplacesTheOperators) {
  EXPECT_EQ(envoy_path_template("/foo/bar/{*}"), "/foo/bar/*");
  EXPECT_EQ(envoy_path_template("/foo/{**}/bar.tmp"), "/foo/**/bar.tmp");
  EXPECT_EQ(envoy_path_template("/{*}/foo/{**}"), "/*/foo/**");
  EXPECT_EQ(envoy_path_template("/{*}/{*}/"), "/*/*/");
}

TEST(PathTemplate, IstioAcceptsTheseTemplates) {
  for (const char* path : {"/{*}/foo", "/{*}/foo/", "/foo/{**}/bar", "/foo/bar/{**}", "/{**}",
                           "/{*}", "/a=b/{*}", "/-._~%20!$&'()+,;:@=/{**}", "/foo/{*}/bar/{**}"}) {
    EXPECT_EQ(check_path_template(path), "") << path;
  }
  // Values without braces are not templates: their '*' forms are checked elsewhere.
  EXPECT_EQ(check_path_template("/foo/*"), "");
}

TEST(PathTemplate, IstioRefusesTheseTemplates) {
  const std::pair<const char*, const char*> cases[] = {
      {"/foo/{**}buzz/bar", "segment \"{**}buzz\": '{' and '}' are only allowed as the whole"},
      {"/{*}/foo/{}/bar", "segment \"{}\": '{' and '}' are only allowed"},
      {"/foo/{*}/bar/*", "segment \"*\" has '*': text segments of a template allow letters"},
      {"/foo/{*}/bar/**/buzz", "segment \"**\" has '*'"},
      {"/foo/{buzz}/bar", "'{' and '}' are only allowed in the path templates {*} and {**}"},
      {"/{buzz}", "'{' and '}' are only allowed in the path templates"},
      {"/foo/{buzz}/bar/{**}", "segment \"{buzz}\": '{' and '}'"},
      {"/foo/{buzz=*}/bar/{**}", "segment \"{buzz=*}\""},
      {"/{*}/foo/{buzz=**}/bar", "segment \"{buzz=**}\""},
      {"/{*}/foo/{**}bar", "segment \"{**}bar\""},
      {"/{*}/foo/{*}.txt", "segment \"{*}.txt\""},
      {"/{*}/foo/{temp", "segment \"{temp\""},
      {"/{*}/foo/temp}/bar", "segment \"temp}\""},
      {"/{*}/foo/temp}/*", "segment \"temp}\""},
      {"/{**}/foo/temp/{*}/bar", "{**} must be the last operator: only text may follow it"},
      {"/{**}/{**}", "{**} must be the last operator"},
      {"/{**}/foo/temp/{**}/bar", "{**} must be the last operator"},
      {"/{*}/foo/?abc", "segment \"?abc\" has '?'"},
      {"/{*}/a b", "segment \"a b\" has ' '"},
      {"/api/{*}*", "segment \"{*}*\""},
      {"*/{**}", "a path template must start with '/'"},
  };
  for (const auto& [path, reason] : cases) {
    EXPECT_NE(check_path_template(path).find(reason), std::string::npos)
        << path << ": " << check_path_template(path);
  }
}

// Istio passes these and Envoy 1.36 aborts on them (an RBAC uri_template it cannot parse), or
// refuses them (longer than 256 characters).
TEST(PathTemplate, JibAlsoRefusesWhatEnvoyCannotLoad) {
  EXPECT_EQ(check_path_template("foo/bar/{*}"), "a path template must start with '/'");
  EXPECT_EQ(check_path_template("{**}"), "a path template must start with '/'");
  for (const char* path : {"//{*}", "/{*}//", "/a//{**}", "/{**}//"}) {
    EXPECT_EQ(check_path_template(path),
              "empty segment (\"//\"): segments are separated by a single '/'")
        << path;
  }
  const std::string longest = "/" + std::string(253, 'a') + "/{*}";  // 256 in Envoy's form
  EXPECT_EQ(check_path_template(longest), "");
  EXPECT_EQ(check_path_template(longest + "/"),
            "Envoy takes templates of at most 256 characters, this one has 257");
}

}  // namespace
}  // namespace jib::mesh
