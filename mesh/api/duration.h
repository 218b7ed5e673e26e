// Durations as Istio's YAML writes them: "1s", "500ms", "1.5s", "1m", "1h30m".
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "mesh/api/virtual_service.h"

namespace jib::mesh {

// Go's syntax (base/duration.h: parse_go_duration): one or more decimal numbers, each with a
// unit (ns, us, µs, ms, s, m, h). nullopt for anything else, including negative values and
// overflow.
std::optional<Duration> parse_duration(std::string_view text);

// The shortest exact form (base/duration.h), e.g. "2s", "1500ms", "1h30m", "0s"; parse_duration
// reads it back.
std::string format_duration(Duration d);

}  // namespace jib::mesh
