// jibctl: command-line tool for a Jib mesh. Subcommands live in their own files.
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "cmd/jibctl/command.h"

namespace {

struct Subcommand {
  std::string_view name;
  std::string_view summary;
  int (*run)(const std::vector<std::string>&);
};

constexpr Subcommand kSubcommands[] = {
    {"csr", "get a workload certificate from the mesh CA", jib::ctl::run_csr},
    {"validate", "check config files as jibd reads them (strict)", jib::ctl::run_validate},
    {"analyze", "cross-object findings, with Istio's analyzer codes", jib::ctl::run_analyze},
    {"authz", "check: would a request to a workload be allowed (its RBAC, as Envoy runs it)",
     jib::ctl::run_authz},
};

std::string usage() {
  std::string out =
      "usage: jibctl <command> [flags]   (jibctl <command> --help for its flags)\n"
      "commands:\n";
  for (const auto& s : kSubcommands) {
    out += "  " + std::string(s.name) + std::string(10 - s.name.size(), ' ') +
           std::string(s.summary) + "\n";
  }
  return out;
}

int usage_error(const std::string& message) {
  std::fprintf(stderr, "jibctl: %s\n\n%s", message.c_str(), usage().c_str());
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage_error("no command given");
  const std::string_view name = argv[1];
  if (name == "--help" || name == "-h" || name == "help") {
    std::fputs(usage().c_str(), stdout);
    return 0;
  }
  const std::vector<std::string> args(argv + 2, argv + argc);
  for (const auto& s : kSubcommands) {
    if (s.name == name) return s.run(args);
  }
  return usage_error("unknown command \"" + std::string(name) + "\"");
}
