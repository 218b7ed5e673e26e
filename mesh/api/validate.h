// Istio's validation rules for the kinds Jib knows, applied to typed objects.
#pragma once

#include <string_view>

#include "mesh/api/config_error.h"
#include "mesh/api/config_object.h"

namespace jib::mesh {

// Every problem of the object (not only the first). Lines come from `lines` when given,
// falling back to the nearest enclosing field and then to the object's own line.
ConfigErrors validate(const ConfigObject& object, const FieldLines* lines = nullptr);

}  // namespace jib::mesh
