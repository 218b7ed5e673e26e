// Checks of single field values (names, hosts, addresses, regexes) that Istio's validation
// applies across kinds.
#include "mesh/api/field_checks.h"

#include <arpa/inet.h>
#include <re2/re2.h>

#include <charconv>

namespace jib::mesh {
namespace {

// Envoy rejects regexes whose RE2 program is larger than this unless its runtime is changed
// (re2.max_program_size.error_level), so Jib rejects them up front.
constexpr int kMaxRegexProgramSize = 100;

bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool is_alnum(char c) { return is_lower_alnum(c) || (c >= 'A' && c <= 'Z'); }

// A DNS label; hosts (unlike object names) may use upper case, as Istio allows.
std::string check_label(std::string_view label, bool allow_upper) {
  auto ok = [&](char c) { return allow_upper ? is_alnum(c) : is_lower_alnum(c); };
  if (label.empty()) return "empty label";
  if (label.size() > 63) return "label \"" + std::string(label) + "\" is longer than 63 characters";
  for (char c : label) {
    if (!ok(c) && c != '-') {
      return "label \"" + std::string(label) + "\" has a character other than " +
             (allow_upper ? "letters" : "lower case letters") + ", digits and '-'";
    }
  }
  if (!ok(label.front()) || !ok(label.back())) {
    return "label \"" + std::string(label) + "\" must start and end with a letter or digit";
  }
  return "";
}

std::string check_labels(std::string_view value, bool allow_upper) {
  size_t start = 0;
  while (true) {
    size_t dot = value.find('.', start);
    std::string_view label = value.substr(start, dot == std::string_view::npos ? dot : dot - start);
    if (auto reason = check_label(label, allow_upper); !reason.empty()) return reason;
    if (dot == std::string_view::npos) return "";
    start = dot + 1;
  }
}

}  // namespace

std::string check_dns1123_label(std::string_view value) {
  return check_label(value, /*allow_upper=*/false);
}

std::string check_dns1123_subdomain(std::string_view value) {
  if (value.size() > 253) return "longer than 253 characters";
  return check_labels(value, /*allow_upper=*/false);
}

std::string check_wildcard_host(std::string_view host) {
  if (host.empty()) return "host must not be empty";
  if (host.size() > 255) return "host is longer than 255 characters";
  if (host == "*") return "";
  std::string_view rest = host;
  if (host.starts_with("*.")) {
    rest = host.substr(2);
  } else if (host.find('*') != std::string_view::npos) {
    return "wildcard '*' is only allowed as the whole leftmost label";
  }
  if (auto reason = check_labels(rest, /*allow_upper=*/true); !reason.empty()) {
    return "invalid host \"" + std::string(host) + "\": " + reason;
  }
  return "";
}

std::string check_regex(std::string_view regex) {
  RE2::Options options;
  options.set_log_errors(false);
  RE2 re(re2::StringPiece(regex.data(), regex.size()), options);
  if (!re.ok()) return "invalid regex \"" + std::string(regex) + "\": " + re.error();
  if (re.ProgramSize() > kMaxRegexProgramSize) {
    return "regex \"" + std::string(regex) + "\" is too complex (RE2 program size " +
           std::to_string(re.ProgramSize()) + ", limit " + std::to_string(kMaxRegexProgramSize) +
           ")";
  }
  return "";
}

std::string check_header_name(std::string_view name) {
  if (name.empty()) return "header name must not be empty";
  // RFC 7230 token characters; Envoy's pseudo-headers (":authority") start with ':'.
  static constexpr std::string_view kPunct = "!#$%&'*+-.^_`|~";
  std::string_view body = name.front() == ':' ? name.substr(1) : name;
  if (body.empty()) return "header name must not be empty";
  for (char c : body) {
    if (c >= 'A' && c <= 'Z') return "header name \"" + std::string(name) + "\" must be lower case";
    if (!is_lower_alnum(c) && kPunct.find(c) == std::string_view::npos) {
      return "header name \"" + std::string(name) + "\" has an illegal character";
    }
  }
  return "";
}

bool is_ip_address(std::string_view value) {
  std::string text(value);
  unsigned char buf[16];
  return inet_pton(AF_INET, text.c_str(), buf) == 1 || inet_pton(AF_INET6, text.c_str(), buf) == 1;
}

bool is_ip_or_cidr(std::string_view value) {
  size_t slash = value.find('/');
  if (slash == std::string_view::npos) return is_ip_address(value);
  std::string_view address = value.substr(0, slash);
  std::string_view prefix = value.substr(slash + 1);
  if (!is_ip_address(address) || prefix.empty()) return false;
  int bits = -1;
  auto [end, ec] = std::from_chars(prefix.data(), prefix.data() + prefix.size(), bits);
  if (ec != std::errc() || end != prefix.data() + prefix.size()) return false;
  int max_bits = address.find(':') == std::string_view::npos ? 32 : 128;
  return bits >= 0 && bits <= max_bits;
}

}  // namespace jib::mesh
