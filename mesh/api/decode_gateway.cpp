#include "mesh/api/decode_kinds.h"

namespace jib::mesh::detail {
namespace {

void decode_protocol_version(Decoder& d, const YAML::Node& v, const std::string& p,
                             ServerTLSSettings::ProtocolVersion& out) {
  using V = ServerTLSSettings::ProtocolVersion;
  d.enumeration(v, p,
                {{"TLS_AUTO", V::kAuto},
                 {"TLSV1_0", V::kV1_0},
                 {"TLSV1_1", V::kV1_1},
                 {"TLSV1_2", V::kV1_2},
                 {"TLSV1_3", V::kV1_3}},
                out);
}

void decode_server(Decoder& d, const YAML::Node& node, const std::string& path, Server& out) {
  d.fields(node, path, [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (key == "port") return decode_service_port(d, v, p, out.port), true;
    if (key == "bind") return d.str(v, p, out.bind);
    if (key == "hosts") return d.strings(v, p, out.hosts);
    if (key == "tls") return decode_server_tls(d, v, p, out.tls.emplace()), true;
    if (key == "defaultEndpoint") return d.str(v, p, out.default_endpoint);
    if (key == "name") return d.str(v, p, out.name);
    return false;
  });
}

}  // namespace

void decode_server_tls(Decoder& d, const YAML::Node& node, const std::string& path,
                       ServerTLSSettings& out) {
  using Mode = ServerTLSSettings::Mode;
  d.fields(node, path, [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (key == "httpsRedirect") return d.boolean(v, p, out.https_redirect);
    if (key == "mode") {
      return d.enumeration(v, p,
                           {{"PASSTHROUGH", Mode::kPassthrough},
                            {"SIMPLE", Mode::kSimple},
                            {"MUTUAL", Mode::kMutual},
                            {"AUTO_PASSTHROUGH", Mode::kAutoPassthrough},
                            {"ISTIO_MUTUAL", Mode::kIstioMutual},
                            {"OPTIONAL_MUTUAL", Mode::kOptionalMutual}},
                           out.mode);
    }
    if (key == "serverCertificate") return d.str(v, p, out.server_certificate);
    if (key == "privateKey") return d.str(v, p, out.private_key);
    if (key == "caCertificates") return d.str(v, p, out.ca_certificates);
    if (key == "caCrl") return d.str(v, p, out.ca_crl);
    if (key == "credentialName") return d.str(v, p, out.credential_name);
    if (key == "credentialNames") return d.strings(v, p, out.credential_names);
    if (key == "tlsCertificates")
      return d.list(v, p, out.tls_certificates, [&](auto& n, auto& ip, auto& c) {
        d.fields(n, ip, [&](std::string_view k, const YAML::Node& cv, const std::string& cp) {
          if (k == "serverCertificate") return d.str(cv, cp, c.server_certificate);
          if (k == "privateKey") return d.str(cv, cp, c.private_key);
          if (k == "caCertificates") return d.str(cv, cp, c.ca_certificates);
          return false;
        });
      });
    if (key == "subjectAltNames") return d.strings(v, p, out.subject_alt_names);
    if (key == "verifyCertificateSpki") return d.strings(v, p, out.verify_certificate_spki);
    if (key == "verifyCertificateHash") return d.strings(v, p, out.verify_certificate_hash);
    if (key == "minProtocolVersion") {
      return decode_protocol_version(d, v, p, out.min_protocol_version), true;
    }
    if (key == "maxProtocolVersion") {
      return decode_protocol_version(d, v, p, out.max_protocol_version), true;
    }
    if (key == "cipherSuites") return d.strings(v, p, out.cipher_suites);
    return false;
  });
}

void decode_gateway(Decoder& d, const YAML::Node& spec, Gateway& out) {
  d.fields(spec, "spec", [&](std::string_view key, const YAML::Node& v, const std::string& p) {
    if (key == "servers")
      return d.list(v, p, out.servers,
                    [&](auto& n, auto& ip, auto& s) { decode_server(d, n, ip, s); });
    if (key == "selector") return d.string_map(v, p, out.selector);
    return false;
  });
}

}  // namespace jib::mesh::detail
