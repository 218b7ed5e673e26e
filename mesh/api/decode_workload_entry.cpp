#include "mesh/api/decode_kinds.h"

namespace jib::mesh::detail {

void decode_workload_entry(Decoder& d, const YAML::Node& spec, WorkloadEntry& out) {
  decode_workload_entry_spec(d, spec, "spec", out.spec);
}

}  // namespace jib::mesh::detail
