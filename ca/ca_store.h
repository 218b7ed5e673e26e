// Persistence of the self-signed CA's material. Files today; a Kubernetes Secret later
// (Istio's istio-ca-secret), which is why this is a seam.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace jib::ca {

struct StoredCa {
  std::string key_pem;   // the current root's private key; secret
  std::string cert_pem;  // the current root
  // Earlier roots kept in the trust bundle until they expire, newest first.
  std::vector<std::string> previous_roots_pem;
  // A new root that is trusted (in the bundle) but does not sign yet, so that every workload
  // trusts it before it meets a certificate it signed. Empty outside a rotation.
  std::string next_key_pem;  // secret
  std::string next_cert_pem;

  // The trust bundle: the signing root, then the next one, then the earlier ones.
  std::vector<std::string> roots() const;
};

inline std::vector<std::string> StoredCa::roots() const {
  std::vector<std::string> out{cert_pem};
  if (!next_cert_pem.empty()) out.push_back(next_cert_pem);
  out.insert(out.end(), previous_roots_pem.begin(), previous_roots_pem.end());
  return out;
}

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

// Stores ca-key.pem (0600), ca-cert.pem, next-ca-key.pem (0600) and next-ca-cert.pem during a
// rotation, previous-roots.pem, and root-cert.pem (the whole trust bundle, for whoever
// distributes it) in a directory (created 0700). Saves are all-or-nothing across a crash at any
// point; before_step (tests) is called before each step of a save, and may throw to stop it there.
CaStorePtr make_file_ca_store(std::string dir,
                              std::function<void(std::string_view)> before_step = {});

}  // namespace jib::ca
