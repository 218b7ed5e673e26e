#include "mesh/api/k8s_validate.h"

#include <arpa/inet.h>

#include <set>

#include "mesh/api/mesh_config.h"
#include "mesh/api/field_checks.h"

namespace jib::mesh::detail {
namespace {

// The API server caps a Secret or ConfigMap at 1 MiB (etcd's request limit).
constexpr size_t kMaxDataBytes = 1024 * 1024;
constexpr size_t kMaxSliceEndpoints = 1000;
constexpr size_t kMaxSlicePorts = 100;
constexpr size_t kMaxEndpointAddresses = 100;

bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

std::string in_quotes(std::string_view s) { return "\"" + std::string(s) + "\""; }

bool is_family(std::string_view address, int family) {
  std::string text(address);
  unsigned char buf[16];
  return inet_pton(family, text.c_str(), buf) == 1;
}

void check_labels(const Labels& labels, const std::string& path, Reporter& report) {
  for (const auto& [k, v] : labels) {
    if (auto reason = check_label_key(k); !reason.empty()) {
      report(path + "." + k, "invalid label key " + in_quotes(k) + ": " + reason);
    }
    if (auto reason = check_label_value(v); !reason.empty()) {
      report(path + "." + k, "invalid label value " + in_quotes(v) + ": " + reason);
    }
  }
}

void check_port(uint32_t port, const std::string& path, Reporter& report) {
  validate_port_number(port, path, report);
}

// Checks the keys of a data map (never the values: they may be secret).
size_t check_keys(const std::map<std::string, std::string>& data, const std::string& path,
                  Reporter& report) {
  size_t bytes = 0;
  for (const auto& [k, v] : data) {
    if (auto reason = check_config_key(k); !reason.empty()) {
      report(path + "." + k, "invalid key " + in_quotes(k) + ": " + reason);
    }
    bytes += k.size() + v.size();
  }
  return bytes;
}

void check_containers(const std::vector<Container>& list, const std::string& path,
                      std::set<std::string>& names, Reporter& report) {
  for (size_t i = 0; i < list.size(); ++i) {
    const auto& c = list[i];
    const std::string p = path + "[" + std::to_string(i) + "]";
    if (c.name.empty()) {
      report(p + ".name", "required");
    } else if (auto reason = check_dns1123_label(c.name); !reason.empty()) {
      report(p + ".name", "invalid container name " + in_quotes(c.name) + ": " + reason);
    } else if (!names.insert(c.name).second) {
      report(p + ".name", "duplicate container name " + in_quotes(c.name));
    }
    for (size_t j = 0; j < c.ports.size(); ++j) {
      const auto& port = c.ports[j];
      const std::string pp = p + ".ports[" + std::to_string(j) + "]";
      check_port(port.container_port, pp + ".containerPort", report);
      if (!port.name.empty()) {
        if (auto reason = check_port_name(port.name); !reason.empty()) {
          report(pp + ".name", "invalid port name " + in_quotes(port.name) + ": " + reason);
        }
      }
    }
  }
}

}  // namespace

std::string check_dns1035_label(std::string_view value) {
  if (auto reason = check_dns1123_label(value); !reason.empty()) return reason;
  if (value.front() < 'a' || value.front() > 'z') return "must start with a lower case letter";
  return "";
}

std::string check_label_value(std::string_view value) {
  if (value.empty()) return "";
  if (value.size() > 63) return "longer than 63 characters";
  for (char c : value) {
    if (!is_alnum(c) && c != '-' && c != '_' && c != '.') {
      return "has a character other than letters, digits, '-', '_' and '.'";
    }
  }
  if (!is_alnum(value.front()) || !is_alnum(value.back())) {
    return "must start and end with a letter or digit";
  }
  return "";
}

std::string check_label_key(std::string_view key) {
  std::string_view name = key;
  if (auto slash = key.find('/'); slash != std::string_view::npos) {
    std::string_view prefix = key.substr(0, slash);
    if (prefix.empty()) return "prefix before '/' must not be empty";
    if (auto reason = check_dns1123_subdomain(prefix); !reason.empty()) {
      return "prefix " + in_quotes(prefix) + ": " + reason;
    }
    name = key.substr(slash + 1);
  }
  if (name.empty()) return "name must not be empty";
  return check_label_value(name);
}

std::string check_config_key(std::string_view key) {
  if (key.empty()) return "must not be empty";
  if (key.size() > 253) return "longer than 253 characters";
  if (key == "." || key == "..") return "must not be '.' or '..'";
  for (char c : key) {
    if (!is_alnum(c) && c != '-' && c != '_' && c != '.') {
      return "has a character other than letters, digits, '-', '_' and '.'";
    }
  }
  return "";
}

std::string check_port_name(std::string_view name) {
  if (name.empty() || name.size() > 15) return "must be 1 to 15 characters";
  bool letter = false;
  for (char c : name) {
    bool lower = c >= 'a' && c <= 'z';
    letter = letter || lower;
    if (!lower && !(c >= '0' && c <= '9') && c != '-') {
      return "has a character other than lower case letters, digits and '-'";
    }
  }
  if (!letter) return "must contain at least one letter";
  if (name.front() == '-' || name.back() == '-' || name.find("--") != std::string_view::npos) {
    return "must not start or end with '-' or contain '--'";
  }
  return "";
}

void validate_k8s_service(const K8sService& svc, Reporter& report) {
  using Type = K8sService::Type;
  if (!svc.meta.name.empty()) {
    if (auto reason = check_dns1035_label(svc.meta.name); !reason.empty()) {
      report("metadata.name", "a Service name must be a DNS-1035 label: " + reason);
    }
  }
  if (svc.type == Type::kExternalName) {
    if (svc.external_name.empty()) {
      report("spec.externalName", "required for type ExternalName", "spec.type");
    } else if (auto reason = check_dns1123_subdomain(svc.external_name); !reason.empty()) {
      report("spec.externalName", "invalid name " + in_quotes(svc.external_name) + ": " + reason);
    }
  } else if (svc.ports.empty() && !svc.headless()) {
    report("spec.ports", "required: a Service needs at least one port", "spec");
  }
  if (!svc.cluster_ip.empty() && svc.cluster_ip != "None" && !is_ip_address(svc.cluster_ip)) {
    report("spec.clusterIP", in_quotes(svc.cluster_ip) + " is not \"None\" or an IP address");
  }
  for (size_t i = 0; i < svc.cluster_ips.size(); ++i) {
    const auto& ip = svc.cluster_ips[i];
    const std::string p = "spec.clusterIPs[" + std::to_string(i) + "]";
    if (ip != "None" && !is_ip_address(ip)) {
      report(p, in_quotes(ip) + " is not \"None\" or an IP address");
    }
  }
  if (!svc.cluster_ip.empty() && !svc.cluster_ips.empty() && svc.cluster_ips[0] != svc.cluster_ip) {
    report("spec.clusterIPs[0]", "must equal spec.clusterIP " + in_quotes(svc.cluster_ip));
  }
  std::set<std::string> names;
  for (size_t i = 0; i < svc.ports.size(); ++i) {
    const auto& port = svc.ports[i];
    const std::string p = "spec.ports[" + std::to_string(i) + "]";
    check_port(port.port, p + ".port", report);
    if (port.name.empty()) {
      if (svc.ports.size() > 1) report(p + ".name", "required when a Service has several ports", p);
    } else if (auto reason = check_dns1123_label(port.name); !reason.empty()) {
      report(p + ".name", "invalid port name " + in_quotes(port.name) + ": " + reason);
    } else if (!names.insert(port.name).second) {
      report(p + ".name", "duplicate port name " + in_quotes(port.name));
    }
    if (const auto* number = std::get_if<uint32_t>(&port.target_port)) {
      if (*number != 0) check_port(*number, p + ".targetPort", report);
    } else if (auto reason = check_port_name(std::get<std::string>(port.target_port));
               !reason.empty()) {
      report(p + ".targetPort", "invalid port name " +
                                    in_quotes(std::get<std::string>(port.target_port)) + ": " +
                                    reason);
    }
    if (port.node_port > 65535) check_port(port.node_port, p + ".nodePort", report);
  }
  check_labels(svc.selector, "spec.selector", report);
}

void validate_endpoint_slice(const EndpointSlice& slice, Reporter& report) {
  using AddressType = EndpointSlice::AddressType;
  if (slice.endpoints.size() > kMaxSliceEndpoints) {
    report("endpoints", "at most 1000 endpoints per slice");
  }
  if (slice.ports.size() > kMaxSlicePorts) report("ports", "at most 100 ports per slice");
  for (size_t i = 0; i < slice.endpoints.size(); ++i) {
    const auto& ep = slice.endpoints[i];
    const std::string p = "endpoints[" + std::to_string(i) + "]";
    if (ep.addresses.empty() || ep.addresses.size() > kMaxEndpointAddresses) {
      report(p + ".addresses", "must have 1 to 100 addresses", p);
    }
    for (size_t j = 0; j < ep.addresses.size(); ++j) {
      const auto& a = ep.addresses[j];
      const std::string ap = p + ".addresses[" + std::to_string(j) + "]";
      switch (slice.address_type) {
        case AddressType::kIPv4:
          if (!is_family(a, AF_INET)) report(ap, in_quotes(a) + " is not an IPv4 address");
          break;
        case AddressType::kIPv6:
          if (!is_family(a, AF_INET6)) report(ap, in_quotes(a) + " is not an IPv6 address");
          break;
        case AddressType::kFqdn:
          if (auto reason = check_dns1123_subdomain(a); !reason.empty()) {
            report(ap, in_quotes(a) + " is not a DNS name: " + reason);
          }
          break;
      }
    }
    if (!ep.hostname.empty()) {
      if (auto reason = check_dns1123_label(ep.hostname); !reason.empty()) {
        report(p + ".hostname", "invalid hostname " + in_quotes(ep.hostname) + ": " + reason);
      }
    }
  }
  std::set<std::string> names;
  for (size_t i = 0; i < slice.ports.size(); ++i) {
    const auto& port = slice.ports[i];
    const std::string p = "ports[" + std::to_string(i) + "]";
    if (port.port) check_port(*port.port, p + ".port", report);
    if (!port.name.empty()) {
      if (auto reason = check_dns1123_label(port.name); !reason.empty()) {
        report(p + ".name", "invalid port name " + in_quotes(port.name) + ": " + reason);
      }
    }
    if (!names.insert(port.name).second) {
      report(p + ".name", "duplicate port name " + in_quotes(port.name));
    }
  }
  check_labels(slice.meta.labels, "metadata.labels", report);
}

void validate_pod(const Pod& pod, Reporter& report) {
  if (pod.containers.empty()) report("spec.containers", "required: a Pod needs a container");
  std::set<std::string> names;
  check_containers(pod.containers, "spec.containers", names, report);
  check_containers(pod.init_containers, "spec.initContainers", names, report);
  if (!pod.service_account_name.empty()) {
    if (auto reason = check_dns1123_subdomain(pod.service_account_name); !reason.empty()) {
      report("spec.serviceAccountName",
             "invalid name " + in_quotes(pod.service_account_name) + ": " + reason);
    }
  }
  if (!pod.pod_ip.empty() && !is_ip_address(pod.pod_ip)) {
    report("status.podIP", in_quotes(pod.pod_ip) + " is not an IP address");
  }
  for (size_t i = 0; i < pod.pod_ips.size(); ++i) {
    if (!is_ip_address(pod.pod_ips[i])) {
      report("status.podIPs[" + std::to_string(i) + "]",
             in_quotes(pod.pod_ips[i]) + " is not an IP address");
    }
  }
  check_labels(pod.meta.labels, "metadata.labels", report);
}

void validate_service_account(const ServiceAccount& sa, Reporter& report) {
  for (size_t i = 0; i < sa.secrets.size(); ++i) {
    if (auto reason = check_dns1123_subdomain(sa.secrets[i]); !reason.empty()) {
      report("secrets[" + std::to_string(i) + "].name",
             "invalid name " + in_quotes(sa.secrets[i]) + ": " + reason);
    }
  }
}

void validate_namespace(const Namespace& ns, Reporter& report) {
  // validate_meta has checked it as a DNS subdomain; a namespace name is the stricter label.
  if (!ns.meta.name.empty() && check_dns1123_subdomain(ns.meta.name).empty()) {
    if (auto reason = check_dns1123_label(ns.meta.name); !reason.empty()) {
      report("metadata.name", "invalid namespace name " + in_quotes(ns.meta.name) + ": " + reason);
    }
  }
  check_labels(ns.meta.labels, "metadata.labels", report);
}

void validate_secret(const Secret& secret, Reporter& report) {
  size_t bytes = check_keys(secret.data, "data", report);
  if (bytes > kMaxDataBytes) report("data", "Secret data is larger than 1 MiB");
  if (secret.type.empty()) report("type", "must not be empty");
  if (secret.type == kSecretTypeTls) {
    for (const char* key : {"tls.crt", "tls.key"}) {
      if (!secret.data.contains(key)) {
        report("data", std::string("a kubernetes.io/tls Secret needs the key ") + key, "type");
      }
    }
  }
}

void validate_config_map(const ConfigMap& cm, Reporter& report) {
  size_t bytes = check_keys(cm.data, "data", report);
  bytes += check_keys(cm.binary_data, "binaryData", report);
  for (const auto& [k, v] : cm.binary_data) {
    if (cm.data.contains(k)) report("binaryData." + k, "key " + in_quotes(k) + " is also in data");
  }
  if (bytes > kMaxDataBytes) report("data", "ConfigMap data is larger than 1 MiB");
  // The mesh's own config: refused here like any bad object, so the last good one stays.
  if (cm.meta.name == kMeshConfigMapName) {
    for (const auto& e : mesh_config_from_config_map(cm).errors) report(e.field, e.message);
  }
}

}  // namespace jib::mesh::detail
