// jibctl subcommands share this shape: one file each, dispatched by main.cpp.
#pragma once

#include <string_view>
#include <vector>

namespace jib::ctl {

// Runs `jibctl csr ...`; args exclude the subcommand name. Returns the process exit code.
int run_csr(const std::vector<std::string_view>& args);
// `jibctl validate FILE|DIR...` and `jibctl analyze DIR...`: see their files for exit codes.
int run_validate(const std::vector<std::string_view>& args);
int run_analyze(const std::vector<std::string_view>& args);
// `jibctl authz check ...`: 0 ALLOW, 1 DENY, 2 usage or config error.
int run_authz(const std::vector<std::string_view>& args);

}  // namespace jib::ctl
