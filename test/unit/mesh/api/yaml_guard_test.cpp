// Input that hangs yaml-cpp 0.7 (found by the fuzzer) is refused with a located error, and
// ordinary YAML and JSON pass the guard untouched.
#include "mesh/api/yaml_guard.h"

#include <gtest/gtest.h>

#include "mesh/api/mesh_config.h"
#include "mesh/api/parse.h"

namespace jib::mesh {
namespace {

TEST(YamlGuard, RefusesContentAfterAFlowRoot) {
  for (const char* text : {"{},", "[],", "{} ,", "{}\n,", "\"x\",", "{a: 1},\nb: 2", ",", "- a\n,",
                           "&x ,", "---\n,", "{\"kind\": \"Service\"},\n{\"kind\": \"Pod\"}"}) {
    auto r = parse_yaml(text, "g.yaml");
    ASSERT_EQ(r.errors.size(), 1u) << text;
    EXPECT_NE(r.errors[0].message.find("stray ','"), std::string::npos);
    EXPECT_GT(r.errors[0].line, 0);
  }
  EXPECT_FALSE(parse_mesh_config("{},", "m.yaml").ok());
}

TEST(YamlGuard, LetsOrdinaryDocumentsThrough) {
  for (const char* text :
       {"a: 1\n", "{\"a\": \"}{,\"}\n", "{a: 1}\n---\n[b]\n...\n", "\"key\": 1\nb: 2\n",
        "# c\n{a: \"x\\\"}\"} # comment, with comma\n", "- {}\n- [],\n", "a: {},\n",
        "'it''s': {x: 'y,}'}\n", "{a: it's}\n", "[a]: b\n", "%YAML 1.2\n---\n{}\n",
        "{\"a\": 1\n,\"b\": 2}\n", "a: [\n]\n", "- \n- \n- \n"}) {
    EXPECT_FALSE(detail::find_yaml_hazard(text).has_value()) << text;
  }
}

}  // namespace
}  // namespace jib::mesh
