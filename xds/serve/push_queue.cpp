#include "xds/serve/push_queue.h"

#include "base/log.h"

namespace jib::xds {

PushQueue::PushQueue(PushQueueOptions options, PushFn push)
    : options_(options), push_(std::move(push)) {}

PushQueue::~PushQueue() { stop(); }

void PushQueue::enqueue(const mesh::ChangeEvent& event) {
  {
    std::lock_guard lock(mutex_);
    auto now = std::chrono::steady_clock::now();
    if (!pending_state_) first_event_ = now;
    last_event_ = now;
    pending_state_ = event.state;
    pending_changes_.insert(event.changed.begin(), event.changed.end());
  }
  wake_.notify_one();
}

void PushQueue::mark_changed(mesh::StoreStatePtr current) {
  auto now = std::chrono::steady_clock::now();
  if (!pending_state_) {
    first_event_ = now;
    pending_state_ = std::move(current);
  }
  last_event_ = now;
}

void PushQueue::set_trust_roots(mesh::TrustRootsPtr roots, mesh::StoreStatePtr current) {
  {
    std::lock_guard lock(mutex_);
    mark_changed(std::move(current));
    trust_roots_ = std::move(roots);
  }
  wake_.notify_one();
}

void PushQueue::set_jwks(mesh::JwksByUriPtr jwks, mesh::StoreStatePtr current) {
  {
    std::lock_guard lock(mutex_);
    mark_changed(std::move(current));
    jwks_ = std::move(jwks);
  }
  wake_.notify_one();
}

void PushQueue::start() {
  thread_ = std::thread([this] { run(); });
}

void PushQueue::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void PushQueue::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (!pending_state_) {
      wake_.wait(lock, [this] { return stopping_ || pending_state_; });
      continue;
    }
    auto due = std::min(last_event_ + options_.quiet, first_event_ + options_.max_delay);
    if (std::chrono::steady_clock::now() < due) {
      wake_.wait_until(lock, due);
      continue;
    }
    mesh::StoreStatePtr state = std::move(pending_state_);
    std::set<mesh::ConfigKey> changed = std::move(pending_changes_);
    pending_state_.reset();
    pending_changes_.clear();
    mesh::TrustRootsPtr roots = trust_roots_;
    mesh::JwksByUriPtr jwks = jwks_;
    lock.unlock();
    auto snapshot = mesh::Snapshot::build(state, options_.mesh_config.resolve(*state),
                                          std::move(roots), std::move(jwks));
    log::info("push", "snapshot for generation ", state->generation, ", ", changed.size(),
              " changed objects");
    push_(std::move(snapshot), changed);
    lock.lock();
  }
}

}  // namespace jib::xds
