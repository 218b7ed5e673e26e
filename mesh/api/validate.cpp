// Validation of one object: its metadata, then its kind's rules, found in the kind registry.
#include "mesh/api/validate.h"

#include "mesh/api/kind_registry.h"
#include "mesh/api/validate_kinds.h"

namespace jib::mesh {

ConfigErrors validate(const ConfigObject& object, const FieldLines* lines) {
  ConfigErrors errors;
  const KindInfo& info = kind_info(object);
  const ObjectMeta& meta =
      std::visit([](const auto& o) -> const ObjectMeta& { return o.meta; }, object);
  detail::Reporter report(info.kind, meta, lines, &errors);
  detail::validate_meta(meta, report);
  info.validate(object, report);
  return errors;
}

}  // namespace jib::mesh
