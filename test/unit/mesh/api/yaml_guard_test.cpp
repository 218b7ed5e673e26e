// Input that hangs yaml-cpp 0.7 (found by the fuzzer), alias bombs and deep nesting are refused
// with a located error, and ordinary YAML and JSON pass the guard untouched.
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

// Nine levels of ten aliases each: ~10^9 nodes from a few hundred bytes, in a WasmPlugin's
// free-form pluginConfig as the attack that found it.
std::string alias_bomb() {
  std::string text =
      "apiVersion: extensions.istio.io/v1alpha1\nkind: WasmPlugin\n"
      "metadata: {name: bomb, namespace: default}\nspec:\n  url: oci://x/y\n  pluginConfig:\n"
      "    a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
  for (int i = 1; i <= 9; ++i) {
    const std::string prev = "*a" + std::to_string(i - 1);
    text += "    a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int j = 0; j < 10; ++j) text += (j ? ", " : "") + prev;
    text += "]\n";
  }
  return text;
}

std::string nested(size_t depth) {
  return "a: " + std::string(depth, '[') + std::string(depth, ']') + "\n";
}

TEST(YamlGuard, RefusesAliasBombsWithTheirLine) {
  const std::string bomb = alias_bomb();
  ASSERT_LT(bomb.size(), 1000u);
  auto r = parse_and_validate(bomb, "bomb.yaml");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_TRUE(r.objects.empty());
  EXPECT_EQ(r.errors[0].file, "bomb.yaml");
  EXPECT_NE(r.errors[0].message.find("aliases are expanded"), std::string::npos)
      << r.errors[0].message;
  EXPECT_GE(r.errors[0].line, 7);  // somewhere in the alias levels, not at the top
  EXPECT_FALSE(parse_mesh_config(bomb.substr(bomb.find("    a0")), "m.yaml").ok());
}

TEST(YamlGuard, CountsAliasesAsTheirWholeAnchor) {
  // Root map, key, list of 10 (11 nodes): 13; then 8 keys with an alias to the list: 8 * 12.
  std::string text = "a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n";
  for (int i = 0; i < 8; ++i) text += "b" + std::to_string(i) + ": *a\n";
  detail::YamlLimits limits;
  limits.max_nodes = 109;
  EXPECT_FALSE(detail::find_yaml_hazard(text, limits).has_value());
  limits.max_nodes = 108;
  EXPECT_TRUE(detail::find_yaml_hazard(text, limits).has_value());
}

TEST(YamlGuard, RefusesNestingDeeperThanTheLimit) {
  EXPECT_FALSE(detail::find_yaml_hazard(nested(99)).has_value());  // 100 with the root map
  auto deep = detail::find_yaml_hazard(nested(100));
  ASSERT_TRUE(deep.has_value());
  EXPECT_NE(deep->message.find("deeper than 100"), std::string::npos) << deep->message;
  // Far deeper than any stack would take, refused just as quickly.
  EXPECT_TRUE(detail::find_yaml_hazard(nested(200'000)).has_value());
}

TEST(YamlGuard, LetsModestAliasUseThrough) {
  // Merge keys and shared lists, as hand-written config uses them.
  const char* text =
      "base: &base {timeout: 5s, retries: {attempts: 3}}\n"
      "one: {<<: *base, name: one}\ntwo: {<<: *base, name: two}\n"
      "hosts: &hosts [a, b, c]\nmore: [*hosts, *hosts]\n";
  EXPECT_FALSE(detail::find_yaml_hazard(text).has_value());
}

}  // namespace
}  // namespace jib::mesh
