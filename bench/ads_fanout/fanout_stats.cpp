#include "bench/ads_fanout/fanout_stats.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace jib::bench {
namespace {

double Rank(const std::vector<double>& sorted, double p) {
  const auto n = sorted.size();
  auto idx = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(n)));
  return sorted[std::clamp<size_t>(idx, 1, n) - 1];
}

int64_t KbField(const std::string& line) {
  std::istringstream in(line.substr(line.find(':') + 1));
  int64_t kb = -1;
  in >> kb;
  return kb;
}

}  // namespace

Percentiles Summarize(std::vector<double> ms) {
  Percentiles p;
  if (ms.empty()) return p;
  std::sort(ms.begin(), ms.end());
  p.count = ms.size();
  p.p50 = Rank(ms, 50);
  p.p99 = Rank(ms, 99);
  p.max = ms.back();
  return p;
}

std::string Format(const Percentiles& p) {
  if (p.count == 0) return "none";
  char buf[160];
  std::snprintf(buf, sizeof buf, "p50 %.1f ms  p99 %.1f ms  max %.1f ms  (n=%zu)", p.p50, p.p99,
                p.max, p.count);
  return buf;
}

ProcFigures ReadProc(int pid) {
  ProcFigures f;
  const std::string dir = "/proc/" + std::to_string(pid);
  std::ifstream status(dir + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.starts_with("VmHWM:")) f.vm_hwm_kb = KbField(line);
    if (line.starts_with("VmRSS:")) f.vm_rss_kb = KbField(line);
    if (line.starts_with("Threads:")) f.threads = static_cast<int>(KbField(line));
  }
  std::ifstream stat(dir + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  const auto paren = text.rfind(')');
  if (paren != std::string::npos) {
    // Fields after the command name start at field 3 (state); utime and stime are 14 and 15.
    std::istringstream in(text.substr(paren + 2));
    std::string field;
    double utime = -1, stime = -1;
    for (int i = 3; i <= 15 && in >> field; ++i) {
      if (i == 14) utime = std::stod(field);
      if (i == 15) stime = std::stod(field);
    }
    if (utime >= 0 && stime >= 0)
      f.cpu_s = (utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
  }
  return f;
}

double SelfCpuSeconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  auto secs = [](const timeval& tv) { return static_cast<double>(tv.tv_sec) + tv.tv_usec / 1e6; };
  return secs(ru.ru_utime) + secs(ru.ru_stime);
}

int CountOwnSockets() {
  int n = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd", ec)) {
    std::error_code link_ec;
    const auto target = std::filesystem::read_symlink(entry.path(), link_ec);
    if (!link_ec && target.string().starts_with("socket:")) ++n;
  }
  return n;
}

}  // namespace jib::bench
