// networking.istio.io WorkloadEntry, as typed values.
#pragma once

#include "mesh/api/object_meta.h"
#include "mesh/api/service_entry.h"

namespace jib::mesh {

struct WorkloadEntry {
  ObjectMeta meta;
  WorkloadEntrySpec spec;
  bool operator==(const WorkloadEntry&) const = default;
};

}  // namespace jib::mesh
