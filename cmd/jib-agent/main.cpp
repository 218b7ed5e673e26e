// jib-agent: the node agent beside each Envoy (Istio's pilot-agent). Wiring and process
// lifetime only; the parts live in agent/.
#include <signal.h>
#include <sys/stat.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "agent/bootstrap.h"
#include "agent/cert_manager.h"
#include "agent/envoy_supervisor.h"
#include "agent/options.h"
#include "agent/sds_server.h"
#include "agent/secret_store.h"
#include "base/log.h"
#include "base/ossl.h"

namespace {

using namespace jib;

bool write_bootstrap(const agent::AgentOptions& o, std::string* error) {
  agent::BootstrapOptions b = o.bootstrap;
  bool with_token = o.xds_token && !b.xds_plaintext && !o.cert.token_file.empty();
  if (with_token) {
    if (!jib::read_file(o.cert.token_file, &b.xds_token, error)) return false;
    b.xds_token = agent::trim_right(b.xds_token);
  }
  // A bootstrap with a token in it is a credential: owner-only, like the token file.
  return jib::write_file_atomic(o.bootstrap_out, agent::make_bootstrap(b).dump(2) + "\n",
                                with_token ? 0600 : 0644, error);
}

}  // namespace

int main(int argc, char** argv) {
  // Nothing the agent creates (the SDS socket above all) is ever wider than asked for.
  umask(077);
  // Signals are taken by sigwait below; every thread started later inherits this mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  agent::AgentOptions options;
  std::string error;
  if (!agent::parse_agent_options({argv + 1, argv + argc}, &options, &error)) {
    std::fprintf(stderr, "jib-agent: %s\n\n%s", error.c_str(), agent::agent_usage().c_str());
    return 2;
  }
  if (options.help) {
    std::fputs(agent::agent_usage().c_str(), stdout);
    return 0;
  }
  log::set_level(options.log_level);
  std::string roots;
  if (!jib::read_file(options.cert.root_cert_file, &roots, &error)) {
    log::error("agent", "--ca-root-cert: ", error);
    return 1;
  }

  agent::SecretStore store;
  agent::CertManager certs(options.cert, &store);
  certs.start();
  auto sds = agent::SdsServer::start(options.bootstrap.sds_socket, options.sds_socket_mode, &store,
                                     &error);
  if (!sds) {
    log::error("agent", "SDS: ", error);
    return 1;
  }
  log::info("agent", "SDS listening on unix:", options.bootstrap.sds_socket, " for ",
            options.cert.spiffe_id);

  if (!options.bootstrap_out.empty()) {
    if (!write_bootstrap(options, &error)) {
      log::error("agent", "bootstrap: ", error);
      return 1;
    }
    log::info("agent", "wrote bootstrap ", options.bootstrap_out, " for node ",
              agent::node_id(options.bootstrap));
  }

  std::unique_ptr<agent::EnvoySupervisor> envoy;
  if (!options.envoy.binary.empty()) {
    agent::EnvoySupervisorOptions e = options.envoy;
    e.args.insert(e.args.begin(), {"-c", options.bootstrap_out});
    envoy = std::make_unique<agent::EnvoySupervisor>(e);
    envoy->start();
  }

  int sig = 0;
  sigwait(&signals, &sig);
  log::info("agent", "signal ", sig, ": stopping");
  if (envoy) envoy->stop();
  sds->shutdown();
  certs.stop();
  log::info("agent", "stopped");
  return 0;
}
