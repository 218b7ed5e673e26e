// Process-wide logging: one line per message on stderr, with time, level and component.
// Never pass key material to these functions.
#pragma once

#include <sstream>
#include <string>
#include <string_view>

namespace jib::log {

enum class Level { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

// Messages below this level are dropped. Set once at start-up from --log-level.
void set_level(Level level);
Level level();
// Parses "debug", "info", "warn", "error"; returns false for anything else.
bool parse_level(std::string_view text, Level* out);

void write(Level level, std::string_view component, std::string_view message);

namespace detail {
template <typename... Args>
std::string concat(const Args&... args) {
  std::ostringstream out;
  (out << ... << args);
  return out.str();
}
}  // namespace detail

template <typename... Args>
void debug(std::string_view component, const Args&... args) {
  if (level() <= Level::kDebug) write(Level::kDebug, component, detail::concat(args...));
}
template <typename... Args>
void info(std::string_view component, const Args&... args) {
  if (level() <= Level::kInfo) write(Level::kInfo, component, detail::concat(args...));
}
template <typename... Args>
void warn(std::string_view component, const Args&... args) {
  if (level() <= Level::kWarn) write(Level::kWarn, component, detail::concat(args...));
}
template <typename... Args>
void error(std::string_view component, const Args&... args) {
  write(Level::kError, component, detail::concat(args...));
}

}  // namespace jib::log
