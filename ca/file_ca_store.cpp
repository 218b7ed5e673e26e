// The CA's files are saved as one set: every file is first written to a staging directory, which
// is marked complete, and only then renamed into place file by file. A crash before the mark
// leaves the files in place untouched (the staging directory is dropped at the next start); a
// crash after it is finished at the next start. So a start never finds a certificate without its
// key, or a new certificate with an old key.
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string_view>

#include "base/log.h"
#include "base/ossl.h"
#include "ca/ca_store.h"

namespace jib::ca {
namespace {

constexpr std::string_view kLog = "ca";
constexpr const char* kStaging = ".staging";
constexpr const char* kComplete = "COMPLETE";

struct FileSpec {
  const char* name;
  unsigned mode;
};
// Keys before certificates, so that even a partial rename leaves no certificate without its key.
constexpr std::array<FileSpec, 6> kFiles{{{"next-ca-key.pem", 0600},
                                          {"ca-key.pem", 0600},
                                          {"next-ca-cert.pem", 0644},
                                          {"previous-roots.pem", 0644},
                                          {"root-cert.pem", 0644},
                                          {"ca-cert.pem", 0644}}};

bool exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

class FileCaStore final : public CaStore {
 public:
  FileCaStore(std::string dir, std::function<void(std::string_view)> before_step)
      : dir_(std::move(dir)), before_step_(std::move(before_step)) {}

  bool load(StoredCa* out, bool* found, std::string* error) override {
    if (!recover(error)) return false;
    const bool has_key = exists(path("ca-key.pem"));
    const bool has_cert = exists(path("ca-cert.pem"));
    *found = has_key || has_cert;
    if (!*found) return true;
    if (has_key != has_cert) {
      *error = dir_ + " holds " +
               (has_cert ? "ca-cert.pem without ca-key.pem" : "ca-key.pem without ca-cert.pem") +
               " (not written by this jibd): restore the missing file, or remove the other to "
               "have a new root made";
      return false;
    }
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
    if (!make_dirs(dir_, error) || !recover(error)) return false;
    std::string prev, bundle;
    for (const auto& r : ca.previous_roots_pem) prev += r;
    for (const auto& r : ca.roots()) bundle += r;
    const std::string staging = path(kStaging);
    if (::mkdir(staging.c_str(), 0700) != 0) {
      *error = "mkdir " + staging + ": " + std::strerror(errno);
      return false;
    }
    // In kFiles' order.
    const std::array<const std::string*, kFiles.size()> contents{
        &ca.next_key_pem, &ca.key_pem, &ca.next_cert_pem, &prev, &bundle, &ca.cert_pem};
    for (size_t i = 0; i < kFiles.size(); ++i) {
      step(kFiles[i].name);
      if (!write_file_atomic(staging + "/" + kFiles[i].name, *contents[i], kFiles[i].mode, error)) {
        return discard(error);
      }
    }
    step(kComplete);
    if (!write_file_atomic(staging + "/" + kComplete, "", 0600, error)) return discard(error);
    return commit(error);
  }

 private:
  std::string path(std::string_view name) const { return dir_ + "/" + std::string(name); }
  // Empty when the file is absent or empty (no rotation under way).
  bool read_if_present(const char* name, std::string* out, std::string* error) const {
    out->clear();
    return !exists(path(name)) || read_file(path(name), out, error);
  }
  // A crash test's way in: called before each step of a save.
  void step(std::string_view what) const {
    if (before_step_) before_step_(what);
  }

  // Renames the staged files into place, then drops the staging directory. Finishes a commit that
  // was interrupted: files already moved are simply no longer staged.
  bool commit(std::string* error) {
    const std::string staging = path(kStaging);
    for (const FileSpec& f : kFiles) {
      const std::string from = staging + "/" + f.name;
      if (!exists(from)) continue;
      step(std::string("rename ") + f.name);
      if (::rename(from.c_str(), path(f.name).c_str()) != 0) {
        *error = "rename " + from + ": " + std::strerror(errno);
        return false;
      }
    }
    if (!sync_dir(dir_, error)) return false;
    std::error_code ec;
    std::filesystem::remove_all(staging, ec);
    return true;
  }

  // A failed save leaves the files in place as they were, and no debris.
  bool discard(std::string* error) {
    std::error_code ec;
    std::filesystem::remove_all(path(kStaging), ec);
    *error = "cannot save the CA state in " + dir_ + ": " + *error;
    return false;
  }

  // Settles a save that a crash interrupted, and removes temp files of earlier versions.
  bool recover(std::string* error) {
    const std::string staging = path(kStaging);
    std::error_code ec;
    if (exists(staging)) {
      if (exists(staging + "/" + kComplete)) {
        log::warn(kLog, dir_, ": finishing a save of the CA state that was interrupted");
        if (!commit(error)) return false;
      } else {
        log::warn(kLog, dir_, ": dropping a save of the CA state that was interrupted");
        std::filesystem::remove_all(staging, ec);
      }
    }
    for (const FileSpec& f : kFiles) {
      const std::string tmp = path(f.name) + ".tmp";
      if (exists(tmp)) {
        log::warn(kLog, "removing ", tmp, ", left by an interrupted write");
        ::unlink(tmp.c_str());
      }
    }
    return true;
  }

  std::string dir_;
  std::function<void(std::string_view)> before_step_;
};

}  // namespace

CaStorePtr make_file_ca_store(std::string dir, std::function<void(std::string_view)> before_step) {
  return std::make_unique<FileCaStore>(std::move(dir), std::move(before_step));
}

}  // namespace jib::ca
