#include "xds/envoy_rbac/rbac_evaluator.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cctype>

#include <google/protobuf/util/json_util.h>
#include <re2/re2.h>

#include "envoy/extensions/path/match/uri_template/v3/uri_template_match.pb.h"
#include "xds/envoy_rbac/uri_template.h"
#include "xds/translate/authz/rbac_matchers.h"

namespace jib::xds::authz {
namespace {

using envoy::config::core::v3::CidrRange;
using envoy::config::core::v3::TypedExtensionConfig;
using envoy::config::rbac::v3::Permission;
using envoy::config::rbac::v3::Policy;
using envoy::config::rbac::v3::Principal;
using envoy::config::rbac::v3::RBAC;
using envoy::config::route::v3::HeaderMatcher;
using envoy::extensions::path::match::uri_template::v3::UriTemplateMatchConfig;
using envoy::type::matcher::v3::MetadataMatcher;
using envoy::type::matcher::v3::PathMatcher;
using envoy::type::matcher::v3::StringMatcher;
using envoy::type::matcher::v3::ValueMatcher;
using google::protobuf::Value;

[[noreturn]] void unsupported(std::string_view what, const google::protobuf::Message& m) {
  throw UnsupportedMatcher(std::string(what) + " not supported: " + m.ShortDebugString());
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool string_matches(const StringMatcher& m, std::string_view value) {
  // ignore_case folds both sides; it does not apply to regexes.
  auto fold = [&](std::string_view s) { return m.ignore_case() ? lower(s) : std::string(s); };
  switch (m.match_pattern_case()) {
    case StringMatcher::kExact:
      return fold(value) == fold(m.exact());
    case StringMatcher::kPrefix:
      return fold(value).starts_with(fold(m.prefix()));
    case StringMatcher::kSuffix:
      return fold(value).ends_with(fold(m.suffix()));
    case StringMatcher::kContains:
      return fold(value).find(fold(m.contains())) != std::string::npos;
    case StringMatcher::kSafeRegex: {
      RE2 regex(m.safe_regex().regex(), RE2::Quiet);
      if (!regex.ok()) unsupported("invalid regex (" + regex.error() + ")", m);
      return RE2::FullMatch(value, regex);
    }
    default:
      unsupported("string matcher", m);
  }
}

// Envoy's view of a header given several times: its values joined by ','.
std::optional<std::string> header_value(const RbacRequest& request, std::string_view name) {
  std::optional<std::string> out;
  for (const auto& [key, value] : request.headers) {
    if (lower(key) != name) continue;
    out = out ? *out + "," + value : value;
  }
  return out;
}

bool header_matches(const HeaderMatcher& m, const RbacRequest& request) {
  std::optional<std::string> value = header_value(request, lower(m.name()));
  switch (m.header_match_specifier_case()) {
    case HeaderMatcher::HEADER_MATCH_SPECIFIER_NOT_SET:  // presence, as Envoy reads it
      return value.has_value() != m.invert_match();
    case HeaderMatcher::kPresentMatch:
      return (value.has_value() == m.present_match()) != m.invert_match();
    case HeaderMatcher::kStringMatch:
      if (!value) {
        // A missing header matches nothing, inverted or not.
        if (!m.treat_missing_header_as_empty()) return false;
        value = "";
      }
      return string_matches(m.string_match(), *value) != m.invert_match();
    default:
      unsupported("header matcher", m);
  }
}

// The path without query and fragment, as path matchers see it.
std::optional<std::string> path_only(const RbacRequest& request) {
  std::optional<std::string> path = header_value(request, ":path");
  if (path) path = path->substr(0, path->find_first_of("?#"));
  return path;
}

bool path_matches(const PathMatcher& m, const RbacRequest& request) {
  if (m.rule_case() != PathMatcher::kPath) unsupported("path matcher", m);
  std::optional<std::string> path = path_only(request);
  return path && string_matches(m.path(), *path);
}

// Envoy picks the extension by its config's type, whatever its name.
bool uri_template_matches(const TypedExtensionConfig& m, const RbacRequest& request) {
  UriTemplateMatchConfig config;
  if (!m.typed_config().UnpackTo(&config)) unsupported("uri_template extension", m);
  std::optional<std::string> regex = uri_template_regex(config.path_template());
  if (!regex) unsupported("path_template", m);
  std::optional<std::string> path = path_only(request);
  return path && RE2::FullMatch(*path, RE2(*regex));
}

bool in_range(const CidrRange& range, const std::string& address) {
  std::array<unsigned char, 16> a{}, prefix{};
  const bool v6 = address.find(':') != std::string::npos;
  const int family = v6 ? AF_INET6 : AF_INET;
  if (address.empty() || inet_pton(family, address.c_str(), a.data()) != 1) return false;
  if ((range.address_prefix().find(':') != std::string::npos) != v6) return false;
  if (inet_pton(family, range.address_prefix().c_str(), prefix.data()) != 1) {
    unsupported("CIDR range", range);
  }
  const uint32_t length = std::min(range.prefix_len().value(), v6 ? 128u : 32u);
  for (uint32_t i = 0; i < length; ++i) {
    const int shift = 7 - static_cast<int>(i % 8);
    if (((a[i / 8] >> shift) & 1) != ((prefix[i / 8] >> shift) & 1)) return false;
  }
  return true;
}

bool value_matches(const ValueMatcher& m, const Value& value) {
  switch (m.match_pattern_case()) {
    case ValueMatcher::kNullMatch:
      return value.kind_case() == Value::kNullValue;
    case ValueMatcher::kStringMatch:
      return value.kind_case() == Value::kStringValue &&
             string_matches(m.string_match(), value.string_value());
    case ValueMatcher::kBoolMatch:
      return value.kind_case() == Value::kBoolValue && value.bool_value() == m.bool_match();
    case ValueMatcher::kPresentMatch:
      return m.present_match() && value.kind_case() != Value::KIND_NOT_SET;
    case ValueMatcher::kListMatch:
      if (value.kind_case() != Value::kListValue) return false;
      return std::any_of(
          value.list_value().values().begin(), value.list_value().values().end(),
          [&](const Value& item) { return value_matches(m.list_match().one_of(), item); });
    case ValueMatcher::kOrMatch:
      return std::any_of(m.or_match().value_matchers().begin(), m.or_match().value_matchers().end(),
                         [&](const ValueMatcher& each) { return value_matches(each, value); });
    default:
      unsupported("value matcher", m);
  }
}

const Value* field(const google::protobuf::Struct* within, const std::string& key) {
  if (within == nullptr) return nullptr;
  auto it = within->fields().find(key);
  return it == within->fields().end() ? nullptr : &it->second;
}

// The value at the matcher's path in its filter's metadata; unset (KIND_NOT_SET) when absent.
bool metadata_matches(const MetadataMatcher& m, const RbacRequest& request) {
  const auto& all = request.dynamic_metadata.filter_metadata();
  const Value* value = nullptr;
  if (auto it = all.find(m.filter()); it != all.end()) {
    const google::protobuf::Struct* within = &it->second;
    for (const auto& segment : m.path()) {
      value = field(within, segment.key());
      if (value == nullptr) break;
      within = value->has_struct_value() ? &value->struct_value() : nullptr;
    }
  }
  return value_matches(m.value(), value ? *value : Value::default_instance()) != m.invert();
}

// The peer certificate's URI SAN, else its subject (empty in mesh certificates).
bool authenticated_matches(const Principal::Authenticated& m, const RbacRequest& request) {
  if (!request.peer_uri) return false;
  if (!m.has_principal_name()) return true;
  return (!request.peer_uri->empty() && string_matches(m.principal_name(), *request.peer_uri)) ||
         string_matches(m.principal_name(), "");
}

template <typename Rules>
bool all_match(const Rules& rules, const RbacRequest& request) {
  return std::all_of(rules.begin(), rules.end(),
                     [&](const auto& rule) { return matches(rule, request); });
}

template <typename Rules>
bool any_match(const Rules& rules, const RbacRequest& request) {
  return std::any_of(rules.begin(), rules.end(),
                     [&](const auto& rule) { return matches(rule, request); });
}

}  // namespace

bool matches(const Permission& p, const RbacRequest& request) {
  switch (p.rule_case()) {
    case Permission::kAndRules:
      return all_match(p.and_rules().rules(), request);
    case Permission::kOrRules:
      return any_match(p.or_rules().rules(), request);
    case Permission::kAny:
      return true;
    case Permission::kNotRule:
      return !matches(p.not_rule(), request);
    case Permission::kHeader:
      return header_matches(p.header(), request);
    case Permission::kUrlPath:
      return path_matches(p.url_path(), request);
    case Permission::kUriTemplate:
      return uri_template_matches(p.uri_template(), request);
    case Permission::kDestinationIp:
      return in_range(p.destination_ip(), request.destination_ip);
    case Permission::kDestinationPort:
      return p.destination_port() == request.destination_port;
    case Permission::kDestinationPortRange:
      return static_cast<int64_t>(request.destination_port) >= p.destination_port_range().start() &&
             static_cast<int64_t>(request.destination_port) < p.destination_port_range().end();
    case Permission::kRequestedServerName:
      return string_matches(p.requested_server_name(), request.requested_server_name);
    case Permission::kMetadata:
      return metadata_matches(p.metadata(), request);
    default:
      unsupported("permission", p);
  }
}

bool matches(const Principal& p, const RbacRequest& request) {
  switch (p.identifier_case()) {
    case Principal::kAndIds:
      return all_match(p.and_ids().ids(), request);
    case Principal::kOrIds:
      return any_match(p.or_ids().ids(), request);
    case Principal::kAny:
      return true;
    case Principal::kNotId:
      return !matches(p.not_id(), request);
    case Principal::kAuthenticated:
      return authenticated_matches(p.authenticated(), request);
    case Principal::kDirectRemoteIp:
      return in_range(p.direct_remote_ip(), request.direct_remote_ip);
    case Principal::kRemoteIp:
      return in_range(p.remote_ip(), request.remote_ip);
    case Principal::kHeader:
      return header_matches(p.header(), request);
    case Principal::kUrlPath:
      return path_matches(p.url_path(), request);
    case Principal::kMetadata:
      return metadata_matches(p.metadata(), request);
    default:
      unsupported("principal", p);
  }
}

bool matches(const Policy& policy, const RbacRequest& request) {
  if (policy.has_condition() || policy.has_checked_condition()) unsupported("condition", policy);
  return any_match(policy.permissions(), request) && any_match(policy.principals(), request);
}

RbacEngineResult evaluate(const RBAC& rbac, const RbacRequest& request) {
  // Envoy keeps the policies in a map ordered by name and reports the first that matches.
  std::vector<const std::string*> names;
  for (const auto& [name, policy] : rbac.policies()) names.push_back(&name);
  std::sort(names.begin(), names.end(), [](const auto* a, const auto* b) { return *a < *b; });
  RbacEngineResult out;
  for (const std::string* name : names) {
    if (matches(rbac.policies().at(*name), request)) {
      out.matched = *name;
      break;
    }
  }
  switch (rbac.action()) {
    case RBAC::ALLOW:
      out.allowed = out.matched.has_value();
      break;
    case RBAC::DENY:
      out.allowed = !out.matched.has_value();
      break;
    case RBAC::LOG:
      out.allowed = true;
      break;
    default:
      unsupported("action", rbac);
  }
  return out;
}

bool set_jwt_payload(std::string_view payload_json, RbacRequest* request) {
  google::protobuf::Struct payload;
  if (!google::protobuf::util::JsonStringToMessage(payload_json, &payload).ok()) return false;
  auto& jwt = (*request->dynamic_metadata.mutable_filter_metadata())[std::string(kJwtAuthnFilter)];
  *(*jwt.mutable_fields())[std::string(kJwtPayloadKey)].mutable_struct_value() = std::move(payload);
  return true;
}

}  // namespace jib::xds::authz
