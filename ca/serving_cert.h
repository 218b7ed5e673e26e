// jibd's own TLS serving certificate for port 15012, issued by its CA and kept on disk where
// gRPC's file-watching certificate provider picks up renewals without a restart.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "base/clock.h"
#include "ca/authority.h"

namespace jib::ca {

class ServingCert {
 public:
  // Files are <dir>/key.pem (0600) and <dir>/cert-chain.pem. The key is made once per process;
  // renewals re-certify it, so the key and certificate files never disagree mid-update.
  ServingCert(std::string dir, std::vector<std::string> sans, std::chrono::seconds ttl,
              const Authority* authority, ClockPtr clock);

  // Issues a certificate when there is none, when half its life is gone, or when the CA
  // material changed since. Returns false with *error on failure. Not thread-safe: called
  // from start-up and then from one background thread.
  bool renew_if_needed(std::string* error);

  const std::string& key_path() const { return key_path_; }
  const std::string& chain_path() const { return chain_path_; }

 private:
  std::string dir_, key_path_, chain_path_;
  std::vector<std::string> sans_;
  std::chrono::seconds ttl_;
  const Authority* authority_;
  ClockPtr clock_;
  PkeyPtr key_;
  KeyCertBundlePtr issued_by_;
  TimePoint renew_at_{};
};

}  // namespace jib::ca
