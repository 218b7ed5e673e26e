#include "cmd/jibctl/flags.h"

namespace jib::ctl {

std::string parse_flags(
    const std::vector<std::string>& args, const std::map<std::string_view, std::string*>& strings,
    const std::function<std::string(std::string_view name, std::string_view value)>& other) {
  for (size_t i = 0; i < args.size(); ++i) {
    std::string_view flag = args[i], value;
    if (auto eq = flag.find('='); eq != std::string_view::npos) {
      value = flag.substr(eq + 1);
      flag = flag.substr(0, eq);
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      return std::string(flag) + " needs a value";
    }
    if (auto it = strings.find(flag); it != strings.end()) {
      *it->second = std::string(value);
    } else if (std::string error = other(flag, value); !error.empty()) {
      return error;
    }
  }
  return "";
}

}  // namespace jib::ctl
