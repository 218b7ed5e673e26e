#include "fake_kube_client.h"

#include "k8s/util.h"

namespace jib::k8s::testing {

std::string FakeKubeClient::key(const std::string& ns, const std::string& name) {
  return ns.empty() ? name : ns + "/" + name;
}

Result FakeKubeClient::down_result() const { return Result{0, nullptr, "connection refused"}; }

bool FakeKubeClient::matches(const ListOptions& o, const nlohmann::json& obj) const {
  if (!o.ns.empty() && meta_string(obj, "namespace") != o.ns) return false;
  if (o.field_selector.starts_with("metadata.name=")) {
    return meta_string(obj, "name") == o.field_selector.substr(14);
  }
  return true;
}

void FakeKubeClient::record(const Resource& r, const std::string& type, const nlohmann::json& obj) {
  events_.push_back({rv_, r.str(), type, obj});
  cv_.notify_all();
}

Result FakeKubeClient::get(const Resource& r, const std::string& ns, const std::string& name) {
  std::lock_guard lock(mu_);
  ++calls_["get"];
  if (down_) return down_result();
  auto& objs = objects_[r.str()];
  auto it = objs.find(key(r.namespaced ? ns : "", name));
  if (it == objs.end()) return Result{404, nullptr, "HTTP 404: not found"};
  return Result{200, it->second, ""};
}

Result FakeKubeClient::list(const Resource& r, const ListOptions& o) {
  std::lock_guard lock(mu_);
  ++calls_["list"];
  if (down_) return down_result();
  if (not_found_.count(r.str())) return Result{404, nullptr, "HTTP 404: the server could not find"};
  page_size_seen_ = o.limit;
  std::vector<nlohmann::json> all;
  for (const auto& [k, obj] : objects_[r.str()]) {
    if (matches(o, obj)) all.push_back(obj);
  }
  size_t start = o.continue_token.empty() ? 0 : std::stoul(o.continue_token);
  size_t end = o.limit > 0 ? std::min(all.size(), start + size_t(o.limit)) : all.size();
  nlohmann::json items = nlohmann::json::array();
  for (size_t i = start; i < end; ++i) {
    nlohmann::json item = all[i];
    item.erase("apiVersion");  // as a real server: list items carry no type
    item.erase("kind");
    items.push_back(std::move(item));
  }
  nlohmann::json body = {{"metadata", {{"resourceVersion", std::to_string(rv_)}}},
                         {"items", items}};
  if (end < all.size()) body["metadata"]["continue"] = std::to_string(end);
  return Result{200, body, ""};
}

Result FakeKubeClient::create(const Resource& r, const std::string& ns, const nlohmann::json& obj) {
  std::function<Result(const nlohmann::json&)> handler;
  {
    std::lock_guard lock(mu_);
    ++calls_["create"];
    if (down_) return down_result();
    if (auto it = create_handlers_.find(r.str()); it != create_handlers_.end()) {
      handler = it->second;
    }
  }
  if (handler) return handler(obj);
  std::lock_guard lock(mu_);
  auto& objs = objects_[r.str()];
  std::string k = key(r.namespaced ? ns : "", meta_string(obj, "name"));
  if (objs.count(k)) return Result{409, nullptr, "HTTP 409: already exists"};
  nlohmann::json stored = obj;
  stored["metadata"]["resourceVersion"] = std::to_string(++rv_);
  if (r.namespaced) stored["metadata"]["namespace"] = ns;
  objs[k] = stored;
  record(r, "ADDED", stored);
  return Result{201, stored, ""};
}

Result FakeKubeClient::update(const Resource& r, const std::string& ns, const std::string& name,
                              const nlohmann::json& obj) {
  std::lock_guard lock(mu_);
  ++calls_["update"];
  if (down_) return down_result();
  auto& objs = objects_[r.str()];
  auto it = objs.find(key(r.namespaced ? ns : "", name));
  if (it == objs.end()) return Result{404, nullptr, "HTTP 404: not found"};
  std::string want = meta_string(obj, "resourceVersion");
  if (!want.empty() && want != meta_string(it->second, "resourceVersion")) {
    return Result{409, nullptr, "HTTP 409: the object has been modified"};
  }
  nlohmann::json stored = obj;
  stored["metadata"]["resourceVersion"] = std::to_string(++rv_);
  it->second = stored;
  record(r, "MODIFIED", stored);
  return Result{200, stored, ""};
}

Result FakeKubeClient::patch(const Resource& r, const std::string& ns, const std::string& name,
                             const nlohmann::json& merge_patch) {
  nlohmann::json current;
  {
    std::lock_guard lock(mu_);
    ++calls_["patch"];
    auto& objs = objects_[r.str()];
    auto it = objs.find(key(r.namespaced ? ns : "", name));
    if (it == objs.end()) return Result{404, nullptr, "HTTP 404: not found"};
    current = it->second;
  }
  current.merge_patch(merge_patch);
  current["metadata"].erase("resourceVersion");
  return update(r, ns, name, current);
}

Result FakeKubeClient::remove(const Resource& r, const std::string& ns, const std::string& name) {
  std::lock_guard lock(mu_);
  ++calls_["remove"];
  auto& objs = objects_[r.str()];
  auto it = objs.find(key(r.namespaced ? ns : "", name));
  if (it == objs.end()) return Result{404, nullptr, "HTTP 404: not found"};
  nlohmann::json last = it->second;
  objs.erase(it);
  last["metadata"]["resourceVersion"] = std::to_string(++rv_);
  record(r, "DELETED", last);
  return Result{200, last, ""};
}

Result FakeKubeClient::watch(const Resource& r, const ListOptions& o, const WatchHandler& on_event,
                             std::stop_token stop) {
  std::unique_lock lock(mu_);
  ++calls_["watch"];
  if (down_) return down_result();
  if (not_found_.count(r.str())) return Result{404, nullptr, "HTTP 404"};
  uint64_t from = o.resource_version.empty() ? rv_ : std::stoull(o.resource_version);
  if (from < compacted_) {
    nlohmann::json status = {
        {"kind", "Status"}, {"code", 410}, {"message", "too old resource version"}};
    lock.unlock();
    on_event({"ERROR", status});
    return Result{200, nullptr, ""};
  }
  ++open_watches_;
  uint64_t disconnects = disconnects_;
  size_t next = 0;
  while (true) {
    // A dropped connection delivers nothing more, so check before each event.
    while (next < events_.size() && disconnects_ == disconnects && !down_) {
      Event e = events_[next++];
      if (e.rv <= from || e.resource != r.str() || !matches(o, e.object)) continue;
      lock.unlock();
      on_event({e.type, e.object});
      lock.lock();
    }
    if (stop.stop_requested()) {
      --open_watches_;
      return Result{0, nullptr, "stopped"};
    }
    if (disconnects_ != disconnects || down_) {
      --open_watches_;
      return Result{0, nullptr, "connection reset"};
    }
    cv_.wait(lock, stop,
             [&] { return next < events_.size() || disconnects_ != disconnects || down_; });
  }
}

void FakeKubeClient::upsert(const Resource& r, nlohmann::json obj) {
  std::lock_guard lock(mu_);
  auto& objs = objects_[r.str()];
  std::string k = key(r.namespaced ? meta_string(obj, "namespace") : "", meta_string(obj, "name"));
  bool exists = objs.count(k) > 0;
  obj["metadata"]["resourceVersion"] = std::to_string(++rv_);
  objs[k] = obj;
  record(r, exists ? "MODIFIED" : "ADDED", obj);
}

void FakeKubeClient::erase(const Resource& r, const std::string& ns, const std::string& name) {
  remove(r, ns, name);
}

void FakeKubeClient::compact() {
  std::lock_guard lock(mu_);
  compacted_ = rv_;  // as etcd: history before the current revision is gone
}

void FakeKubeClient::disconnect() {
  std::lock_guard lock(mu_);
  ++disconnects_;
  cv_.notify_all();
}

void FakeKubeClient::set_down(bool down) {
  std::lock_guard lock(mu_);
  down_ = down;
  if (down) ++disconnects_;  // open watches end even if the server is back before they notice
  cv_.notify_all();
}

void FakeKubeClient::set_not_found(const Resource& r, bool not_found) {
  std::lock_guard lock(mu_);
  if (not_found) {
    not_found_.insert(r.str());
  } else {
    not_found_.erase(r.str());
  }
}

void FakeKubeClient::on_create(const Resource& r,
                               std::function<Result(const nlohmann::json&)> handler) {
  std::lock_guard lock(mu_);
  create_handlers_[r.str()] = std::move(handler);
}

int FakeKubeClient::page_size_seen() const {
  std::lock_guard lock(mu_);
  return page_size_seen_;
}

int FakeKubeClient::calls(const std::string& verb) const {
  std::lock_guard lock(mu_);
  auto it = calls_.find(verb);
  return it == calls_.end() ? 0 : it->second;
}

int FakeKubeClient::open_watches() const {
  std::lock_guard lock(mu_);
  return open_watches_;
}

}  // namespace jib::k8s::testing
