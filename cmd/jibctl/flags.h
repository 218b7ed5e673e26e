// Flags as jibctl's subcommands take them: "--name value" or "--name=value".
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace jib::ctl {

// Reads every flag of args: the value of a name in `strings` is stored there, any other flag
// goes to `other`, which returns an error message ("unknown flag ...") or "" when it took the
// flag. Returns the first error, or "" when all flags were read.
std::string parse_flags(
    const std::vector<std::string>& args, const std::map<std::string_view, std::string*>& strings,
    const std::function<std::string(std::string_view name, std::string_view value)>& other);

}  // namespace jib::ctl
