// jib-ca-testserver: runs only the CA (CaServer), for tests until jibd wires it, and as a
// reference for that wiring. Prints "port=<n>" once serving; stops on SIGTERM or SIGINT.
//   --ca-*=...          see ca_flags_help()
//   --bundle-out=FILE   keep the trust bundle (all roots) in FILE
//   --log-level=LEVEL   debug, info, warn, error
#include <signal.h>

#include <cstdio>
#include <iostream>

#include "base/log.h"
#include "base/ossl.h"
#include "ca/ca_server.h"

int main(int argc, char** argv) {
  jib::ca::CaServerOptions options;
  options.extra_serving_sans = {"localhost", "127.0.0.1"};
  std::string bundle_out;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    std::string error;
    if (jib::ca::parse_ca_flag(arg, &options, &error)) continue;
    if (!error.empty()) {
      std::cerr << error << "\n";
      return 2;
    }
    if (arg.starts_with("--bundle-out=")) {
      bundle_out = std::string(arg.substr(13));
    } else if (arg.starts_with("--log-level=")) {
      jib::log::Level level;
      if (!jib::log::parse_level(arg.substr(12), &level)) {
        std::cerr << "bad --log-level\n";
        return 2;
      }
      jib::log::set_level(level);
    } else {
      std::cerr << "unknown argument " << arg << "\nflags:\n"
                << jib::ca::ca_flags_help()
                << "  --bundle-out=FILE  write the trust bundle here\n"
                   "  --log-level=LEVEL\n";
      return 2;
    }
  }
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
