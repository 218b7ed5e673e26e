#include "k8s/informer.h"

#include <random>

#include "base/log.h"
#include "k8s/util.h"

namespace jib::k8s {
namespace {

constexpr std::string_view kLog = "k8s";

std::string rv_of(const nlohmann::json& obj) { return meta_string(obj, "resourceVersion"); }

}  // namespace

std::vector<InformerEvent> diff_relist(const ObjectCache& cache,
                                       const std::vector<ObjectPtr>& items) {
  std::map<std::string, ObjectPtr> listed;
  for (const auto& item : items) listed[object_key(*item)] = item;
  std::vector<InformerEvent> events;
  auto old_it = cache.begin();
  auto new_it = listed.begin();
  // Merge the two sorted key sets.
  while (old_it != cache.end() || new_it != listed.end()) {
    if (new_it == listed.end() || (old_it != cache.end() && old_it->first < new_it->first)) {
      events.push_back({InformerEvent::Type::kDeleted, old_it->second});
      ++old_it;
    } else if (old_it == cache.end() || new_it->first < old_it->first) {
      events.push_back({InformerEvent::Type::kAdded, new_it->second});
      ++new_it;
    } else {
      if (rv_of(*old_it->second) != rv_of(*new_it->second)) {
        events.push_back({InformerEvent::Type::kModified, new_it->second});
      }
      ++old_it;
      ++new_it;
    }
  }
  return events;
}

Informer::Informer(KubeClientPtr client, Resource resource, InformerOptions options)
    : client_(std::move(client)),
      resource_(std::move(resource)),
      options_(std::move(options)),
      backoff_(options_.backoff) {}

Informer::~Informer() { stop(); }

void Informer::add_handler(Handler handler) { handlers_.push_back(std::move(handler)); }

void Informer::add_synced_handler(std::function<void()> handler) {
  synced_handlers_.push_back(std::move(handler));
}

void Informer::start() {
  if (thread_.joinable()) return;
  thread_ = std::jthread([this](std::stop_token stop) { run(stop); });
}

void Informer::stop() {
  if (!thread_.joinable()) return;
  thread_.request_stop();
  cv_.notify_all();
  thread_.join();
}

bool Informer::wait_synced(std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, timeout, [this] { return synced_.load(); });
}

ObjectPtr Informer::get(const std::string& key) const {
  std::lock_guard lock(mu_);
  auto it = cache_.find(key);
  return it == cache_.end() ? nullptr : it->second;
}

std::vector<ObjectPtr> Informer::list() const {
  std::lock_guard lock(mu_);
  std::vector<ObjectPtr> out;
  out.reserve(cache_.size());
  for (const auto& [key, obj] : cache_) out.push_back(obj);
  return out;
}

bool Informer::sleep(std::stop_token stop, std::chrono::milliseconds d) {
  std::unique_lock lock(mu_);
  return !cv_.wait_for(lock, stop, d, [] { return false; }) && !stop.stop_requested();
}

ObjectPtr Informer::normalise(nlohmann::json object) const {
  // List items carry no apiVersion and kind; consumers parse objects by them.
  object["apiVersion"] = resource_.api_version();
  object["kind"] = resource_.kind;
  if (auto meta = object.find("metadata"); meta != object.end() && meta->is_object()) {
    meta->erase("managedFields");  // large, and nothing here reads it
  }
  return std::make_shared<const nlohmann::json>(std::move(object));
}

ListOptions Informer::base_list_options() const {
  ListOptions o;
  o.ns = options_.ns;
  o.label_selector = options_.label_selector;
  o.field_selector = options_.field_selector;
  return o;
}

void Informer::emit(const InformerEvent& event) {
  for (const auto& handler : handlers_) handler(event);
}

void Informer::run(std::stop_token stop) {
  bool need_list = true;
  while (!stop.stop_requested()) {
    if (need_list) {
      ListOutcome outcome = relist(stop);
      if (outcome == ListOutcome::kStopped) return;
      if (outcome != ListOutcome::kOk) {
        if (!sleep(stop, backoff_.next())) return;
        continue;
      }
      need_list = false;
    }
    bool failed = false;
    need_list = watch_once(stop, &failed);
    if (stop.stop_requested()) return;
    if (failed && !sleep(stop, backoff_.next())) return;
  }
}

Informer::ListOutcome Informer::relist(std::stop_token stop) {
  std::vector<ObjectPtr> items;
  ListOptions o = base_list_options();
  o.limit = options_.page_size;
  std::string list_rv;
  do {
    Result page = client_->list(resource_, o);
    if (stop.stop_requested()) return ListOutcome::kStopped;
    if (page.not_found()) {
      if (!not_found_logged_) {
        log::warn(kLog, "list ", resource_.str(), ": not served (CRD not installed?); retrying");
        not_found_logged_ = true;
      }
      // An absent resource has no objects: those cached (CRD deleted) are gone.
      std::vector<InformerEvent> events;
      {
        std::lock_guard lock(mu_);
        events = diff_relist(cache_, {});
        cache_.clear();
        synced_ = true;
      }
      cv_.notify_all();
      for (const auto& e : events) emit(e);
      return ListOutcome::kNotFound;
    }
    if (page.gone() && !o.continue_token.empty()) {
      // The continue token expired mid-way: start the list over.
      o.continue_token.clear();
      items.clear();
      continue;
    }
    if (!page.ok()) {
      log::warn(kLog, "list ", resource_.str(), " failed: ", page.error);
      restart_backoff_if_busy(page);
      return ListOutcome::kFailed;
    }
    const auto& meta = page.body["metadata"];
    list_rv = meta.is_object() ? meta.value("resourceVersion", "") : "";
    o.continue_token = meta.is_object() ? meta.value("continue", "") : "";
    if (auto it = page.body.find("items"); it != page.body.end() && it->is_array()) {
      for (auto& item : *it) items.push_back(normalise(std::move(item)));
    }
  } while (!o.continue_token.empty());

  if (not_found_logged_) {
    log::info(kLog, resource_.str(), " is served now");
    not_found_logged_ = false;
  }
  std::vector<InformerEvent> events;
  {
    std::lock_guard lock(mu_);
    events = diff_relist(cache_, items);
    cache_.clear();
    for (auto& item : items) cache_[object_key(*item)] = item;
    resource_version_ = list_rv;
  }
  ++lists_;
  log::debug(kLog, "listed ", resource_.str(), ": ", items.size(), " objects at ", list_rv, ", ",
             events.size(), " changes");
  for (const auto& e : events) emit(e);
  synced_ = true;
  cv_.notify_all();
  for (const auto& h : synced_handlers_) h();
  backoff_.reset();
  return ListOutcome::kOk;
}

