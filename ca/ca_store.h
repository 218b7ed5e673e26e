// Persistence of the self-signed CA's material. Files today; a Kubernetes Secret later
// (Istio's istio-ca-secret), which is why this is a seam.
#pragma once

#include <memory>
#include <string>
#include <vector>

namespace jib::ca {

struct StoredCa {
  std::string key_pem;   // the current root's private key; secret
  std::string cert_pem;  // the current root
  // Earlier roots kept in the trust bundle until they expire, newest first.
  std::vector<std::string> previous_roots_pem;
};

class CaStore {
 public:
  virtual ~CaStore() = default;
  // Reads the stored material. Returns true with *found = false when nothing is stored yet;
  // false with *error when something is stored but cannot be read. Called at start-up.
  virtual bool load(StoredCa* out, bool* found, std::string* error) = 0;
  // Replaces the stored material; keys are readable by the owner only. Returns false with
  // *error on failure, in which case the previous material may still be in place.
  virtual bool save(const StoredCa& ca, std::string* error) = 0;
};
using CaStorePtr = std::unique_ptr<CaStore>;

// Stores ca-key.pem (0600), ca-cert.pem and previous-roots.pem in a directory (created 0700).
CaStorePtr make_file_ca_store(std::string dir);

}  // namespace jib::ca
