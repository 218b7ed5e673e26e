#include <set>

#include "mesh/validate.h"
#include "mesh/validate_internal.h"

namespace jib::mesh::detail {
namespace {

void validate_tls(const ClientTLSSettings& tls, const std::string& path, Reporter& report) {
  using Mode = ClientTLSSettings::Mode;
  if (tls.mode == Mode::kMutual && tls.credential_name.empty()) {
    if (tls.client_certificate.empty()) {
      report(path + ".clientCertificate", "required when mode is MUTUAL without credentialName");
    }
    if (tls.private_key.empty()) {
      report(path + ".privateKey", "required when mode is MUTUAL without credentialName");
    }
  }
  // Istio supplies the certificates itself for ISTIO_MUTUAL; user-given ones would be ignored.
  if (tls.mode == Mode::kIstioMutual) {
    auto forbid = [&](const std::string& value, const char* field) {
      if (!value.empty()) report(path + "." + field, "cannot be set when mode is ISTIO_MUTUAL");
    };
    forbid(tls.client_certificate, "clientCertificate");
    forbid(tls.private_key, "privateKey");
    forbid(tls.ca_certificates, "caCertificates");
    forbid(tls.credential_name, "credentialName");
  }
}

void validate_traffic_policy(const TrafficPolicy& policy, const std::string& path,
                             Reporter& report) {
  if (policy.tls) validate_tls(*policy.tls, path + ".tls", report);
}

}  // namespace

void validate_destination_rule(const DestinationRule& dr, Reporter& report) {
  if (dr.host.empty()) {
    report("spec.host", "required");
  } else if (auto reason = check_wildcard_host(dr.host); !reason.empty()) {
    report("spec.host", reason);
  }
  if (dr.traffic_policy) validate_traffic_policy(*dr.traffic_policy, "spec.trafficPolicy", report);
  std::set<std::string> names;
  for (size_t i = 0; i < dr.subsets.size(); ++i) {
    const auto& subset = dr.subsets[i];
    const std::string path = "spec.subsets[" + std::to_string(i) + "]";
    if (subset.name.empty()) {
      report(path + ".name", "required");
    } else if (auto reason = check_dns1123_label(subset.name); !reason.empty()) {
      report(path + ".name", "invalid subset name \"" + subset.name + "\": " + reason);
    } else if (!names.insert(subset.name).second) {
      report(path + ".name", "duplicate subset name \"" + subset.name + "\"");
    }
    if (subset.labels.empty()) report(path + ".labels", "at least one label is required");
    if (subset.traffic_policy) {
      validate_traffic_policy(*subset.traffic_policy, path + ".trafficPolicy", report);
    }
  }
  validate_export_to(dr.export_to, report);
}

}  // namespace jib::mesh::detail