bool Informer::watch_once(std::stop_token stop, bool* failed) {
  static thread_local std::mt19937 rng{std::random_device{}()};
  ListOptions o = base_list_options();
  {
    std::lock_guard lock(mu_);
    o.resource_version = resource_version_;
  }
  o.allow_watch_bookmarks = true;
  o.timeout_seconds = std::uniform_int_distribution<int>(options_.watch_timeout_min_s,
                                                         options_.watch_timeout_max_s)(rng);
  bool relist_needed = false;
  bool got_event = false;
  ++watches_;
  Result r = client_->watch(
      resource_, o,
      [&](const WatchEvent& event) {
        if (relist_needed) return;
        if (event.type == "ERROR") {
          int code = event.object.is_object() ? event.object.value("code", 0) : 0;
          log::info(kLog, "watch ", resource_.str(), ": ", event.object.value("message", ""),
                    code == 410 ? " (re-listing)" : "");
          relist_needed = true;  // 410 Gone or another error: start over from a list
          return;
        }
        got_event = true;
        if (event.type == "BOOKMARK") {
          std::lock_guard lock(mu_);
          if (std::string rv = rv_of(event.object); !rv.empty()) resource_version_ = rv;
          return;
        }
        InformerEvent::Type type = event.type == "ADDED"      ? InformerEvent::Type::kAdded
                                   : event.type == "MODIFIED" ? InformerEvent::Type::kModified
                                                              : InformerEvent::Type::kDeleted;
        if (event.type != "ADDED" && event.type != "MODIFIED" && event.type != "DELETED") return;
        apply(type, event.object);
      },
      stop);
  if (stop.stop_requested()) return false;
  // A watch that fails before any event (410 at once, again and again) must not become a
  // tight re-list loop: back off first.
  if ((r.gone() || relist_needed) && !got_event) *failed = true;
  if (r.gone()) return true;
  if (r.status == 200) {
    // The server ended the watch (its timeout, or it is going away): resume at once.
    backoff_.reset();
    return relist_needed;
  }
  if (got_event) backoff_.reset();
  log::warn(kLog, "watch ", resource_.str(), " failed: ", r.error, "; resuming");
  restart_backoff_if_busy(r);
  *failed = true;
  return relist_needed || r.not_found();
}

void Informer::restart_backoff_if_busy(const Result& r) {
  // 429 is a server that is up but not ready yet (storage re-initializing after a restart): the
  // delays grown while it was unreachable would hold this informer back for tens of seconds
  // after it is back, so the backoff starts over from its first, short delay.
  if (r.status == 429) backoff_.reset();
}

void Informer::apply(InformerEvent::Type type, nlohmann::json object) {
  ObjectPtr obj = normalise(std::move(object));
  std::string key = object_key(*obj);
  std::string rv = rv_of(*obj);
  InformerEvent event{type, obj};
  {
    std::lock_guard lock(mu_);
    if (!rv.empty()) resource_version_ = rv;
    auto it = cache_.find(key);
    if (type == InformerEvent::Type::kDeleted) {
      if (it == cache_.end()) return;
      cache_.erase(it);
    } else {
      if (it != cache_.end()) {
        if (rv_of(*it->second) == rv) return;  // seen already (a replayed event)
        event.type = InformerEvent::Type::kModified;
      } else {
        event.type = InformerEvent::Type::kAdded;
      }
      cache_[key] = obj;
    }
  }
  emit(event);
}

InformerPtr InformerFactory::get(const Resource& resource, const InformerOptions& options) {
  std::lock_guard lock(mu_);
  for (const auto& inf : informers_) {
    const auto& o = inf->options();
    if (inf->resource() == resource && o.ns == options.ns &&
        o.label_selector == options.label_selector && o.field_selector == options.field_selector) {
      return inf;
    }
  }
  informers_.push_back(std::make_shared<Informer>(client_, resource, options));
  return informers_.back();
}

void InformerFactory::start() {
  for (const auto& inf : all()) inf->start();
}

void InformerFactory::stop() {
  for (const auto& inf : all()) inf->stop();
}

bool InformerFactory::wait_synced(std::chrono::milliseconds timeout) const {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (const auto& inf : all()) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (!inf->wait_synced(std::max(left, std::chrono::milliseconds(0)))) return false;
  }
  return true;
}

std::vector<InformerPtr> InformerFactory::all() const {
  std::lock_guard lock(mu_);
  return informers_;
}

}  // namespace jib::k8s
