#include "xds/serve/credentials_gate.h"

#include <string_view>

#include "base/log.h"

namespace jib::xds {
namespace {

constexpr std::string_view kLog = "ads";
// Past this many refused callers the set of those already logged starts over, so that it
// stays bounded; the worst case is a repeated warning.
constexpr size_t kMaxLogged = 10000;

}  // namespace

bool wants_credential_keys(const SotwWatch& secrets) {
  if (secrets.wildcard()) return true;
  for (const std::string& name : secrets.names()) {
    if (name.starts_with("kubernetes://") && !name.ends_with("-cacert")) return true;
  }
  return false;
}

bool CredentialsGate::allows(const Proxy& proxy, const SotwWatch& secrets) {
  if (proxy.type != Proxy::Type::kRouter || !proxy.identity_verified) return false;
  if (!wants_credential_keys(secrets)) return false;
  CredentialsVerdict verdict = authorizer_.authorize(proxy.ns, proxy.service_account);
  std::pair<std::string, std::string> caller{proxy.ns, proxy.service_account};
  std::lock_guard lock(mutex_);
  if (verdict.allowed) {
    logged_.erase(caller);
    return true;
  }
  refused_.inc();
  if (!logged_.count(caller)) {
    if (logged_.size() >= kMaxLogged) logged_.clear();
    logged_.insert(caller);
    log::warn(kLog, "refusing the credentials of namespace ", proxy.ns, " to ", proxy.id,
              " (caller ", proxy.ns, "/", proxy.service_account, "): ", verdict.reason);
  }
  return false;
}

}  // namespace jib::xds
