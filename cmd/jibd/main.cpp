// jibd: the control plane daemon. Wires sources, store, push queue, xDS and HTTP together.
#include <sys/resource.h>

#include <csignal>
#include <cstdio>
#include <cstring>

#include <grpcpp/grpcpp.h>

#include "base/http_server.h"
#include "base/log.h"
#include "base/metrics.h"
#include "ca/ca_server.h"
#include "cmd/jibd/debug_endpoints.h"
#include "cmd/jibd/kube_mode.h"
#include "cmd/jibd/options.h"
#include "cmd/jibd/proxy_authorizer.h"
#include "cmd/jibd/unapplied_log.h"
#include "mesh/config/config_store.h"
#include "mesh/config/jwks_fetcher.h"
#include "mesh/config/jwks_http.h"
#include "mesh/model/snapshot.h"
#include "xds/serve/ads_server.h"
#include "xds/serve/ads_service.h"
#include "xds/serve/connection_limits.h"
#include "xds/serve/push_queue.h"

namespace jib::jibd {
namespace {

constexpr std::string_view kLog = "jibd";

int wait_for_signal() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  int signal = 0;
  sigwait(&set, &signal);
  return signal;
}

// MeshConfig from --mesh-config, else from the istio ConfigMap (in the store), else Istio's
// defaults. The file's trustDomain is the CA's unless --ca-trust-domain says otherwise; the
// defaults carry the CA's. False after logging the errors.
bool load_mesh_config(const Options& options, ca::CaServerOptions* ca_options,
                      mesh::MeshConfigSource* source) {
  if (options.mesh_config_file.empty()) {
    auto config = std::make_shared<mesh::MeshConfig>();
    config->trust_domain = ca_options->trust_domain;
    source->defaults = std::move(config);
    return true;
  }
  mesh::MeshConfigResult result = mesh::load_mesh_config_file(options.mesh_config_file);
  for (const auto& warning : result.warnings) log::warn(kLog, warning.str());
  if (!result.ok()) {
    for (const auto& e : result.errors) log::error(kLog, e.str());
    return false;
  }
  if (ca_options->trust_domain == ca::CaServerOptions().trust_domain) {
    ca_options->trust_domain = result.config.trust_domain;
  }
  log::info(kLog, "mesh config from ", options.mesh_config_file, ": trust domain ",
            result.config.trust_domain, ", root namespace ", result.config.root_namespace);
  log_unapplied(result.config, options.mesh_config_file);
  source->file = std::make_shared<const mesh::MeshConfig>(std::move(result.config));
  return true;
}

// Every proxy holds a connection open: the soft limit on descriptors (often 1024) would cap the
// mesh long before memory does, so it is raised to the hard limit.
void raise_descriptor_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == limit.rlim_max) return;
  const rlim_t soft = limit.rlim_cur;
  limit.rlim_cur = limit.rlim_max;
  if (setrlimit(RLIMIT_NOFILE, &limit) == 0) {
    log::info(kLog, "file descriptor limit raised from ", soft, " to ", limit.rlim_max);
  } else {
    log::warn(kLog, "cannot raise the file descriptor limit from ", soft, ": ",
              std::strerror(errno));
  }
}

