// jib-ca-testserver: runs only the CA (CaServer), for tests until jibd wires it, and as a
// reference for that wiring. Prints "port=<n>" once serving; stops on SIGTERM or SIGINT.
#include <signal.h>

#include <cstdio>
#include <iostream>

#include "base/flags.h"
#include "base/log.h"
#include "base/ossl.h"
#include "ca/ca_flags.h"

int main(int argc, char** argv) {
  jib::ca::CaServerOptions options;
  options.extra_serving_sans = {"localhost", "127.0.0.1"};
  std::string bundle_out;
  jib::log::Level level = jib::log::Level::kInfo;
  jib::flags::FlagSet flags(
      "usage: jib-ca-testserver [flags]\nRuns the mesh CA alone; prints port=<n> once serving.\n");
  jib::ca::add_ca_flags(flags, &options);
  flags
      .add({.name = "bundle-out",
            .target = &bundle_out,
            .help = "keep the trust bundle (all roots) in this file",
            .value_name = "FILE"})
      .add(jib::flags::log_level_flag(&level));
  const auto parsed = flags.parse({argv + 1, argv + argc});
  if (auto code = jib::flags::exit_code(parsed, flags, "jib-ca-testserver")) return *code;
  if (!parsed.positional.empty()) {
    return jib::flags::usage_error(flags, "jib-ca-testserver",
                                   "unexpected argument " + parsed.positional.front());
  }
  jib::log::set_level(level);
  // Signals are taken synchronously below; block them before any thread starts.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  std::string error;
  auto server = jib::ca::CaServer::create(options, &error);
  if (!server) {
    std::cerr << "jib-ca-testserver: " << error << "\n";
    return 1;
  }
  if (!bundle_out.empty()) {
    server->trust_bundles().subscribe([bundle_out](jib::ca::TrustBundlePtr b) {
      std::string err;
      if (!jib::write_file_atomic(bundle_out, b->concatenated(), 0644, &err)) {
        jib::log::error("ca", "cannot write trust bundle: ", err);
      }
    });
  }
  std::printf("port=%d\n", server->port());
  std::fflush(stdout);
  int sig = 0;
  sigwait(&signals, &sig);
  server->shutdown();
  return 0;
}
