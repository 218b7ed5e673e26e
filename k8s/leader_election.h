// Leader election with a coordination.k8s.io/v1 Lease, as client-go's leaderelection: the
// holder renews the lease every retry period; another candidate takes it over once it has seen
// the same record unchanged for a whole lease duration (local observation time, so that clocks
// need not agree). Only the singleton work (namespace ConfigMaps, creating the self-signed root)
// waits for leadership; every replica serves xDS and CSRs.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/clock.h"
#include "k8s/kube_client.h"

namespace jib::k8s {

struct LeaderElectionOptions {
  std::string ns = "istio-system";
  std::string name = "jib-leader";
  std::string identity;  // this replica: pod name, or hostname and pid
  std::chrono::seconds lease_duration{15};
  std::chrono::seconds renew_deadline{10};  // a leader that cannot renew this long steps down
  std::chrono::seconds retry_period{2};
};

class LeaderElector {
 public:
  using Callback = std::function<void(bool leading)>;

  LeaderElector(LeaderElectionOptions options, KubeClientPtr client, jib::ClockPtr clock);
  ~LeaderElector();

  // Called (on the election thread) when this replica starts or stops leading. Add before start.
  void on_change(Callback cb);
  void start();
  // Stops; a leader releases the lease (holder cleared) so that another takes over at once.
  void stop();
  bool is_leader() const { return leader_.load(); }

  // One attempt to acquire or renew, at clock time now; true when this replica holds the
  // lease afterwards. The run loop calls it every retry period; tests call it directly.
  bool try_acquire_or_renew();
  // Applies the result of one attempt to the leadership state, calling callbacks on changes.
  void step();
  // Gives the lease up if held (holder cleared, duration 1 s).
  void release();

 private:
  nlohmann::json lease_body(const nlohmann::json* existing, bool holder_changed) const;
  void set_leader(bool leading);

  LeaderElectionOptions options_;
  KubeClientPtr client_;
  jib::ClockPtr clock_;
  std::vector<Callback> callbacks_;
  std::atomic<bool> leader_{false};

  // The last record seen and when (local clock) it was first seen.
  nlohmann::json observed_spec_;
  std::chrono::system_clock::time_point observed_time_{};
  std::chrono::system_clock::time_point last_renew_{};

  std::mutex mu_;
  std::condition_variable_any cv_;
  std::jthread thread_;
};

// POD_NAME when set, else hostname_pid.
std::string default_identity();

}  // namespace jib::k8s
