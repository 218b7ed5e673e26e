// Figures for the fan-out benchmark: latency percentiles and what /proc says about a process.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace jib::bench {

// Nearest-rank percentiles of a sample, in milliseconds; count 0 when the sample is empty.
struct Percentiles {
  size_t count = 0;
  double p50 = 0, p99 = 0, max = 0;
};
Percentiles Summarize(std::vector<double> ms);
// "p50 1.2 ms  p99 3.4 ms  max 5.6 ms (n=100)" or "none".
std::string Format(const Percentiles& p);

// Memory and CPU of a process from /proc/<pid>/status and /proc/<pid>/stat; -1 where unknown.
struct ProcFigures {
  int64_t vm_hwm_kb = -1;  // peak resident set
  int64_t vm_rss_kb = -1;
  int threads = -1;
  double cpu_s = -1;  // user + system since the process started
};
ProcFigures ReadProc(int pid);

// CPU seconds (user + system) used by this process so far.
double SelfCpuSeconds();
// Sockets this process holds open (a client-side count of TCP connections).
int CountOwnSockets();

}  // namespace jib::bench
