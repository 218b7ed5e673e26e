// jib-agent's flags: everything the agent's parts need, parsed and checked in one place.
#pragma once

#include <string>
#include <vector>

#include "agent/bootstrap.h"
#include "agent/cert_manager.h"
#include "agent/envoy_supervisor.h"
#include "base/log.h"

namespace jib::agent {

struct AgentOptions {
  CertManagerOptions cert;
  BootstrapOptions bootstrap;
  std::string bootstrap_out;  // empty: no bootstrap written
  unsigned sds_socket_mode = 0600;
  bool xds_token = true;         // put the token in the bootstrap's ADS metadata (TLS only)
  EnvoySupervisorOptions envoy;  // envoy.binary empty: Envoy is not started
  log::Level log_level = log::Level::kInfo;
  bool help = false;
};

// Parses argv (without argv[0]). Flags take `--flag value` or `--flag=value`; everything
// after `--` goes to Envoy. POD_NAME, POD_NAMESPACE, INSTANCE_IP and SERVICE_ACCOUNT from the
// environment (as Istio's injector sets them) are defaults. Durations take Istio's syntax
// ("90s", "15m", "500ms"); a bare number is seconds, as before. False with *error on a bad
// flag or a missing required one; true with out->help for --help or -h.
bool parse_agent_options(const std::vector<std::string>& args, AgentOptions* out,
                         std::string* error);
std::string agent_usage();

}  // namespace jib::agent
