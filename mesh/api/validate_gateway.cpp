#include <set>

#include "mesh/api/field_checks.h"
#include "mesh/api/validate_kinds.h"

namespace jib::mesh::detail {
namespace {

std::string at(const std::string& path, size_t i) { return path + "[" + std::to_string(i) + "]"; }

bool is_tls_protocol(const std::string& protocol) {
  return protocol == "HTTPS" || protocol == "TLS";
}

// "host" or "namespace/host"; namespace "." (the Gateway's), "*" or a name.
void validate_gateway_host(const std::string& host, const std::string& field, Reporter& report) {
  std::string name = host;
  if (size_t slash = host.find('/'); slash != std::string::npos) {
    const std::string ns = host.substr(0, slash);
    name = host.substr(slash + 1);
    if (ns != "." && ns != "*") {
      if (auto reason = check_dns1123_label(ns); !reason.empty()) {
        report(field, "invalid namespace \"" + ns + "\" in \"" + host + "\": " + reason);
      }
    }
  }
  if (name == "*") return;
  if (auto reason = check_wildcard_host(name); !reason.empty()) report(field, reason);
}

}  // namespace

void validate_server_tls(const ServerTLSSettings& tls, const std::string& path,
                         bool allow_istio_modes, Reporter& report) {
  using Mode = ServerTLSSettings::Mode;
  using V = ServerTLSSettings::ProtocolVersion;
  const bool needs_cert =
      tls.mode == Mode::kSimple || tls.mode == Mode::kMutual || tls.mode == Mode::kOptionalMutual;
  int sources = (!tls.credential_name.empty() ? 1 : 0) + (!tls.credential_names.empty() ? 1 : 0) +
                (!tls.tls_certificates.empty() ? 1 : 0) + (!tls.server_certificate.empty() ? 1 : 0);
  if (sources > 1) {
    report(path,
           "only one of credentialName, credentialNames, tlsCertificates or "
           "serverCertificate can be set");
  }
  if (needs_cert && sources == 0) {
    report(path + ".credentialName",
           "a credentialName, or serverCertificate and privateKey, is required for mode SIMPLE, "
           "MUTUAL and OPTIONAL_MUTUAL",
           path);
  }
  if (needs_cert && !tls.server_certificate.empty() && tls.private_key.empty()) {
    report(path + ".privateKey", "required with serverCertificate", path);
  }
  if ((tls.mode == Mode::kMutual || tls.mode == Mode::kOptionalMutual) &&
      tls.credential_name.empty() && tls.credential_names.empty() && tls.ca_certificates.empty()) {
    bool any_ca = false;
    for (const auto& c : tls.tls_certificates) any_ca = any_ca || !c.ca_certificates.empty();
    if (!any_ca) {
      report(path + ".caCertificates", "required for mode MUTUAL without credentialName", path);
    }
  }
  if (tls.credential_names.size() > 2) {
    report(path + ".credentialNames", "at most two credentials (one RSA, one ECDSA) are allowed");
  }
  if (tls.tls_certificates.size() > 2) {
    report(path + ".tlsCertificates", "at most two certificates (one RSA, one ECDSA) are allowed");
  }
  if (tls.mode == Mode::kIstioMutual && sources > 0) {
    report(path, "certificates cannot be given when mode is ISTIO_MUTUAL");
  }
  if (!allow_istio_modes &&
      (tls.mode == Mode::kIstioMutual || tls.mode == Mode::kAutoPassthrough)) {
    report(path + ".mode", "ISTIO_MUTUAL and AUTO_PASSTHROUGH are not allowed here");
  }
  if (tls.min_protocol_version != V::kAuto && tls.max_protocol_version != V::kAuto &&
      tls.min_protocol_version > tls.max_protocol_version) {
    report(path + ".minProtocolVersion", "is higher than maxProtocolVersion");
  }
  for (size_t i = 0; i < tls.cipher_suites.size(); ++i) {
    if (tls.cipher_suites[i].empty()) report(at(path + ".cipherSuites", i), "must not be empty");
  }
  for (size_t i = 0; i < tls.subject_alt_names.size(); ++i) {
    if (tls.subject_alt_names[i].empty()) {
      report(at(path + ".subjectAltNames", i), "must not be empty");
    }
  }
}

void validate_gateway(const Gateway& gw, Reporter& report) {
  if (gw.servers.empty()) report("spec.servers", "at least one server is required", "spec");
  std::set<std::string> names;
  for (size_t i = 0; i < gw.servers.size(); ++i) {
    const auto& s = gw.servers[i];
    const std::string path = at("spec.servers", i);
    if (s.hosts.empty()) report(path + ".hosts", "at least one host is required", path);
    for (size_t j = 0; j < s.hosts.size(); ++j) {
      validate_gateway_host(s.hosts[j], at(path + ".hosts", j), report);
    }
    validate_port_number(s.port.number, path + ".port.number", report);
    if (s.port.protocol.empty()) {
      report(path + ".port.protocol", "required", path + ".port");
    } else if (!is_known_protocol(s.port.protocol)) {
      report(path + ".port.protocol", "unknown protocol \"" + s.port.protocol + "\"");
    }
    if (s.port.name.empty()) {
      report(path + ".port.name", "required", path + ".port");
    }
    if (!s.bind.empty() && !is_ip_address(s.bind) && !s.bind.starts_with("unix://")) {
      report(path + ".bind", "must be an IP address or a unix:// socket");
    }
    if (!s.name.empty() && !names.insert(s.name).second) {
      report(path + ".name", "duplicate server name \"" + s.name + "\"");
    }
    const bool tls_protocol = is_tls_protocol(s.port.protocol);
    if (tls_protocol && !s.tls) {
      report(path + ".tls", "required for protocol " + s.port.protocol, path);
    }
    if (s.tls) {
      using Mode = ServerTLSSettings::Mode;
      const bool only_redirect = s.tls->https_redirect && s.tls->mode == Mode::kPassthrough &&
                                 s.tls->credential_name.empty() &&
                                 s.tls->server_certificate.empty();
      if (!tls_protocol && !only_redirect) {
        report(path + ".tls",
               "TLS settings are only allowed for HTTPS and TLS ports (or "
               "httpsRedirect alone)");
      }
      if (s.tls->mode == Mode::kAutoPassthrough && s.port.protocol != "TLS") {
        report(path + ".tls.mode", "AUTO_PASSTHROUGH requires protocol TLS");
      }
      if (tls_protocol) validate_server_tls(*s.tls, path + ".tls", true, report);
    }
  }
}

}  // namespace jib::mesh::detail
