// Kubernetes core/v1 ServiceAccount: a workload identity (spiffe://<td>/ns/<ns>/sa/<name>).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "mesh/api/object_meta.h"

namespace jib::mesh {

struct ServiceAccount {
  ObjectMeta meta;
  std::vector<std::string> secrets;  // names of the referenced Secrets
  std::vector<std::string> image_pull_secrets;
  std::optional<bool> automount_service_account_token;
  bool operator==(const ServiceAccount&) const = default;
};

}  // namespace jib::mesh
