// Starts Envoy and keeps it running, as Istio's pilot-agent does: a crashed Envoy is started
// again after a backoff; stop() asks it to exit (SIGTERM) and kills it if it does not.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/backoff.h"

namespace jib::agent {

struct EnvoySupervisorOptions {
  std::string binary;
  std::vector<std::string> args;  // after argv[0]
  BackoffOptions backoff{std::chrono::milliseconds(1000), std::chrono::milliseconds(30000), 2.0,
                         0.2};
  // A run this long counts as healthy: the next crash restarts after the initial delay again.
  std::chrono::seconds healthy_after{30};
  std::chrono::seconds stop_timeout{10};
};

class EnvoySupervisor {
 public:
  explicit EnvoySupervisor(EnvoySupervisorOptions options);
  ~EnvoySupervisor();

  // Starts the first Envoy and the thread that watches it.
  void start();
  // SIGTERM to Envoy, SIGKILL after stop_timeout, then no more restarts; idempotent.
  void stop();
  // The running Envoy's pid, or 0.
  pid_t pid() const;
  int starts() const;

 private:
  void run();
  pid_t spawn();

  EnvoySupervisorOptions options_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  pid_t pid_ = 0;
  int starts_ = 0;
  std::thread thread_;
};

}  // namespace jib::agent
