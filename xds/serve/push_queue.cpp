#include "xds/serve/push_queue.h"

#include <utility>

#include "base/log.h"

namespace jib::xds {

PushQueue::PushQueue(PushQueueOptions options, PushFn push)
    : options_(options), push_(std::move(push)) {}

PushQueue::~PushQueue() { stop(); }

void PushQueue::enqueue(const mesh::ChangeEvent& event) {
  {
    std::lock_guard lock(mutex_);
    auto now = std::chrono::steady_clock::now();
    if (!pending_state_) {
      first_event_ = now;
      from_generation_ = event.generation - 1;
      contiguous_ = true;
    } else if (event.generation != last_generation_ + 1) {
      contiguous_ = false;  // a change in between was not seen: no change set to trust
    }
    last_generation_ = event.generation;
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
    from_generation_ = last_generation_ = current->generation;
    contiguous_ = true;
    pending_state_ = std::move(current);
  }
  last_event_ = now;
}

void PushQueue::set_trust_roots(mesh::TrustRootsPtr roots, mesh::StoreStatePtr current) {
  {
    std::lock_guard lock(mutex_);
    mark_changed(std::move(current));
    trust_roots_ = std::move(roots);
    trust_roots_changed_ = true;
  }
  wake_.notify_one();
}

void PushQueue::set_jwks(mesh::JwksByUriPtr jwks, mesh::StoreStatePtr current) {
  {
    std::lock_guard lock(mutex_);
    mark_changed(std::move(current));
    jwks_ = std::move(jwks);
    jwks_changed_ = true;
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
    PushRequest request;
    request.changed = std::move(pending_changes_);
    request.from_generation = from_generation_;
    request.complete = contiguous_ && last_generation_ == state->generation;
    request.trust_roots_changed = std::exchange(trust_roots_changed_, false);
    request.jwks_changed = std::exchange(jwks_changed_, false);
    pending_state_.reset();
    pending_changes_.clear();
    mesh::TrustRootsPtr roots = trust_roots_;
    mesh::JwksByUriPtr jwks = jwks_;
    lock.unlock();
    request.snapshot = mesh::Snapshot::build(state, options_.mesh_config.resolve(*state),
                                             std::move(roots), std::move(jwks));
    log::info("push", "snapshot for generation ", state->generation, ", ", request.changed.size(),
              " changed objects");
    push_(std::move(request));
    lock.lock();
  }
}

}  // namespace jib::xds
