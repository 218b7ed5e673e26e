// jibctl: command-line tool for a Jib mesh. Subcommands live in their own files.
#include <cstdio>
#include <string_view>
#include <vector>

#include "cmd/jibctl/command.h"

namespace {

struct Subcommand {
  std::string_view name;
  std::string_view summary;
  int (*run)(const std::vector<std::string_view>&);
};

constexpr Subcommand kSubcommands[] = {
    {"csr", "get a workload certificate from the mesh CA", jib::ctl::run_csr},
    {"validate", "check config files as jibd reads them (strict)", jib::ctl::run_validate},
    {"analyze", "cross-object findings, with Istio's analyzer codes", jib::ctl::run_analyze},
    {"authz", "check: would a request to a workload be allowed (its RBAC, as Envoy runs it)",
     jib::ctl::run_authz},
};

int usage() {
  std::fprintf(stderr, "usage: jibctl <command> [flags]\ncommands:\n");
  for (const auto& s : kSubcommands) {
    std::fprintf(stderr, "  %-8.*s %.*s\n", static_cast<int>(s.name.size()), s.name.data(),
                 static_cast<int>(s.summary.size()), s.summary.data());
  }
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage();
  std::string_view name = argv[1];
  std::vector<std::string_view> args(argv + 2, argv + argc);
  for (const auto& s : kSubcommands) {
    if (s.name == name) return s.run(args);
  }
  std::fprintf(stderr, "jibctl: unknown command \"%s\"\n", argv[1]);
  return usage();
}
