// No silent no-ops: every field an Istio decoder accepts is either applied (field_coverage_table)
// or listed as unapplied (mesh/api/unapplied_fields.cpp). The fixtures in testdata/all_fields set
// every field; the decoders' sources say which fields those are, so a new key without a fixture
// fails here too.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "mesh/api/mesh_config_internal.h"
#include "mesh/api/parse.h"
#include "mesh/api/unapplied_fields.h"
#include "mesh/api/validate.h"
#include "test/unit/mesh/api/field_coverage_table.h"

namespace jib::mesh::coverage {
namespace {

const std::filesystem::path kSourceDir = JIB_SOURCE_DIR;

std::string read(const std::filesystem::path& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in) << "cannot read " << path;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

bool starts_under(const std::string& path, const std::string& prefix) {
  return path.size() > prefix.size() && path.starts_with(prefix) &&
         (path[prefix.size()] == '.' || path[prefix.size()] == '[');
}

bool at_or_under(const std::string& path, const std::string& prefix) {
  return prefix.empty() || path == prefix || starts_under(path, prefix);
}

std::string strip_trailing_index(std::string path) {
  while (path.ends_with("[]")) path.resize(path.size() - 2);
  return path;
}

bool is_refused(const KindCoverage& kind, const std::string& field);

// The recorded paths of every object of a kind's fixtures, as parsed in strict mode.
std::vector<std::string> recorded_paths(const KindCoverage& kind) {
  std::vector<std::string> out;
  for (const auto& name : kind.fixtures) {
    const auto file = kSourceDir / "test/unit/mesh/api/testdata/all_fields" / name;
    ParseResult parsed = parse_yaml(read(file), name, ParseOptions{.strict = true});
    for (const auto& e : parsed.errors) ADD_FAILURE() << e.str();
    for (const auto& w : parsed.warnings) ADD_FAILURE() << "unexpected warning: " << w.str();
    EXPECT_FALSE(parsed.objects.empty()) << name << " has no object";
    for (size_t i = 0; i < parsed.objects.size(); ++i) {
      for (const auto& e : validate(parsed.objects[i], &parsed.lines[i])) {
        if (!is_refused(kind, e.field)) ADD_FAILURE() << e.str();
      }
      const auto* config_map = std::get_if<ConfigMap>(&parsed.objects[i]);
      if (kind.kind != "MeshConfig") {
        EXPECT_EQ(kind_name(parsed.objects[i]), kind.kind) << name;
        for (const auto& [path, line] : parsed.lines[i]) out.push_back(path);
        continue;
      }
      // MeshConfig is the mesh key of the istio ConfigMap; its fields are those of that text.
      if (config_map == nullptr) {
        ADD_FAILURE() << name << ": MeshConfig fixtures hold the istio ConfigMap";
        continue;
      }
      MeshConfigResult mesh = mesh_config_from_config_map(*config_map);
      for (const auto& e : mesh.errors) ADD_FAILURE() << e.str();
      for (const auto& w : mesh.warnings) ADD_FAILURE() << "unexpected warning: " << w.str();
      ConfigErrors errors;
      ConfigErrors warnings;
      FieldLines lines;
      detail::Decoder d(name, &errors, &warnings, &lines);
      d.set_strict(true);
      MeshConfig config;
      detail::decode_mesh_config(d, YAML::Load(config_map->data.at("mesh")), config);
      for (const auto& e : errors) ADD_FAILURE() << e.str();
      for (const auto& [path, line] : lines) out.push_back(path);
    }
  }
  return out;
}

// The paths of one kind's fixtures in the forms the checks compare.
struct Paths {
  std::set<std::string> shapes;     // indexes as [], map keys as *: "spec.a[].labels.*"
  std::set<std::string> canonical;  // maps cut at the map, aliases resolved, no trailing []
  std::set<std::string> leaves;     // canonical paths that have no recorded child
};

std::string shape_of(const std::string& recorded, const std::vector<std::string>& maps) {
  static const std::regex kIndex(R"re(\[[0-9]+\])re");
  std::string path = std::regex_replace(recorded, kIndex, "[]");
  for (const auto& map : maps) {
    if (!path.starts_with(map + ".")) continue;
    const size_t key = map.size() + 1;
    const size_t end = path.find_first_of(".[", key);
    path.replace(key, end == std::string::npos ? std::string::npos : end - key, "*");
  }
  return path;
}

std::string canonical_of(std::string shape, const std::vector<std::string>& maps) {
  for (const auto& map : maps) {
    if (starts_under(shape, map)) shape = map;
  }
  for (const auto& [alias, name] : field_aliases()) {
    for (size_t at = 0; (at = shape.find(alias, at)) != std::string::npos; at += name.size()) {
      const bool whole = (at == 0 || shape[at - 1] == '.') &&
                         (at + alias.size() == shape.size() ||
                          std::string(".[").find(shape[at + alias.size()]) != std::string::npos);
      if (whole) shape.replace(at, alias.size(), name);
    }
  }
  return strip_trailing_index(shape);
}

bool is_refused(const KindCoverage& kind, const std::string& field) {
  const std::string path = canonical_of(shape_of(field, kind.maps), kind.maps);
  return std::find(kind.refused.begin(), kind.refused.end(), path) != kind.refused.end();
}

Paths paths_of(const KindCoverage& kind) {
  Paths out;
  for (const auto& recorded : recorded_paths(kind)) {
    if (recorded.empty()) continue;
    const std::string shape = shape_of(recorded, kind.maps);
    out.shapes.insert(shape);
    out.canonical.insert(canonical_of(shape, kind.maps));
  }
  for (const auto& path : out.canonical) {
    auto next = out.canonical.upper_bound(path);
    if (next == out.canonical.end() || !starts_under(*next, path)) out.leaves.insert(path);
  }
  return out;
}

bool in_unapplied_table(const std::string& kind, const std::string& path) {
  for (const auto& row : unapplied_field_table()) {
    if (row.kind == kind && at_or_under(path, strip_trailing_index(row.path))) return true;
  }
  return false;
}

TEST(FieldCoverage, EveryParsedFieldIsAppliedOrListedAsUnapplied) {
  for (const auto& kind : kind_coverage()) {
    const Paths paths = paths_of(kind);
    const std::set<std::string> applied(kind.applied.begin(), kind.applied.end());
    std::set<std::string> covered;
    for (const auto& c : kind.covered_by_value) covered.insert(c.path);
    for (const auto& leaf : paths.leaves) {
      EXPECT_TRUE(applied.contains(leaf) || covered.contains(leaf) || is_refused(kind, leaf) ||
                  in_unapplied_table(kind.kind, leaf))
          << kind.kind << " " << leaf
          << ": neither applied nor in unapplied_field_table(); add it to the applied fields in "
             "test/unit/mesh/api/field_coverage_table.cpp if a generator reads it, else to "
             "mesh/api/unapplied_fields.cpp";
    }
  }
}

TEST(FieldCoverage, TableNamesOnlyFieldsTheFixturesSet) {
  for (const auto& kind : kind_coverage()) {
    const Paths paths = paths_of(kind);
    for (const auto& path : kind.applied) {
      EXPECT_TRUE(paths.canonical.contains(path))
          << kind.kind << " " << path << ": listed as applied but no fixture sets it";
    }
    for (const auto& map : kind.maps) {
      EXPECT_TRUE(paths.canonical.contains(map))
          << kind.kind << " " << map << ": listed as a map but no fixture sets it";
    }
    for (const auto& c : kind.covered_by_value) {
      EXPECT_TRUE(paths.canonical.contains(c.path)) << kind.kind << " " << c.path;
      const auto& table = unapplied_field_table();
      EXPECT_TRUE(std::any_of(table.begin(), table.end(),
                              [&](const UnappliedField& row) {
                                return row.kind == kind.kind && row.path == c.row_path &&
                                       !row.values.empty();
                              }))
          << kind.kind << " " << c.path << ": " << c.row_path
          << " is no unapplied row for some values";
    }
  }
}

// The keys a decoder source dispatches on, and its literals that are no key.
struct DecoderLiterals {
  std::set<std::string> keys;
  std::set<std::string> unexplained;
};

std::set<std::string> matches(const std::string& text, const std::regex& re) {
  std::set<std::string> out;
  for (std::sregex_iterator it(text.begin(), text.end(), re), end; it != end; ++it) {
    out.insert((*it)[1]);
  }
  return out;
}

DecoderLiterals literals_of(const std::string& file) {
  // A message split over lines is one literal.
  const std::string text =
      std::regex_replace(read(kSourceDir / "mesh/api" / file), std::regex(R"re("\s*\n\s*")re"), "");
  // The dispatch spellings: `key == "x"` (or k, kk, hk, lk, f, kind; also !=), a key list
  // walked with `for (std::string_view k : {...})`, and the selector's labels key argument.
  DecoderLiterals out;
  out.keys = matches(text, std::regex(R"re(\b(?:key|k|kk|hk|lk|f|kind)\s*[!=]=\s*"([^"]+)")re"));
  for (const auto& list :
       matches(text, std::regex(R"re(for \(std::string_view \w+ : \{([^}]*)\})re")))
    for (const auto& key : matches(list, std::regex(R"re("([^"]+)")re"))) out.keys.insert(key);
  for (const auto& key : matches(
           text, std::regex(R"re(decode_workload_selector\(\s*d,\s*\w+,\s*\w+,\s*"(\w+)")re"))) {
    out.keys.insert(key);
  }
  // Any other one-word literal may be a key read in a way the patterns above miss. Known
  // non-keys: enumeration values, the "spec" root, YAML's spellings of booleans and null.
  const std::set<std::string> enums = matches(text, std::regex(R"re(\{"(\w+)",\s*[\w:]+\})re"));
  const std::set<std::string> known = {"spec",  "true",  "True", "TRUE", "false",
                                       "False", "FALSE", "null", "Null", "NULL"};
  for (const auto& word : matches(text, std::regex(R"re("([A-Za-z_]\w*)")re"))) {
    if (!out.keys.contains(word) && !enums.contains(word) && !known.contains(word)) {
      out.unexplained.insert(word);
    }
  }
  return out;
}

std::set<std::string> segments_of(const std::set<std::string>& shapes) {
  std::set<std::string> out;
  for (const auto& shape : shapes) {
    std::stringstream in(shape);
    for (std::string segment; std::getline(in, segment, '.');) {
      out.insert(strip_trailing_index(segment));
    }
  }
  return out;
}

TEST(FieldCoverage, FixturesSetEveryKeyTheDecodersAccept) {
  for (const auto& kind : kind_coverage()) {
    const std::set<std::string> segments = segments_of(paths_of(kind).shapes);
    for (const auto& file : kind.decoders) {
      const DecoderLiterals literals = literals_of(file);
      for (const auto& key : literals.keys) {
        EXPECT_TRUE(segments.contains(key))
            << file << " accepts \"" << key << "\" but no fixture sets it (" << kind.kind << ")";
      }
      for (const auto& word : literals.unexplained) {
        ADD_FAILURE() << file << ": \"" << word << "\" is neither a key this test finds nor an "
                      << "enumeration value; if the decoder dispatches on it in a new way, teach "
                         "literals_of() that spelling";
      }
    }
  }
}

// The key patterns find keys: a miss there would pass every decoder vacuously.
TEST(FieldCoverage, KeyPatternsFindTheDecodersKeys) {
  EXPECT_TRUE(literals_of("decode_http_route.cpp").keys.contains("mirror_percent"));
  const DecoderLiterals mesh = literals_of("mesh_config_decode.cpp");
  EXPECT_TRUE(mesh.keys.contains("envoyOtelAls")) << "from the provider kind list";
  EXPECT_TRUE(mesh.keys.contains("probes")) << "from `f == \"probes\"`";
  EXPECT_TRUE(literals_of("decode_service_entry.cpp").keys.contains("labels"))
      << "from the selector's labels key";
}

}  // namespace
}  // namespace jib::mesh::coverage
