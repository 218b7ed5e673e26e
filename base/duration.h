// Durations as Istio and Envoy spell them (Go's time.ParseDuration): "100ms", "10s", "1h30m",
// "1.5h", "250us"; also "d" for days, which Jib's CA flags used before.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace jib {

// Parses text into nanoseconds. A bare integer is `bare_unit` times it when bare_unit is set
// (flags that took a plain number before keep its meaning), else an error unless it is "0".
// Negative durations are refused: no flag of Jib means anything by them. Nullopt with *error
// naming the problem (missing unit, unknown unit, overflow, negative, malformed).
std::optional<std::chrono::nanoseconds> parse_duration(
    std::string_view text, std::string* error,
    std::optional<std::chrono::nanoseconds> bare_unit = std::nullopt);

// Exactly Go's time.ParseDuration syntax, as Istio's config writes durations: no days, no bare
// numbers but "0", no sign. Negative durations are refused.
std::optional<std::chrono::nanoseconds> parse_go_duration(std::string_view text,
                                                          std::string* error);

// The shortest spelling parse_duration reads back: "100ms", "20m", "1h30m", "0s".
std::string format_duration(std::chrono::nanoseconds d);

}  // namespace jib
