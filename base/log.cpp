#include "base/log.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <map>
#include <mutex>

#include "base/metrics.h"

namespace jib::log {
namespace {
std::atomic<Level> g_level{Level::kInfo};
std::mutex g_mutex;

const char* name_of(Level level) {
  switch (level) {
    case Level::kDebug:
      return "debug";
    case Level::kInfo:
      return "info";
    case Level::kWarn:
      return "warn";
    case Level::kError:
      return "error";
  }
  return "?";
}
}  // namespace

void set_level(Level level) { g_level.store(level); }
Level level() { return g_level.load(std::memory_order_relaxed); }

bool parse_level(std::string_view text, Level* out) {
  for (Level l : {Level::kDebug, Level::kInfo, Level::kWarn, Level::kError}) {
    if (text == name_of(l)) {
      *out = l;
      return true;
    }
  }
  return false;
}

std::string clip(std::string_view text, size_t max) {
  if (text.size() <= max) return std::string(text);
  return std::string(text.substr(0, max)) + "... (" + std::to_string(text.size() - max) +
         " more bytes)";
}

std::optional<std::string> LineBudget::take() {
  static metrics::Counter& suppressed = metrics::Registry::global().counter(
      "jib_log_lines_suppressed_total", "Log lines about one client left out over its budget");
  std::lock_guard lock(mutex_);
  const auto now = now_();
  const auto earned = (now - refilled_) / interval_;
  if (earned > 0) {
    tokens_ = static_cast<int>(std::min<int64_t>(burst_, tokens_ + earned));
    refilled_ += earned * interval_;
  }
  if (tokens_ == 0) {
    ++suppressed_;
    suppressed.inc();
    return std::nullopt;
  }
  --tokens_;
  if (suppressed_ == 0) return std::string();
  std::string note = " (" + std::to_string(suppressed_) + " similar lines left out before this)";
  suppressed_ = 0;
  return note;
}

std::shared_ptr<LineBudget> peer_budget(std::string_view peer) {
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<LineBudget>, std::less<>> budgets;
  constexpr size_t kMaxPeers = 4096;
  // "ipv4:10.0.0.1:5123", "ipv6:[::1]:5123": the address without the port.
  const size_t colon = peer.rfind(':');
  const std::string_view address =
      colon == std::string_view::npos || colon < peer.find(':') + 1 ? peer : peer.substr(0, colon);
  std::lock_guard lock(mutex);
  auto it = budgets.find(address);
  if (it != budgets.end()) return it->second;
  // Forgetting every address at once is crude but bounded; streams keep the budget they hold.
  if (budgets.size() >= kMaxPeers) budgets.clear();
  return budgets.emplace(std::string(address), std::make_shared<LineBudget>()).first->second;
}

void write(Level level, std::string_view component, std::string_view full_message) {
  using namespace std::chrono;
  const std::string clipped =
      full_message.size() > kMaxLineBytes ? clip(full_message, kMaxLineBytes) : std::string();
  const std::string_view message = clipped.empty() ? full_message : clipped;
  auto now = system_clock::now();
  std::time_t secs = system_clock::to_time_t(now);
  auto millis = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
  std::lock_guard lock(g_mutex);
  std::fprintf(stderr, "%s.%03dZ %-5s %.*s: %.*s\n", stamp, static_cast<int>(millis),
               name_of(level), static_cast<int>(component.size()), component.data(),
               static_cast<int>(message.size()), message.data());
  std::fflush(stderr);
}

}  // namespace jib::log
