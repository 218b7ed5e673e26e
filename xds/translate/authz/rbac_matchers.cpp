#include "xds/translate/authz/rbac_matchers.h"

#include <functional>

#include <re2/re2.h>

#include "envoy/extensions/path/match/uri_template/v3/uri_template_match.pb.h"
#include "mesh/api/path_template.h"

namespace jib::xds::authz {
namespace {

constexpr std::string_view kSpiffePrefix = "spiffe://";

bool is_any(std::string_view v) { return v == "*"; }
bool is_prefix(std::string_view v) { return v.size() > 1 && v.back() == '*'; }
bool is_suffix(std::string_view v) { return v.size() > 1 && v.front() == '*'; }

void set_regex(std::string regex, StringMatcher* out) {
  out->mutable_safe_regex()->set_regex(std::move(regex));
}

// Istio's form in a regex, anchored by Envoy's full-match semantics.
std::string pattern_regex(std::string_view v) {
  if (is_any(v)) return ".+";
  if (is_prefix(v)) return RE2::QuoteMeta(std::string(v.substr(0, v.size() - 1))) + ".*";
  if (is_suffix(v)) return ".*" + RE2::QuoteMeta(std::string(v.substr(1)));
  return RE2::QuoteMeta(std::string(v));
}

Principal authenticated(StringMatcher matcher) {
  Principal id;
  *id.mutable_authenticated()->mutable_principal_name() = std::move(matcher);
  return id;
}

Principal payload_matcher(
    const std::vector<std::string>& path,
    const std::function<void(envoy::type::matcher::v3::ValueMatcher*)>& value) {
  Principal id;
  auto* m = id.mutable_metadata();
  m->set_filter(std::string(kJwtAuthnFilter));
  m->add_path()->set_key(std::string(kJwtPayloadKey));
  for (const auto& key : path) m->add_path()->set_key(key);
  value(m->mutable_value());
  return id;
}

Principal payload_string(const std::vector<std::string>& path, std::string_view value) {
  return payload_matcher(path, [&](envoy::type::matcher::v3::ValueMatcher* m) {
    *m->mutable_string_match() = string_matcher(value);
  });
}

Principal payload_present(const std::vector<std::string>& path) {
  return payload_matcher(
      path, [](envoy::type::matcher::v3::ValueMatcher* m) { m->set_present_match(true); });
}

}  // namespace

StringMatcher string_matcher(std::string_view value, bool ignore_case) {
  StringMatcher m;
  if (is_any(value)) {
    set_regex(".+", &m);
  } else if (is_prefix(value)) {
    m.set_prefix(std::string(value.substr(0, value.size() - 1)));
  } else if (is_suffix(value)) {
    m.set_suffix(std::string(value.substr(1)));
  } else {
    m.set_exact(std::string(value));
  }
  if (ignore_case && !m.has_safe_regex()) m.set_ignore_case(true);
  return m;
}

Principal principal_name(std::string_view value) {
  StringMatcher m;
  if (is_any(value)) {
    set_regex(".+", &m);
  } else if (is_suffix(value)) {
    m.set_suffix(std::string(value.substr(1)));
  } else if (is_prefix(value)) {
    m.set_prefix(std::string(kSpiffePrefix) + std::string(value.substr(0, value.size() - 1)));
  } else {
    m.set_exact(std::string(kSpiffePrefix) + std::string(value));
  }
  return authenticated(std::move(m));
}

Principal namespace_principal(std::string_view value) {
  StringMatcher m;
  set_regex(".*/ns/" + pattern_regex(value) + "/.*", &m);
  return authenticated(std::move(m));
}

Principal request_principal(std::string_view value) {
  if (is_any(value)) return payload_present({"sub"});
  // "iss/sub": the issuer may itself contain '/', the subject rarely does.
  if (is_prefix(value)) {
    std::string_view stem = value.substr(0, value.size() - 1);
    if (stem.ends_with('/')) {
      return all_of(
          {payload_string({"iss"}, stem.substr(0, stem.size() - 1)), payload_present({"sub"})});
    }
    return payload_string({"iss"}, value);
  }
  if (is_suffix(value)) {
    std::string_view tail = value.substr(1);
    if (tail.starts_with('/')) return payload_string({"sub"}, tail.substr(1));
    return payload_string({"sub"}, value);
  }
  size_t slash = value.rfind('/');
  if (slash == std::string_view::npos) return payload_string({"iss"}, value);
  return all_of({payload_string({"iss"}, value.substr(0, slash)),
                 payload_string({"sub"}, value.substr(slash + 1))});
}

Principal claim(const std::vector<std::string>& path, std::string_view value) {
  Principal as_list = payload_matcher(path, [&](envoy::type::matcher::v3::ValueMatcher* m) {
    *m->mutable_list_match()->mutable_one_of()->mutable_string_match() = string_matcher(value);
  });
  return any_of({payload_string(path, value), std::move(as_list)});
}

Principal header_principal(std::string_view name, std::string_view value) {
  Principal id;
  auto* header = id.mutable_header();
  header->set_name(std::string(name));
  if (is_any(value)) {
    header->set_present_match(true);
  } else {
    *header->mutable_string_match() = string_matcher(value);
  }
  return id;
}

Principal ip_principal(std::string_view cidr, bool direct) {
  Principal id;
  auto* range = direct ? id.mutable_direct_remote_ip() : id.mutable_remote_ip();
  size_t slash = cidr.find('/');
  std::string address(cidr.substr(0, slash));
  range->set_address_prefix(address);
  uint32_t length = address.find(':') == std::string::npos ? 32 : 128;
  if (slash != std::string_view::npos) length = std::stoul(std::string(cidr.substr(slash + 1)));
  range->mutable_prefix_len()->set_value(length);
  return id;
}

Permission header_permission(std::string_view name, std::string_view value) {
  Permission rule;
  auto* header = rule.mutable_header();
  header->set_name(std::string(name));
  if (is_any(value)) {
    header->set_present_match(true);
  } else {
    *header->mutable_string_match() = string_matcher(value);
  }
  return rule;
}

Permission method_permission(std::string_view value) { return header_permission(":method", value); }

Permission path_permission(std::string_view value) {
  Permission rule;
  if (!mesh::is_path_template(value)) {
    *rule.mutable_url_path()->mutable_path() = string_matcher(value);
    return rule;
  }
  envoy::extensions::path::match::uri_template::v3::UriTemplateMatchConfig config;
  config.set_path_template(mesh::envoy_path_template(value));
  rule.mutable_uri_template()->set_name(std::string(kUriTemplateName));
  rule.mutable_uri_template()->mutable_typed_config()->PackFrom(config);
  return rule;
}

Permission host_permission(std::string_view value) {
  Permission rule;
  auto* header = rule.mutable_header();
  header->set_name(":authority");
  set_regex("(?i)" + pattern_regex(value) + "(:[0-9]+)?", header->mutable_string_match());
  return rule;
}

Permission port_permission(uint32_t port) {
  Permission rule;
  rule.set_destination_port(port);
  return rule;
}

Permission destination_ip_permission(std::string_view cidr) {
  Principal ip = ip_principal(cidr, true);
  Permission rule;
  *rule.mutable_destination_ip() = ip.direct_remote_ip();
  return rule;
}

Permission sni_permission(std::string_view value) {
  Permission rule;
  *rule.mutable_requested_server_name() = string_matcher(value);
  return rule;
}

Principal any_of(std::vector<Principal> ids) {
  if (ids.size() == 1) return std::move(ids.front());
  Principal out;
  for (auto& id : ids) *out.mutable_or_ids()->add_ids() = std::move(id);
  return out;
}

Permission any_of(std::vector<Permission> rules) {
  if (rules.size() == 1) return std::move(rules.front());
  Permission out;
  for (auto& rule : rules) *out.mutable_or_rules()->add_rules() = std::move(rule);
  return out;
}

Principal all_of(std::vector<Principal> ids) {
  if (ids.empty()) {
    Principal any;
    any.set_any(true);
    return any;
  }
  if (ids.size() == 1) return std::move(ids.front());
  Principal out;
  for (auto& id : ids) *out.mutable_and_ids()->add_ids() = std::move(id);
  return out;
}

Permission all_of(std::vector<Permission> rules) {
  if (rules.empty()) {
    Permission any;
    any.set_any(true);
    return any;
  }
  if (rules.size() == 1) return std::move(rules.front());
  Permission out;
  for (auto& rule : rules) *out.mutable_and_rules()->add_rules() = std::move(rule);
  return out;
}

Principal negate(Principal id) {
  Principal out;
  *out.mutable_not_id() = std::move(id);
  return out;
}

Permission negate(Permission rule) {
  Permission out;
  *out.mutable_not_rule() = std::move(rule);
  return out;
}

}  // namespace jib::xds::authz
