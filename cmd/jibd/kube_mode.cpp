#include "cmd/jibd/kube_mode.h"

#include <cstdlib>
#include <stop_token>

#include "base/log.h"
#include "k8s/credentials_access_review.h"
#include "k8s/informer.h"
#include "k8s/kube_ca.h"
#include "k8s/kube_config.h"
#include "k8s/kube_source.h"
#include "k8s/leader_election.h"
#include "k8s/rest_client.h"
#include "k8s/root_cert_controller.h"
#include "mesh/config/file_source.h"
#include "xds/serve/credentials_allow_list.h"

extern char** environ;

namespace jib::jibd {
namespace {

constexpr std::string_view kLog = "jibd";

std::map<std::string, std::string> environment() {
  std::map<std::string, std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string_view kv = *e;
    auto eq = kv.find('=');
    if (eq != std::string_view::npos) env[std::string(kv.substr(0, eq))] = kv.substr(eq + 1);
  }
  return env;
}

class KubeMode final : public mesh::ConfigSource {
 public:
  KubeMode(const Options& options, k8s::KubeClientPtr client, mesh::ConfigStore& store,
           TrustBundlesOfCa trust_bundles)
      : options_(options),
        trust_bundles_(std::move(trust_bundles)),
        client_(client),
        informers_(client),
        source_({options.control_plane_namespace, std::chrono::milliseconds(20)}, informers_,
                store),
        root_cert_(client, informers_) {
    if (options_.leader_election) {
      k8s::LeaderElectionOptions lo;
      lo.ns = options.control_plane_namespace;
      elector_ =
          std::make_unique<k8s::LeaderElector>(lo, client, std::make_shared<jib::SystemClock>());
      elector_->on_change([this](bool leading) { root_cert_.set_leader(leading); });
      elector_->start();
    } else {
      root_cert_.set_leader(true);
    }
  }
  ~KubeMode() override { stop(); }

  bool configure_ca(ca::CaServerOptions* ca, std::string* error) {
    if (ca->cacerts_dir.empty()) {
      bool plugged = false;
      std::string dir = ca->state_dir + "/cacerts";
      if (!k8s::fetch_plugged_ca(*client_, options_.control_plane_namespace, dir, &plugged,
                                 error)) {
        return false;
      }
      if (plugged) {
        log::info(kLog, "plugged-in CA from Secret ", options_.control_plane_namespace, "/",
                  k8s::kPluggedCaSecret);
        ca->cacerts_dir = dir;
      } else {
        k8s::SecretCaStoreOptions so;
        so.ns = options_.control_plane_namespace;
        k8s::LeaderElector* elector = elector_.get();
        so.may_create = [elector] { return elector == nullptr || elector->is_leader(); };
        so.stop = stop_.get_token();
        k8s::KubeClientPtr client = client_;
        ca->make_ca_store = [client, so] { return k8s::make_secret_ca_store(client, so); };
      }
    }
    if (ca->token_review_url.empty()) ca->token_reviewer = k8s::make_kube_token_reviewer(client_);
    return true;
  }

  bool load_initial(std::string*) override {
    informers_.start();
    source_.start();
    if (source_.wait_synced(std::chrono::seconds(60))) {
      log::info(kLog, "synced with the API server");
    } else {
      log::warn(kLog, "not every resource listed within 60 s; serving what is known");
    }
    return true;
  }

  bool start(std::string*) override {
    root_cert_.follow(trust_bundles_());
    root_cert_.start();
    return true;
  }

  void stop() override {
    stop_.request_stop();
    root_cert_.stop();
    if (elector_) elector_->stop();
    informers_.stop();
    source_.stop();
  }

 private:
  Options options_;
  TrustBundlesOfCa trust_bundles_;
  k8s::KubeClientPtr client_;
  k8s::InformerFactory informers_;
  k8s::KubeSource source_;
  k8s::RootCertController root_cert_;
  std::unique_ptr<k8s::LeaderElector> elector_;
  std::stop_source stop_;
};

}  // namespace

std::unique_ptr<mesh::ConfigSource> make_kube_source(const Options& options,
                                                     mesh::ConfigStore& store,
                                                     ca::CaServerOptions* ca,
                                                     TrustBundlesOfCa trust_bundles,
                                                     xds::CredentialsAuthorizerPtr* credentials,
                                                     std::string* error) {
  k8s::KubeConfig config;
  if (!options.kubeconfig.empty()) {
    if (!k8s::load_kubeconfig(options.kubeconfig, &config, error)) return nullptr;
  } else if (!k8s::load_in_cluster(environment(), k8s::kServiceAccountDir, &config, error)) {
    return nullptr;
  }
  auto client = k8s::make_rest_client(config, {}, error);
  if (!client) return nullptr;
  log::info(kLog, "kubernetes mode: API server ", config.server, ", control plane namespace ",
            options.control_plane_namespace,
            options.leader_election ? ", leader election on" : ", leader election off");
  auto mode = std::make_unique<KubeMode>(options, client, store, std::move(trust_bundles));
  if (!mode->configure_ca(ca, error)) return nullptr;
  *credentials = k8s::make_kube_credentials_authorizer(
      client,
      {.allow_ttl = options.credentials_allow_ttl, .deny_ttl = options.credentials_deny_ttl},
      std::make_shared<jib::SystemClock>());
  return mode;
}

std::unique_ptr<mesh::ConfigSource> make_config_source(const Options& options,
                                                       mesh::ConfigStore& store,
                                                       ca::CaServerOptions* ca,
                                                       TrustBundlesOfCa trust_bundles,
                                                       xds::CredentialsAuthorizerPtr* credentials,
                                                       std::string* error) {
  if (options.kube) {
    return make_kube_source(options, store, ca, std::move(trust_bundles), credentials, error);
  }
  *credentials = xds::make_credentials_allow_list(options.gateway_service_accounts, error);
  if (!*credentials) return nullptr;
  return std::make_unique<mesh::FileSource>(
      mesh::FileSourceOptions{options.config_dir,
                              static_cast<size_t>(options.config_file_max_bytes)},
      store);
}

}  // namespace jib::jibd
