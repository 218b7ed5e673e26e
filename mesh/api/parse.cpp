#include "mesh/api/parse.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>

#include "mesh/api/kind_registry.h"
#include "mesh/api/validate.h"
#include "mesh/api/yaml_decoder.h"
#include "mesh/api/yaml_guard.h"

namespace jib::mesh {
namespace {

using detail::Decoder;

// Server-set metadata that a file exported from a cluster carries; meaningless here.
bool is_server_metadata(std::string_view key) {
  static constexpr std::array<std::string_view, 9> kKeys = {
      "uid",           "creationTimestamp", "generation",
      "managedFields", "selfLink",          "ownerReferences",
      "finalizers",    "deletionTimestamp", "generateName"};
  for (auto k : kKeys) {
    if (k == key) return true;
  }
  return false;
}

std::string scalar_or_empty(const YAML::Node& node) {
  return node.IsDefined() && node.IsScalar() ? node.Scalar() : std::string();
}

void decode_metadata(Decoder& d, const YAML::Node& node, ObjectMeta& meta) {
  d.fields(node, "metadata", [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (key == "name") return d.str(v, p, meta.name);
    if (key == "namespace") return d.str(v, p, meta.ns);
    if (key == "labels") return d.string_map(v, p, meta.labels);
    if (key == "annotations") return d.string_map(v, p, meta.annotations);
    if (key == "resourceVersion") return d.str(v, p, meta.resource_version);
    if (key == "creationTimestamp") return d.str(v, p, meta.creation_timestamp);
    return is_server_metadata(key);
  });
}

void parse_document(const YAML::Node& doc, const std::string& file, const ParseOptions& options,
                    ParseResult& result) {
  FieldLines lines;
  Decoder d(file, &result.errors, &result.warnings, &lines);
  d.set_strict(options.strict);
  const size_t errors_before = result.errors.size();
  if (!doc.IsMap()) {
    d.error(doc, "", "document is not an object");
    return;
  }
  const std::string kind = scalar_or_empty(doc["kind"]);
  const std::string api_version = scalar_or_empty(doc["apiVersion"]);
  const std::string_view group = group_of(api_version);
  lines[""] = Decoder::line_of(doc);
  const KindInfo* info = find_kind(kind, group);
  // A known kind name under a foreign group (Gateway API's Gateway) is someone else's object;
  // under an empty or known group it is ours with a wrong apiVersion.
  const bool ours = info != nullptr || (is_known_kind_name(kind) && is_known_group(group));
  if (!ours) {
    const YAML::Node metadata = doc["metadata"];
    const std::string name = metadata.IsMap() ? scalar_or_empty(metadata["name"]) : "";
    d.set_object(name.empty() ? kind : kind + " " + name);
    if (kind.empty()) {
      d.error(doc, "kind", "required");
    } else {
      d.warn(doc["kind"], "kind", "unknown kind " + kind + ", object ignored");
    }
    return;
  }
  ObjectMeta meta;
  YAML::Node metadata = doc["metadata"];
  if (metadata.IsDefined() && !metadata.IsNull()) decode_metadata(d, metadata, meta);
  // An empty namespace in YAML means the default one, as kubectl reads it.
  if (meta.ns.empty()) meta.ns = "default";
  // Metadata first, so that body errors already name the object.
  d.set_object(kind + " " + meta.ns + "/" + meta.name);
  for (const auto& kv : doc) {
    const std::string key = kv.first.Scalar();
    d.record(kv.first, key);
    if (key == "apiVersion" || key == "kind" || key == "metadata" || key == "status") continue;
    if (info == nullptr || std::find(info->body_fields.begin(), info->body_fields.end(), key) ==
                               info->body_fields.end()) {
      d.unknown_field(kv.first, key);
    }
  }
  ConfigObject object;
  if (info == nullptr || !info->accepts(api_version)) {
    std::string expected;
    for (const auto& k : kinds()) {
      if (k.kind == kind) expected += (expected.empty() ? "" : "; ") + k.api_versions();
    }
    d.error(doc["apiVersion"].IsDefined() ? doc["apiVersion"] : doc, "apiVersion",
            "unsupported apiVersion \"" + api_version + "\" for " + kind + " (expected " +
                expected + ")");
  }
  if (info != nullptr) info->decode(d, doc, object);
  if (result.errors.size() != errors_before) return;
  meta.source = SourceLocation{file, lines[""]};
  std::visit([&](auto& o) { o.meta = std::move(meta); }, object);
  result.objects.push_back(std::move(object));
  result.lines.push_back(std::move(lines));
}

}  // namespace

std::string ConfigError::str() const {
  std::string out = file.empty() ? std::string("<api>") : file;
  if (line > 0) out += ":" + std::to_string(line);
  out += ": ";
  if (!object.empty()) out += object + ": ";
  if (!field.empty()) out += field + ": ";
  return out + message;
}

ParseResult parse_yaml(std::string_view text, const std::string& file_name,
                       const ParseOptions& options) {
  ParseResult result;
  // Input that would hang yaml-cpp is refused first (see yaml_guard.h).
  if (auto hazard = detail::find_yaml_hazard(text)) {
    result.errors.push_back(ConfigError{file_name, hazard->line, "", "", hazard->message});
    return result;
  }
  std::vector<YAML::Node> docs;
  try {
    docs = YAML::LoadAll(std::string(text));
  } catch (const YAML::Exception& e) {
    result.errors.push_back(
        ConfigError{file_name, e.mark.is_null() ? 0 : e.mark.line + 1, "", "", e.msg});
    return result;
  }
  for (const auto& doc : docs) {
    if (!doc.IsDefined() || doc.IsNull()) continue;  // "---" with nothing after it
    try {
      parse_document(doc, file_name, options, result);
    } catch (const YAML::Exception& e) {
      // Defensive: the decoder checks node types first, but yaml-cpp may still throw.
      result.errors.push_back(
          ConfigError{file_name, e.mark.is_null() ? 0 : e.mark.line + 1, "", "", e.msg});
    }
  }
  return result;
}

ParseResult parse_and_validate(std::string_view text, const std::string& file_name,
                               const ParseOptions& options) {
  // Errors are gathered by phase (parse, then validation); a reader wants them by line.
  ParseResult parsed = parse_yaml(text, file_name, options);
  ParseResult out;
  out.errors = std::move(parsed.errors);
  out.warnings = std::move(parsed.warnings);
  for (size_t i = 0; i < parsed.objects.size(); ++i) {
    ConfigErrors errors = validate(parsed.objects[i], &parsed.lines[i]);
    if (errors.empty()) {
      out.objects.push_back(std::move(parsed.objects[i]));
      out.lines.push_back(std::move(parsed.lines[i]));
    } else {
      out.errors.insert(out.errors.end(), errors.begin(), errors.end());
    }
  }
  std::stable_sort(out.errors.begin(), out.errors.end(),
                   [](const ConfigError& a, const ConfigError& b) { return a.line < b.line; });
  return out;
}

}  // namespace jib::mesh
