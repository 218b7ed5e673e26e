#include "k8s/root_cert_controller.h"

#include "base/log.h"
#include "k8s/resources.h"
#include "k8s/util.h"

namespace jib::k8s {
namespace {

constexpr std::string_view kLog = "rootcert";

std::string ns_of_config_map(const nlohmann::json& obj) { return meta_string(obj, "namespace"); }

bool terminating(const nlohmann::json& ns) {
  auto status = ns.find("status");
  return status != ns.end() && status->is_object() && status->value("phase", "") == "Terminating";
}

}  // namespace

RootCertController::RootCertController(KubeClientPtr client, InformerFactory& informers)
    : client_(std::move(client)) {
  namespaces_ = informers.get(resources::namespaces());
  InformerOptions by_name;
  by_name.field_selector = std::string("metadata.name=") + kRootCertConfigMap;
  config_maps_ = informers.get(resources::config_maps(), by_name);
  namespaces_->add_handler([this](const InformerEvent& e) {
    if (e.type != InformerEvent::Type::kDeleted) enqueue(meta_string(*e.object, "name"));
  });
  config_maps_->add_handler(
      [this](const InformerEvent& e) { enqueue(ns_of_config_map(*e.object)); });
}

RootCertController::~RootCertController() { stop(); }

void RootCertController::follow(ca::TrustBundlePublisher& bundles) {
  bundles_ = &bundles;
  subscription_ = bundles.subscribe([this](ca::TrustBundlePtr bundle) {
    {
      std::lock_guard lock(mu_);
      root_pem_ = bundle ? bundle->concatenated() : "";
    }
    enqueue_all();
  });
}

void RootCertController::start() {
  if (!thread_.joinable()) thread_ = std::jthread([this](std::stop_token s) { run(s); });
}

void RootCertController::stop() {
  // The publisher (the CA) may go before this object: unsubscribe while it surely lives.
  if (bundles_ != nullptr) {
    bundles_->unsubscribe(subscription_);
    bundles_ = nullptr;
  }
  if (!thread_.joinable()) return;
  thread_.request_stop();
  cv_.notify_all();
  thread_.join();
}

void RootCertController::set_leader(bool leading) {
  leader_ = leading;
  if (leading) enqueue_all();
  cv_.notify_all();
}

void RootCertController::enqueue(const std::string& ns) {
  if (ns.empty()) return;
  {
    std::lock_guard lock(mu_);
    queue_.insert(ns);
  }
  cv_.notify_all();
}

void RootCertController::enqueue_all() {
  for (const auto& ns : namespaces_->list()) enqueue(meta_string(*ns, "name"));
}

std::string RootCertController::wanted() const {
  std::lock_guard lock(mu_);
  return root_pem_;
}

bool RootCertController::reconcile(const std::string& ns) {
  std::string root = wanted();
  auto ns_obj = namespaces_->get(ns);
  // A namespace being deleted refuses new objects; nothing to keep there.
  if (root.empty() || !ns_obj || terminating(*ns_obj)) return true;
  const Resource config_maps = resources::config_maps();
  nlohmann::json want = {{"apiVersion", "v1"},
                         {"kind", "ConfigMap"},
                         {"metadata",
                          {{"name", kRootCertConfigMap},
                           {"namespace", ns},
                           {"labels", {{"istio.io/config", "true"}}}}},
                         {"data", {{kRootCertKey, root}}}};
  auto current = config_maps_->get(ns + "/" + kRootCertConfigMap);
  if (!current) {
    Result r = client_->create(config_maps, ns, want);
    if (r.ok()) {
      ++writes_;
      log::info(kLog, "created ", ns, "/", kRootCertConfigMap);
      return true;
    }
    if (r.conflict()) return true;  // it exists: the informer's event brings it here again
    log::warn(kLog, "cannot create ", ns, "/", kRootCertConfigMap, ": ", r.error);
    return false;
  }
  const auto data = current->find("data");
  if (data != current->end() && data->is_object() && data->size() == 1 &&
      data->value(kRootCertKey, "") == root) {
    return true;
  }
  // Replace the data whole, so that keys added by hand go too; conditional on what we read.
  nlohmann::json updated = *current;
  updated["data"] = want["data"];
  updated.erase("binaryData");
  Result r = client_->update(config_maps, ns, kRootCertConfigMap, updated);
  if (r.ok()) {
    ++writes_;
    log::info(kLog, "restored ", ns, "/", kRootCertConfigMap);
    return true;
  }
  if (r.conflict() || r.not_found()) return true;  // changed meanwhile: its event comes next
  log::warn(kLog, "cannot update ", ns, "/", kRootCertConfigMap, ": ", r.error);
  return false;
}

void RootCertController::run(std::stop_token stop) {
  while (!stop.stop_requested()) {
    std::set<std::string> batch;
    {
      std::unique_lock lock(mu_);
      if (!cv_.wait(lock, stop, [this] { return !queue_.empty() && leader_; })) return;
      batch.swap(queue_);
    }
    std::set<std::string> failed;
    for (const auto& ns : batch) {
      if (!reconcile(ns)) failed.insert(ns);
    }
    if (!failed.empty()) {
      std::unique_lock lock(mu_);
      cv_.wait_for(lock, stop, std::chrono::seconds(1), [] { return false; });
      queue_.insert(failed.begin(), failed.end());
    }
  }
}

}  // namespace jib::k8s
