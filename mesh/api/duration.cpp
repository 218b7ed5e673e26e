#include "mesh/api/duration.h"

#include <cstdint>
#include <limits>

namespace jib::mesh {
namespace {

struct Unit {
  std::string_view suffix;
  int64_t nanos;
};

// Longest suffixes first, so that "ms" is not read as "m" followed by junk.
constexpr Unit kUnits[] = {
    {"ns", 1},           {"us", 1000},         {"\xC2\xB5s", 1000},    {"ms", 1000000},
    {"s", 1000000000LL}, {"m", 60000000000LL}, {"h", 3600000000000LL},
};

}  // namespace

std::optional<Duration> parse_duration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  if (text == "0") return Duration{0};
  // Fractions are kept as an exact decimal (digits / 10^scale) to avoid floating point.
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  int64_t total = 0;
  size_t i = 0;
  while (i < text.size()) {
    int64_t whole = 0;
    int64_t frac = 0;
    int64_t scale = 1;
    bool digits = false;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      if (whole > (kMax - 9) / 10) return std::nullopt;
      whole = whole * 10 + (text[i] - '0');
      digits = true;
      ++i;
    }
    if (i < text.size() && text[i] == '.') {
      ++i;
      while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
        // Digits beyond nanosecond precision cannot change the result.
        if (scale < 1000000000LL) {
          frac = frac * 10 + (text[i] - '0');
          scale *= 10;
        }
        digits = true;
        ++i;
      }
    }
    if (!digits) return std::nullopt;
    const Unit* unit = nullptr;
    for (const auto& u : kUnits) {
      if (text.substr(i, u.suffix.size()) == u.suffix) {
        unit = &u;
        break;
      }
    }
    if (unit == nullptr) return std::nullopt;
    i += unit->suffix.size();
    if (whole > kMax / unit->nanos) return std::nullopt;
    // Split so that neither product overflows: frac < 10^9 and scale <= 10^9.
    int64_t part = whole * unit->nanos;
    int64_t frac_nanos =
        unit->nanos % scale == 0 ? frac * (unit->nanos / scale) : frac * unit->nanos / scale;
    if (frac_nanos > kMax - part) return std::nullopt;
    part += frac_nanos;
    if (part > kMax - total) return std::nullopt;
    total += part;
  }
  return Duration{total};
}

std::string format_duration(Duration d) {
  int64_t ns = d.count();
  if (ns == 0) return "0s";
  std::string sign = ns < 0 ? "-" : "";
  if (ns < 0) ns = -ns;
  if (ns % 1000000000LL == 0) return sign + std::to_string(ns / 1000000000LL) + "s";
  if (ns % 1000000LL == 0) return sign + std::to_string(ns / 1000000LL) + "ms";
  if (ns % 1000LL == 0) return sign + std::to_string(ns / 1000LL) + "us";
  return sign + std::to_string(ns) + "ns";
}

}  // namespace jib::mesh
