#include "base/ossl.h"

#include <fcntl.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>

namespace jib {

std::string ossl_error_string() {
  std::string out;
  unsigned long code;
  char buf[256];
  while ((code = ERR_get_error()) != 0) {
    ERR_error_string_n(code, buf, sizeof(buf));
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out.empty() ? "unknown OpenSSL error" : out;
}

PkeyPtr generate_key(std::string_view kind) {
  if (kind == "ec") return PkeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  if (kind == "ec384") return PkeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384"));
  if (kind.substr(0, 3) == "rsa") {
    size_t bits = 0;
    auto rest = kind.substr(3);
    if (rest.empty())
      bits = 2048;
    else if (std::from_chars(rest.data(), rest.data() + rest.size(), bits).ec != std::errc())
      return nullptr;
    return PkeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", bits));
  }
  return nullptr;
}

namespace {
std::string bio_to_string(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  return std::string(data, len > 0 ? static_cast<size_t>(len) : 0);
}
BioPtr mem_bio(std::string_view data) {
  return BioPtr(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
}
}  // namespace

std::string key_to_pem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr)) return {};
  return bio_to_string(bio.get());
}

PkeyPtr key_from_pem(std::string_view pem) {
  auto bio = mem_bio(pem);
  return PkeyPtr(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
}

std::string cert_to_pem(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!PEM_write_bio_X509(bio.get(), cert)) return {};
  return bio_to_string(bio.get());
}

X509Ptr cert_from_pem(std::string_view pem) {
  auto bio = mem_bio(pem);
  return X509Ptr(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
}

bool certs_from_pem(std::string_view pem, std::vector<X509Ptr>* out) {
  auto bio = mem_bio(pem);
  for (;;) {
    X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr);
    if (cert == nullptr) {
      // Running out of PEM blocks is the normal end; anything else is corruption.
      unsigned long err = ERR_peek_last_error();
      bool clean_end = ERR_GET_REASON(err) == PEM_R_NO_START_LINE;
      ERR_clear_error();
      return clean_end;
    }
    out->emplace_back(cert);
  }
}

bool split_pem_certs(std::string_view pem, std::vector<std::string>* out) {
  std::vector<X509Ptr> certs;
  if (!certs_from_pem(pem, &certs)) return false;
  for (auto& c : certs) out->push_back(cert_to_pem(c.get()));
  return true;
}

const EVP_MD* digest_for_key(EVP_PKEY* key) {
  if (EVP_PKEY_get_base_id(key) == EVP_PKEY_EC) {
    char group[64] = {};
    size_t len = 0;
    if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group),
                                       &len) &&
        std::string_view(group) == "secp384r1") {
      return EVP_sha384();
    }
  }
  return EVP_sha256();
}

bool set_asn1_time(ASN1_TIME* time, TimePoint when) {
  time_t t = std::chrono::system_clock::to_time_t(when);
  return ASN1_TIME_set(time, t) != nullptr;
}

TimePoint asn1_to_time_point(const ASN1_TIME* time) {
  struct tm tm = {};
  if (!ASN1_TIME_to_tm(time, &tm)) return TimePoint{};
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

TimePoint not_before(X509* cert) { return asn1_to_time_point(X509_get0_notBefore(cert)); }
TimePoint not_after(X509* cert) { return asn1_to_time_point(X509_get0_notAfter(cert)); }

bool set_random_serial(X509* cert, int bytes) {
  std::vector<unsigned char> buf(static_cast<size_t>(bytes));
  BnPtr bn;
  do {
    if (RAND_bytes(buf.data(), bytes) != 1) return false;
    bn.reset(BN_bin2bn(buf.data(), bytes, nullptr));
    if (!bn) return false;
  } while (BN_is_zero(bn.get()));
  // BIGNUMs from bytes are non-negative, so the DER INTEGER is positive (a leading zero octet
  // is added when the top bit is set, still within RFC 5280's 20 octets).
  return BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert)) != nullptr;
}

bool add_ext(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509ExtPtr ext(X509V3_EXT_nconf_nid(nullptr, &ctx, nid, value));
  return ext && X509_add_ext(cert, ext.get(), -1) == 1;
}

bool key_matches_cert(EVP_PKEY* key, X509* cert) { return X509_check_private_key(cert, key) == 1; }

bool write_file_atomic(const std::string& path, std::string_view data, unsigned mode,
                       std::string* error) {
  std::string tmp = path + ".tmp";
  // Create with the final mode so key bytes are never readable by others, even briefly.
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) {
    *error = "open " + tmp + ": " + std::strerror(errno);
    return false;
  }
  // A failed write (a full disk) leaves nothing behind.
  auto fail = [&](const std::string& what) {
    *error = what + " " + tmp + ": " + std::strerror(errno);
    if (fd >= 0) ::close(fd);
    ::unlink(tmp.c_str());
    return false;
  };
  ::fchmod(fd, mode);
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::write(fd, data.data() + off, data.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail("write");
    }
    off += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) return fail("sync");
  const int closed = ::close(fd);
  fd = -1;
  if (closed != 0) return fail("close");
  if (::rename(tmp.c_str(), path.c_str()) != 0) return fail("rename");
  // The rename is durable only once the directory is.
  const auto slash = path.rfind('/');
  return sync_dir(slash == std::string::npos ? "." : path.substr(0, slash), error);
}

bool sync_dir(const std::string& dir, std::string* error) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0 || ::fsync(fd) != 0) {
    *error = "sync " + dir + ": " + std::strerror(errno);
    if (fd >= 0) ::close(fd);
    return false;
  }
  ::close(fd);
  return true;
}

bool make_dirs(const std::string& dir, std::string* error) {
  size_t pos = 0;
  while (pos != std::string::npos) {
    pos = dir.find('/', pos + 1);
    std::string partial = dir.substr(0, pos);
    struct stat st;
    if (partial.empty() || ::stat(partial.c_str(), &st) == 0) continue;
    if (::mkdir(partial.c_str(), 0700) != 0 && errno != EEXIST) {
      *error = "mkdir " + partial + ": " + std::strerror(errno);
      return false;
    }
  }
  return true;
}

bool read_file(const std::string& path, std::string* out, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = "cannot read " + path + ": " + std::strerror(errno);
    return false;
  }
  std::ostringstream s;
  s << in.rdbuf();
  *out = s.str();
  return true;
}

}  // namespace jib
