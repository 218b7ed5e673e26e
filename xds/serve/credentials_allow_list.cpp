#include "xds/serve/credentials_allow_list.h"

#include <set>
#include <utility>

namespace jib::xds {
namespace {

class AllowList final : public CredentialsAuthorizer {
 public:
  explicit AllowList(std::set<std::pair<std::string, std::string>> allowed)
      : allowed_(std::move(allowed)) {}

  CredentialsVerdict authorize(const std::string& ns, const std::string& service_account) override {
    if (allowed_.count({ns, service_account})) return {true, ""};
    return {false, ns + "/" + service_account + " is not in --gateway-service-accounts"};
  }

 private:
  const std::set<std::pair<std::string, std::string>> allowed_;
};

}  // namespace

CredentialsAuthorizerPtr make_credentials_allow_list(const std::vector<std::string>& entries,
                                                     std::string* error) {
  std::set<std::pair<std::string, std::string>> allowed;
  for (const std::string& entry : entries) {
    const auto slash = entry.find('/');
    if (slash == std::string::npos || slash == 0 || slash + 1 == entry.size() ||
        entry.find('/', slash + 1) != std::string::npos) {
      *error = "gateway service account \"" + entry + "\" is not of the form namespace/name";
      return nullptr;
    }
    allowed.emplace(entry.substr(0, slash), entry.substr(slash + 1));
  }
  return std::make_shared<AllowList>(std::move(allowed));
}

}  // namespace jib::xds
