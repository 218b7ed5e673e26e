// Process-wide logging: one line per message on stderr, with time, level and component.
// Never pass key material to these functions.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>

namespace jib::log {

// Text that a client chose (node ids, resource names, NACK details) is clipped to this many bytes
// in a log line; every line is clipped to kMaxLineBytes.
constexpr size_t kClientTextMax = 512;
constexpr size_t kMaxLineBytes = 8192;

// text, or its first max bytes and how many more there were.
std::string clip(std::string_view text, size_t max = kClientTextMax);

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

// The lines one client may cause: a burst, then one per interval. Lines over the budget are
// counted (jib_log_lines_suppressed_total) instead of written, and the next line written says how
// many were left out, so that one client cannot flood the log.
class LineBudget {
 public:
  using Now = std::chrono::steady_clock::time_point (*)();
  explicit LineBudget(int burst = 10, std::chrono::milliseconds interval = std::chrono::seconds(1),
                      Now now = &std::chrono::steady_clock::now)
      : burst_(burst), interval_(interval), now_(now), tokens_(burst), refilled_(now()) {}

  template <typename... Args>
  void warn(std::string_view component, const Args&... args) {
    if (level() > Level::kWarn) return;
    if (auto note = take()) write(Level::kWarn, component, detail::concat(args...) + *note);
  }
  template <typename... Args>
  void error(std::string_view component, const Args&... args) {
    if (auto note = take()) write(Level::kError, component, detail::concat(args...) + *note);
  }

 private:
  // Nullopt when over budget; else what to add to the line ("" or the count left out).
  std::optional<std::string> take();

  const int burst_;
  const std::chrono::milliseconds interval_;
  const Now now_;
  std::mutex mutex_;
  int tokens_;
  std::chrono::steady_clock::time_point refilled_;
  uint64_t suppressed_ = 0;
};

// The budget of the client at a gRPC peer address ("ipv4:10.0.0.1:5123"), port ignored: shared
// by every stream it opens, so that many streams do not multiply it. At most a few thousand
// addresses are remembered.
std::shared_ptr<LineBudget> peer_budget(std::string_view peer);

}  // namespace jib::log
