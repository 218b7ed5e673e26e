#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "ca/ca_store.h"
#include "ca/ossl.h"

namespace jib::ca {
namespace {

bool exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

class FileCaStore final : public CaStore {
 public:
  explicit FileCaStore(std::string dir) : dir_(std::move(dir)) {}

  bool load(StoredCa* out, bool* found, std::string* error) override {
    const std::string key_path = dir_ + "/ca-key.pem";
    const std::string cert_path = dir_ + "/ca-cert.pem";
    *found = exists(key_path) || exists(cert_path);
    if (!*found) return true;
    if (!read_file(key_path, &out->key_pem, error)) return false;
    if (!read_file(cert_path, &out->cert_pem, error)) return false;
    std::string prev;
    const std::string prev_path = dir_ + "/previous-roots.pem";
    if (exists(prev_path)) {
      if (!read_file(prev_path, &prev, error)) return false;
      if (!split_pem_certs(prev, &out->previous_roots_pem)) {
        *error = prev_path + " is not PEM";
        return false;
      }
    }
    return true;
  }

  bool save(const StoredCa& ca, std::string* error) override {
    if (!make_dirs(dir_, error)) return false;
    std::string prev;
    for (const auto& r : ca.previous_roots_pem) prev += r;
    // The certificate goes first: a crash between the two renames leaves a new cert with the
    // old key, which load() rejects loudly (key mismatch) instead of silently mis-signing.
    return write_file_atomic(dir_ + "/previous-roots.pem", prev, 0644, error) &&
           write_file_atomic(dir_ + "/ca-cert.pem", ca.cert_pem, 0644, error) &&
           write_file_atomic(dir_ + "/ca-key.pem", ca.key_pem, 0600, error);
  }

 private:
  std::string dir_;
};

}  // namespace

CaStorePtr make_file_ca_store(std::string dir) {
  return std::make_unique<FileCaStore>(std::move(dir));
}

}  // namespace jib::ca