int run(const Options& options, ca::CaServerOptions ca_options) {
  raise_descriptor_limit();
  // Block the stop signals in every thread; the main thread takes them with sigwait.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);

  std::atomic<bool> ready{false};
  mesh::ConfigStore store;
  std::string error;
  // Inputs first, ports last: whatever keeps jibd from serving is reported before it listens.
  mesh::MeshConfigSource mesh_config;
  mesh_config.ns = options.control_plane_namespace;
  if (!load_mesh_config(options, &ca_options, &mesh_config)) {
    log::error(kLog, "cannot start: bad --mesh-config ", options.mesh_config_file);
    return 1;
  }
  std::unique_ptr<ca::CaServer> ca_server;    // outlives the source, which follows its bundles
  xds::CredentialsAuthorizerPtr credentials;  // who may read gateway keys: RBAC or a list
  auto source = make_config_source(
      options, store, &ca_options,
      [&]() -> ca::TrustBundlePublisher& { return ca_server->trust_bundles(); }, &credentials,
      &error);
  if (!source || !source->load_initial(&error)) {
    log::error(kLog, "cannot start: ", error);
    return 1;
  }
  if (ca_options.listen_address == ca::CaServerOptions().listen_address) {
    ca_options.listen_address = options.bind;
  }
  // The CA shares 15012 with secure xDS, as istiod's does: one TLS server, both services.
  ca_options.own_server = false;
  ca_server = ca::CaServer::create(ca_options, &error);
  if (!ca_server) {
    log::error(kLog, "cannot start the CA: ", error);
    return 1;
  }

  xds::XdsMetrics metrics(metrics::Registry::global());
  const mesh::StoreStatePtr loaded = store.state();
  auto initial = std::make_shared<const xds::PushContext>(
      mesh::Snapshot::build(loaded, mesh_config.resolve(*loaded)));
  xds::AdsServer ads(initial, metrics, static_cast<size_t>(options.xds_max_streams));
  xds::PushQueue queue({options.debounce, options.debounce_max, mesh_config},
                       [&](xds::PushRequest request) {
                         ads.push(xds::PushContext::next(*ads.current(), request));
                         metrics.snapshots.inc();  // after the push, so that tests can wait on it
                       });
  // Key sets of RequestAuthentication jwksUris: fetched here, inlined into proxies' config.
  mesh::JwksFetcher jwks(
      {.refresh = options.jwks_refresh}, mesh::http_fetch,
      [&](mesh::JwksByUriPtr fetched) { queue.set_jwks(std::move(fetched), store.state()); },
      &metrics::Registry::global());
  // What the file source loaded before this subscription; later loads and changes as they come.
  log_unapplied(*loaded);
  store.subscribe([&](const mesh::ChangeEvent& event) {
    log_unapplied(*event.state, event.changed);
    jwks.watch(*event.state);
    queue.enqueue(event);
  });
  jwks.watch(*store.state());
  queue.start();
  jwks.start();

  grpc::ServerBuilder builder;
  int xds_port = 0;
  builder.AddListeningPort(options.bind + ":" + std::to_string(options.xds_port),
                           grpc::InsecureServerCredentials(), &xds_port);
  xds::AdsService plaintext_ads(ads);
  builder.RegisterCallbackGenericService(&plaintext_ads);
  xds::apply_connection_limits(builder);
  auto grpc_server = builder.BuildAndStart();
  if (!grpc_server || xds_port == 0) {
    log::error(kLog, "cannot listen for xds on ", options.bind, ":", options.xds_port);
    return 1;
  }
  log::info(kLog, "xds listening on ", options.bind, ":", xds_port);

  auto http_server = http::serve(options.bind, options.http_port,
                                 debug_handlers({ready, store, ads}), &error, options.http_limits);
  if (!http_server) {
    log::error(kLog, error);
    return 1;
  }
  log::info(kLog, "http listening on ", options.bind, ":", http_server->port());

  ProxyAuthorizer authorizer(*ca_server);
  xds::CredentialsGate credentials_gate(*credentials, metrics.credentials_refused);
  xds::AdsService secure_ads(ads, {&authorizer, &credentials_gate});
  grpc::ServerBuilder secure_builder;
  int secure_port = 0;
  secure_builder.AddListeningPort(ca_options.listen_address + ":" + std::to_string(ca_options.port),
                                  ca_server->tls_credentials(), &secure_port);
  secure_builder.RegisterService(ca_server->grpc_service());
  secure_builder.RegisterCallbackGenericService(&secure_ads);
  xds::apply_connection_limits(secure_builder);
  auto secure_server = secure_builder.BuildAndStart();
  if (!secure_server || secure_port == 0) {
    log::error(kLog, "cannot listen for the CA and secure xds on ", ca_options.listen_address, ":",
               ca_options.port);
    return 1;
  }
  log::info(kLog, "ca listening on ", ca_options.listen_address, ":", secure_port,
            " (TLS; also secure xds)");

  // The trust bundle reaches proxies as SDS `ROOTCA` over ADS; a rotation pushes it.
  auto bundle_subscription = ca_server->trust_bundles().subscribe([&](ca::TrustBundlePtr bundle) {
    queue.set_trust_roots(std::make_shared<const std::string>(bundle->concatenated()),
                          store.state());
  });
  if (!source->start(&error)) {
    log::error(kLog, "cannot follow config changes: ", error);
    return 1;
  }
  ready = true;
  int signal = wait_for_signal();
  log::info(kLog, "stopping on signal ", signal);
  ready = false;
  source->stop();
  ca_server->trust_bundles().unsubscribe(bundle_subscription);
  jwks.stop();
  queue.stop();
  http_server->stop();
  ca_server->shutdown();
  secure_server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  grpc_server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  return 0;
}

}  // namespace
}  // namespace jib::jibd

int main(int argc, char** argv) {
  jib::jibd::Options options;
  jib::ca::CaServerOptions ca_options;
  if (auto code = jib::jibd::parse_options(argc, argv, &options, &ca_options)) return *code;
  jib::log::set_level(options.log_level);
  try {
    return jib::jibd::run(options, std::move(ca_options));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "jibd: %s\n", e.what());
    return 1;
  }
}
