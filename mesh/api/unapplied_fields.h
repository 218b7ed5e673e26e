// Fields that jibd accepts (they parse and validate) but does not yet translate into proxy
// config. A user who sets one must hear about it: jibd logs it once per object, `jibctl validate`
// prints it as a warning, and docs/unapplied-fields.md lists the same table.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "mesh/api/config_error.h"
#include "mesh/api/config_object.h"
#include "mesh/api/mesh_config.h"

namespace jib::mesh {

// One row of the table. path is written as users write it, with [] where any index goes;
// empty for a kind that is accepted but not used at all.
struct UnappliedField {
  std::string kind;    // "VirtualService", or "MeshConfig" for mesh-wide settings
  std::string path;    // "spec.http[].fault"
  std::string values;  // the accepted values that are not applied ("SIMPLE, MUTUAL"); empty: any
  std::string reason;  // what jibd does instead
};

// Every field that jibd accepts but does not apply, by kind then path.
const std::vector<UnappliedField>& unapplied_field_table();

// A field that one object sets and jibd does not apply.
struct UnappliedUse {
  std::string field;  // with indexes: "spec.http[0].fault"; empty for the whole object
  const UnappliedField* row = nullptr;
};

// The table's fields that object sets (to a value other than its default). The `mesh` key of an
// `istio` ConfigMap is read as MeshConfig, its fields under data.mesh.
std::vector<UnappliedUse> unapplied_fields(const ConfigObject& object);

// The MeshConfig fields set to something other than Istio's default that jibd does not apply.
std::vector<UnappliedUse> unapplied_fields(const MeshConfig& mesh_config);

// "accepted, not yet applied (<reason>)", naming the value when only some values are unapplied.
std::string unapplied_message(const UnappliedUse& use);

// unapplied_fields() as warnings in validation's form, with the lines of the fields when given.
ConfigErrors unapplied_warnings(const ConfigObject& object, const FieldLines* lines = nullptr);

// The table as the Markdown of docs/unapplied-fields.md (kept equal by a unit test).
std::string unapplied_fields_markdown();

}  // namespace jib::mesh
