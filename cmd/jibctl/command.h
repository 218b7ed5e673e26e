// jibctl subcommands share this shape: one file each, dispatched by main.cpp. Each takes its
// arguments without the subcommand's name, prints its usage for --help or -h (exit 0) and its
// error with the usage for a bad flag (exit 2).
#pragma once

#include <string>
#include <vector>

namespace jib::ctl {

// `jibctl csr ...`: 0 when the certificate was written, 1 when refused or on I/O errors.
int run_csr(const std::vector<std::string>& args);
// `jibctl validate FILE|DIR...` and `jibctl analyze DIR...`: see their files for exit codes.
int run_validate(const std::vector<std::string>& args);
int run_analyze(const std::vector<std::string>& args);
// `jibctl authz check ...`: 0 ALLOW, 1 DENY, 2 usage or config error.
int run_authz(const std::vector<std::string>& args);

}  // namespace jib::ctl
