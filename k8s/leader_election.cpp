#include "k8s/leader_election.h"

#include <unistd.h>

#include <cstdlib>

#include "base/log.h"
#include "k8s/resources.h"
#include "k8s/util.h"

namespace jib::k8s {
namespace {
constexpr std::string_view kLog = "leader";
}

std::string default_identity() {
  if (const char* pod = std::getenv("POD_NAME"); pod != nullptr && *pod != '\0') return pod;
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  return std::string(host) + "_" + std::to_string(getpid());
}

LeaderElector::LeaderElector(LeaderElectionOptions options, KubeClientPtr client,
                             jib::ClockPtr clock)
    : options_(std::move(options)), client_(std::move(client)), clock_(std::move(clock)) {
  if (options_.identity.empty()) options_.identity = default_identity();
}

LeaderElector::~LeaderElector() { stop(); }

void LeaderElector::on_change(Callback cb) { callbacks_.push_back(std::move(cb)); }

void LeaderElector::start() {
  if (thread_.joinable()) return;
  log::info(kLog, "candidate ", options_.identity, " for lease ", options_.ns, "/", options_.name);
  thread_ = std::jthread([this](std::stop_token stop) {
    while (!stop.stop_requested()) {
      step();
      std::unique_lock lock(mu_);
      cv_.wait_for(lock, stop, options_.retry_period, [] { return false; });
    }
  });
}

void LeaderElector::stop() {
  if (!thread_.joinable()) return;
  thread_.request_stop();
  cv_.notify_all();
  thread_.join();
  release();
}

void LeaderElector::set_leader(bool leading) {
  if (leader_.exchange(leading) == leading) return;
  log::info(kLog, options_.identity, leading ? " is now the leader" : " stopped leading");
  for (const auto& cb : callbacks_) cb(leading);
}

void LeaderElector::step() {
  bool ok = try_acquire_or_renew();
  auto now = clock_->now();
  if (ok) {
    last_renew_ = now;
    set_leader(true);
  } else if (leader_ && now - last_renew_ >= options_.renew_deadline) {
    set_leader(false);
  } else if (!leader_) {
    set_leader(false);
  }
}

nlohmann::json LeaderElector::lease_body(const nlohmann::json* existing,
                                         bool holder_changed) const {
  auto now = format_micro_time(clock_->now());
  nlohmann::json lease =
      existing != nullptr
          ? *existing
          : nlohmann::json{{"apiVersion", "coordination.k8s.io/v1"},
                           {"kind", "Lease"},
                           {"metadata", {{"name", options_.name}, {"namespace", options_.ns}}},
                           {"spec", nlohmann::json::object()}};
  auto& spec = lease["spec"];
  int transitions = spec.is_object() ? spec.value("leaseTransitions", 0) : 0;
  spec["holderIdentity"] = options_.identity;
  spec["leaseDurationSeconds"] = options_.lease_duration.count();
  spec["renewTime"] = now;
  if (holder_changed || existing == nullptr) {
    spec["acquireTime"] = now;
    spec["leaseTransitions"] = existing == nullptr ? 0 : transitions + 1;
  }
  return lease;
}

bool LeaderElector::try_acquire_or_renew() {
  const Resource leases = resources::leases();
  auto now = clock_->now();
  Result got = client_->get(leases, options_.ns, options_.name);
  if (got.not_found()) {
    Result created = client_->create(leases, options_.ns, lease_body(nullptr, true));
    if (!created.ok()) {
      if (!created.conflict()) log::warn(kLog, "cannot create lease: ", created.error);
      return false;
    }
    observed_spec_ = created.body["spec"];
    observed_time_ = now;
    return true;
  }
  if (!got.ok()) {
    log::warn(kLog, "cannot get lease: ", got.error);
    return false;
  }
  const nlohmann::json spec =
      got.body.contains("spec") ? got.body["spec"] : nlohmann::json::object();
  if (spec != observed_spec_) {
    observed_spec_ = spec;
    observed_time_ = now;
  }
  std::string holder = spec.is_object() ? spec.value("holderIdentity", "") : "";
  int duration_s = spec.is_object() ? spec.value("leaseDurationSeconds", 0) : 0;
  bool mine = holder == options_.identity;
  if (!mine && !holder.empty() && now < observed_time_ + std::chrono::seconds(duration_s)) {
    return false;  // held by another replica and not expired
  }
  // Optimistic: the body carries the resourceVersion read, so a racing candidate gets 409.
  Result updated =
      client_->update(leases, options_.ns, options_.name, lease_body(&got.body, !mine));
  if (!updated.ok()) {
    if (!updated.conflict()) log::warn(kLog, "cannot update lease: ", updated.error);
    return false;
  }
  if (!mine) log::info(kLog, options_.identity, " took over the lease from \"", holder, "\"");
  observed_spec_ = updated.body["spec"];
  observed_time_ = now;
  return true;
}

void LeaderElector::release() {
  if (!leader_) return;
  const Resource leases = resources::leases();
  Result got = client_->get(leases, options_.ns, options_.name);
  if (got.ok() && got.body["spec"].value("holderIdentity", "") == options_.identity) {
    nlohmann::json lease = got.body;
    lease["spec"]["holderIdentity"] = "";
    lease["spec"]["leaseDurationSeconds"] = 1;
    lease["spec"]["renewTime"] = format_micro_time(clock_->now());
    Result r = client_->update(leases, options_.ns, options_.name, lease);
    if (!r.ok()) log::warn(kLog, "cannot release lease: ", r.error);
  }
  set_leader(false);
}

}  // namespace jib::k8s
