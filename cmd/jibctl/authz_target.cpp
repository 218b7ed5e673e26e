#include "cmd/jibctl/authz_target.h"

namespace jib::ctl {
namespace {

std::string label_text(const mesh::Labels& labels) {
  std::string out;
  for (const auto& [key, value] : labels) out += (out.empty() ? "" : ",") + key + "=" + value;
  return out;
}

std::optional<AuthzTarget> by_labels(std::string_view ns, std::string_view labels,
                                     std::string* error) {
  AuthzTarget target{"labels", "", {std::string(ns), {}}, "", ""};
  while (!labels.empty()) {
    const size_t comma = labels.find(',');
    const std::string_view pair = labels.substr(0, comma);
    const size_t eq = pair.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      *error = "label \"" + std::string(pair) + "\" is not key=value";
      return std::nullopt;
    }
    target.workload.labels[std::string(pair.substr(0, eq))] = std::string(pair.substr(eq + 1));
    labels = comma == std::string_view::npos ? "" : labels.substr(comma + 1);
  }
  return target;
}

const mesh::ConfigObject* find(const mesh::StoreState& state, const char* kind, std::string_view ns,
                               std::string_view name) {
  auto it = state.objects.find(mesh::ConfigKey{kind, std::string(ns), std::string(name)});
  return it == state.objects.end() ? nullptr : it->second.get();
}

}  // namespace

std::optional<AuthzTarget> find_target(const mesh::StoreState& state, std::string_view spec,
                                       std::string* error) {
  const size_t colon = spec.find(':');
  const size_t slash = spec.find('/');
  if (colon != std::string_view::npos && colon > 0 && colon < slash) {
    return by_labels(spec.substr(0, colon), spec.substr(colon + 1), error);
  }
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == spec.size()) {
    *error = "--to needs namespace/name or namespace:key=value,...";
    return std::nullopt;
  }
  const std::string_view ns = spec.substr(0, slash), name = spec.substr(slash + 1);
  AuthzTarget target;
  target.name = std::string(name);
  target.workload.ns = std::string(ns);
  if (const auto* o = find(state, "Pod", ns, name)) {
    const auto& pod = std::get<mesh::Pod>(*o);
    target.kind = "Pod";
    target.workload.labels = pod.meta.labels;
    target.ip = pod.pod_ip;
    target.service_account = pod.service_account();
  } else if (const auto* o = find(state, "WorkloadEntry", ns, name)) {
    const auto& entry = std::get<mesh::WorkloadEntry>(*o);
    target.kind = "WorkloadEntry";
    target.workload.labels = entry.spec.labels;
    target.ip = entry.spec.address;
    target.service_account = entry.spec.service_account;
  } else {
    *error = "no Pod or WorkloadEntry " + std::string(spec) + " in the config";
    return std::nullopt;
  }
  return target;
}

xds::Proxy target_proxy(const AuthzTarget& target) {
  xds::Proxy proxy;
  const std::string& ns = target.workload.ns;
  const std::string name = target.name.empty() ? "workload" : target.name;
  proxy.ip = target.ip.empty() ? "0.0.0.0" : target.ip;
  proxy.id = "sidecar~" + proxy.ip + "~" + name + "." + ns + "~" + ns + ".svc.cluster.local";
  proxy.workload = name + "." + ns;
  proxy.dns_domain = ns + ".svc.cluster.local";
  proxy.ns = ns;
  proxy.service_account = target.service_account;
  proxy.interception = xds::Proxy::InterceptionMode::kRedirect;
  proxy.labels = target.workload.labels;
  return proxy;
}

std::string describe(const AuthzTarget& target) {
  if (target.kind == "labels") {
    return "labels " + target.workload.ns + ":" + label_text(target.workload.labels);
  }
  std::string out = target.kind + " " + target.workload.ns + "/" + target.name;
  if (!target.workload.labels.empty()) out += " (" + label_text(target.workload.labels) + ")";
  if (!target.ip.empty()) out += " " + target.ip;
  return out;
}

}  // namespace jib::ctl
