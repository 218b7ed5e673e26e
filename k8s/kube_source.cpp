#include "k8s/kube_source.h"

#include "base/log.h"
#include "k8s/resources.h"
#include "k8s/util.h"
#include "mesh/api/kind_registry.h"
#include "mesh/api/mesh_config.h"
#include "mesh/api/parse.h"

namespace jib::k8s {
namespace {

constexpr std::string_view kLog = "k8s";

// The version jibd reads a kind at: v1 when the registry accepts it (Istio serves it since
// 1.22), else the newest listed.
std::string preferred_version(const mesh::KindInfo& info) {
  for (const auto& v : info.versions) {
    if (v == "v1") return v;
  }
  return info.versions.back();
}

}  // namespace

KubeSource::KubeSource(KubeSourceOptions options, InformerFactory& informers,
                       mesh::ConfigStore& store)
    : options_(std::move(options)), informers_(informers), store_(store) {
  for (const auto& info : mesh::kinds()) {
    if (info.versions.empty()) continue;
    auto resource = resources::for_kind(info.kind, info.group, preferred_version(info));
    if (resource) watch(informers_.get(*resource));
  }
  // Secrets, for gateway credentials (SDS): in every namespace, as istiod, but neither Helm
  // releases nor service-account tokens, which are common, large and never credentials.
  InformerOptions secrets;
  secrets.field_selector = "type!=helm.sh/release.v1,type!=kubernetes.io/service-account-token";
  watch(informers_.get(resources::secrets(), secrets));
  // MeshConfig: only the one ConfigMap, not every ConfigMap of the cluster.
  InformerOptions mesh_config;
  mesh_config.ns = options_.control_plane_namespace;
  mesh_config.field_selector = "metadata.name=" + std::string(mesh::kMeshConfigMapName);
  watch(informers_.get(resources::config_maps(), mesh_config));
}

KubeSource::~KubeSource() { stop(); }

void KubeSource::watch(const InformerPtr& informer) {
  Resource resource = informer->resource();
  informer->add_handler(
      [this, resource](const InformerEvent& event) { on_event(resource, event); });
}

void KubeSource::start() {
  if (!thread_.joinable()) thread_ = std::jthread([this](std::stop_token s) { run(s); });
}

void KubeSource::stop() {
  if (!thread_.joinable()) return;
  thread_.request_stop();
  cv_.notify_all();
  thread_.join();
}

std::optional<mesh::ConfigObject> KubeSource::convert(const nlohmann::json& object) {
  // No file: errors read "Kind ns/name: field: message", as the parser words them for objects
  // from the API server.
  mesh::ParseResult parsed = mesh::parse_and_validate(object.dump(), "");
  // Lines of a re-serialised object mean nothing to the user; the object and field do.
  auto without_place = [](mesh::ConfigError e) {
    e.file.clear();
    e.line = 0;
    return e.str();
  };
  for (const auto& w : parsed.warnings) log::debug(kLog, without_place(w));
  if (!parsed.errors.empty()) {
    for (const auto& e : parsed.errors) log::error(kLog, without_place(e));
    errors_ += parsed.errors.size();
    return std::nullopt;
  }
  if (parsed.objects.size() != 1) return std::nullopt;
  return std::move(parsed.objects.front());
}

void KubeSource::on_event(const Resource& resource, const InformerEvent& event) {
  auto id = std::make_pair(resource.str(), object_key(*event.object));
  if (event.type == InformerEvent::Type::kDeleted) {
    std::lock_guard lock(mu_);
    auto it = keys_.find(id);
    if (it == keys_.end()) return;  // never good: nothing of it is in force
    pending_[it->second] = std::nullopt;
    keys_.erase(it);
  } else {
    auto object = convert(*event.object);
    if (!object) return;  // the last good version (if any) stays
    mesh::ConfigKey key = mesh::key_of(*object);
    std::lock_guard lock(mu_);
    keys_[id] = key;
    pending_[key] = std::move(*object);
  }
  cv_.notify_all();
}

void KubeSource::flush() {
  std::lock_guard apply_lock(apply_mu_);
  mesh::Batch batch;
  {
    std::lock_guard lock(mu_);
    for (auto& [key, object] : pending_) {
      if (object) {
        batch.upserts.push_back(std::move(*object));
      } else {
        batch.deletes.push_back(key);
      }
    }
    pending_.clear();
  }
  if (batch.upserts.empty() && batch.deletes.empty()) return;
  log::debug(kLog, "applying ", batch.upserts.size(), " upserts and ", batch.deletes.size(),
             " deletes");
  store_.apply(batch);
}

void KubeSource::run(std::stop_token stop) {
  while (!stop.stop_requested()) {
    {
      std::unique_lock lock(mu_);
      if (!cv_.wait(lock, stop, [this] { return !pending_.empty(); })) return;
    }
    // Let the rest of a burst (a re-list, a kubectl apply of many objects) arrive.
    {
      std::unique_lock lock(mu_);
      cv_.wait_for(lock, stop, options_.batch_window, [] { return false; });
    }
    flush();
  }
}

bool KubeSource::wait_synced(std::chrono::milliseconds timeout) {
  bool synced = informers_.wait_synced(timeout);
  flush();
  return synced;
}

}  // namespace jib::k8s
