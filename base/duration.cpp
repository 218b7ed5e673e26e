#include "base/duration.h"

#include <array>
#include <cstdint>
#include <limits>
#include <utility>

namespace jib {
namespace {

constexpr uint64_t kMax = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());

// Longest first, so that "ms" is not read as "m" followed by garbage.
constexpr std::array<std::pair<std::string_view, uint64_t>, 9> kUnits = {{
    {"ns", 1},
    {"us", 1'000},
    {"\xC2\xB5s", 1'000},  // U+00B5 micro sign, as Go accepts
    {"\xCE\xBCs", 1'000},  // U+03BC Greek small mu, as Go accepts
    {"ms", 1'000'000},
    {"s", 1'000'000'000},
    {"m", 60'000'000'000},
    {"h", 3'600'000'000'000},
    {"d", 86'400'000'000'000},
}};

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Reads leading digits into *value; false on overflow past kMax.
bool leading_int(std::string_view* s, uint64_t* value) {
  *value = 0;
  while (!s->empty() && is_digit(s->front())) {
    const uint64_t digit = static_cast<uint64_t>(s->front() - '0');
    if (*value > (kMax - digit) / 10) return false;
    *value = *value * 10 + digit;
    s->remove_prefix(1);
  }
  return true;
}

// Reads leading digits as a fraction value/scale; digits past what fits are dropped, as Go does.
void leading_fraction(std::string_view* s, uint64_t* value, double* scale) {
  *value = 0;
  *scale = 1;
  bool overflow = false;
  while (!s->empty() && is_digit(s->front())) {
    const uint64_t digit = static_cast<uint64_t>(s->front() - '0');
    if (!overflow && *value <= (kMax - digit) / 10) {
      *value = *value * 10 + digit;
      *scale *= 10;
    } else {
      overflow = true;
    }
    s->remove_prefix(1);
  }
}

std::optional<std::chrono::nanoseconds> fail(std::string* error, std::string message,
                                             std::string_view text) {
  *error = message + ": \"" + std::string(text) + "\"";
  return std::nullopt;
}

// Go's `[number unit]+` after any sign: units as kUnits, "d" only when days.
std::optional<std::chrono::nanoseconds> parse_units(std::string_view s, std::string_view text,
                                                    std::string* error, bool days) {
  if (s.empty()) return fail(error, "invalid duration", text);
  uint64_t total = 0;
  while (!s.empty()) {
    if (!is_digit(s.front()) && s.front() != '.') return fail(error, "invalid duration", text);
    const size_t before = s.size();
    uint64_t whole = 0;
    if (!leading_int(&s, &whole)) return fail(error, "duration out of range", text);
    const bool had_whole = s.size() != before;
    uint64_t fraction = 0;
    double scale = 1;
    bool had_fraction = false;
    if (!s.empty() && s.front() == '.') {
      s.remove_prefix(1);
      const size_t at = s.size();
      leading_fraction(&s, &fraction, &scale);
      had_fraction = s.size() != at;
    }
    if (!had_whole && !had_fraction) return fail(error, "invalid duration", text);
    size_t unit_length = 0;
    while (unit_length < s.size() && s[unit_length] != '.' && !is_digit(s[unit_length])) {
      ++unit_length;
    }
    if (unit_length == 0) {
      return fail(error, "missing unit (ns, us, ms, s, m, h or d) in duration", text);
    }
    const std::string_view unit_name = s.substr(0, unit_length);
    s.remove_prefix(unit_length);
    uint64_t unit = 0;
    for (const auto& [name, nanos] : kUnits) {
      if (name == unit_name && (days || name != "d")) unit = nanos;
    }
    if (unit == 0) {
      return fail(error, "unknown unit \"" + std::string(unit_name) + "\" in duration", text);
    }
    if (whole > kMax / unit) return fail(error, "duration out of range", text);
    uint64_t value = whole * unit;
    if (fraction > 0) {
      value += static_cast<uint64_t>(static_cast<double>(fraction) *
                                     (static_cast<double>(unit) / scale));
      if (value > kMax) return fail(error, "duration out of range", text);
    }
    if (value > kMax - total) return fail(error, "duration out of range", text);
    total += value;
  }
  return std::chrono::nanoseconds(static_cast<int64_t>(total));
}

}  // namespace

std::optional<std::chrono::nanoseconds> parse_duration(
    std::string_view text, std::string* error, std::optional<std::chrono::nanoseconds> bare_unit) {
  std::string_view s = text;
  if (s.empty()) return fail(error, "empty duration", text);
  if (s.front() == '-') return fail(error, "negative duration", text);
  if (s.front() == '+') s.remove_prefix(1);
  if (s == "0") return std::chrono::nanoseconds(0);
  if (bare_unit && !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos) {
    uint64_t n = 0;
    const uint64_t unit = static_cast<uint64_t>(bare_unit->count());
    if (!leading_int(&s, &n) || (unit != 0 && n > kMax / unit)) {
      return fail(error, "duration out of range", text);
    }
    return std::chrono::nanoseconds(static_cast<int64_t>(n * unit));
  }
  return parse_units(s, text, error, /*days=*/true);
}

std::optional<std::chrono::nanoseconds> parse_go_duration(std::string_view text,
                                                          std::string* error) {
  if (text.empty()) return fail(error, "empty duration", text);
  if (text.front() == '-') return fail(error, "negative duration", text);
  if (text == "0") return std::chrono::nanoseconds(0);
  return parse_units(text, text, error, /*days=*/false);
}

std::string format_duration(std::chrono::nanoseconds d) {
  if (d.count() == 0) return "0s";
  std::string out;
  if (d < std::chrono::nanoseconds(0)) {
    out = "-";
    d = -d;
  }
  // Hours, minutes and seconds compose ("1h30m"); below a second one unit says it all.
  if (d < std::chrono::seconds(1)) {
    if (d.count() % 1'000'000 == 0) return out + std::to_string(d.count() / 1'000'000) + "ms";
    if (d.count() % 1'000 == 0) return out + std::to_string(d.count() / 1'000) + "us";
    return out + std::to_string(d.count()) + "ns";
  }
  if (d.count() % 1'000'000'000 != 0) {
    if (d.count() % 1'000'000 == 0) return out + std::to_string(d.count() / 1'000'000) + "ms";
    return out + std::to_string(d.count()) + "ns";
  }
  int64_t seconds = d.count() / 1'000'000'000;
  if (seconds >= 3600) out += std::to_string(seconds / 3600) + "h";
  seconds %= 3600;
  if (seconds >= 60) out += std::to_string(seconds / 60) + "m";
  seconds %= 60;
  if (seconds > 0) out += std::to_string(seconds) + "s";
  return out;
}

}  // namespace jib
