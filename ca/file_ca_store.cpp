#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "base/ossl.h"
#include "ca/ca_store.h"

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
    *found = exists(path("ca-key.pem")) || exists(path("ca-cert.pem"));
    if (!*found) return true;
    if (!read_file(path("ca-key.pem"), &out->key_pem, error) ||
        !read_file(path("ca-cert.pem"), &out->cert_pem, error) ||
        !read_if_present("next-ca-key.pem", &out->next_key_pem, error) ||
        !read_if_present("next-ca-cert.pem", &out->next_cert_pem, error)) {
      return false;
    }
    if (out->next_key_pem.empty() != out->next_cert_pem.empty()) {
      *error = dir_ + " holds only one of next-ca-key.pem and next-ca-cert.pem";
      return false;
    }
    std::string prev;
    if (!read_if_present("previous-roots.pem", &prev, error)) return false;
    if (!prev.empty() && !split_pem_certs(prev, &out->previous_roots_pem)) {
      *error = path("previous-roots.pem") + " is not PEM";
      return false;
    }
    return true;
  }

  bool save(const StoredCa& ca, std::string* error) override {
    if (!make_dirs(dir_, error)) return false;
    std::string prev, bundle;
    for (const auto& r : ca.previous_roots_pem) prev += r;
    for (const auto& r : ca.roots()) bundle += r;
    // The next root and the bundle go first, the signing certificate before its key: a crash
    // between two renames leaves a new cert with the old key, which load() rejects loudly (key
    // mismatch) instead of silently mis-signing.
    return write_file_atomic(path("next-ca-key.pem"), ca.next_key_pem, 0600, error) &&
           write_file_atomic(path("next-ca-cert.pem"), ca.next_cert_pem, 0644, error) &&
           write_file_atomic(path("previous-roots.pem"), prev, 0644, error) &&
           write_file_atomic(path("root-cert.pem"), bundle, 0644, error) &&
           write_file_atomic(path("ca-cert.pem"), ca.cert_pem, 0644, error) &&
           write_file_atomic(path("ca-key.pem"), ca.key_pem, 0600, error);
  }

 private:
  std::string path(const char* name) const { return dir_ + "/" + name; }
  // Empty when the file is absent or empty (no rotation under way).
  bool read_if_present(const char* name, std::string* out, std::string* error) const {
    out->clear();
    return !exists(path(name)) || read_file(path(name), out, error);
  }

  std::string dir_;
};

}  // namespace

CaStorePtr make_file_ca_store(std::string dir) {
  return std::make_unique<FileCaStore>(std::move(dir));
}

}  // namespace jib::ca
