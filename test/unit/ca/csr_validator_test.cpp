#include "ca/csr_validator.h"

#include <gtest/gtest.h>

#include "test/unit/ca/test_util.h"

namespace jib::ca {
namespace {

using testing::make_csr;
constexpr const char* kId = "spiffe://cluster.local/ns/default/sa/web";

CaStatus check(const std::string& pem) {
  ValidatedCsr out;
  return validate_csr(pem, kId, &out);
}

TEST(CsrValidator, AcceptsTheKeysWeSupport) {
  for (const char* kind : {"ec", "ec384", "rsa2048", "rsa4096"}) {
    auto key = generate_key(kind);
    ValidatedCsr out;
    EXPECT_TRUE(validate_csr(make_csr(key.get()), kId, &out).ok()) << kind;
    EXPECT_NE(out.public_key, nullptr);
  }
}

TEST(CsrValidator, AcceptsOwnIdentityAndHarmlessExtensions) {
  auto key = generate_key("ec");
  std::string csr = make_csr(key.get(), {{NID_subject_alt_name, std::string("URI:") + kId},
                                         {NID_basic_constraints, "CA:FALSE"},
                                         {NID_key_usage, "digitalSignature,keyEncipherment"},
                                         {NID_ext_key_usage, "serverAuth,clientAuth"}});
  EXPECT_TRUE(check(csr).ok()) << check(csr).message;
}

void expect_refused(const std::string& csr, const std::string& fragment) {
  CaStatus st = check(csr);
  EXPECT_EQ(st.code, grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(st.message.find(fragment), std::string::npos) << st.message;
}

TEST(CsrValidator, RefusesWeakOrUnknownKeys) {
  auto rsa1024 = generate_key("rsa1024");
  expect_refused(make_csr(rsa1024.get()), "1024 bits is too weak");
  PkeyPtr p521(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-521"));
  expect_refused(make_csr(p521.get()), "curve secp521r1");
  PkeyPtr ed(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
  X509ReqPtr req(X509_REQ_new());
  X509_REQ_set_pubkey(req.get(), ed.get());
  X509_REQ_sign(req.get(), ed.get(), nullptr);
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509_REQ(bio.get(), req.get());
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  expect_refused(std::string(data, static_cast<size_t>(len)), "key type ED25519");
}

TEST(CsrValidator, RefusesWhatWeDoNotGrant) {
  auto key = generate_key("ec");
  expect_refused(make_csr(key.get(), {{NID_basic_constraints, "critical,CA:TRUE"}}),
                 "CA certificate");
  expect_refused(make_csr(key.get(), {{NID_key_usage, "keyCertSign"}}), "key usages");
  expect_refused(make_csr(key.get(), {{NID_ext_key_usage, "codeSigning"}}), "extended key usages");
  expect_refused(make_csr(key.get(), {{NID_netscape_comment, "hi"}}), "does not grant");
  expect_refused(make_csr(key.get(), {{NID_subject_alt_name, "DNS:db.prod.svc"}}), "non-URI");
  expect_refused(
      make_csr(key.get(), {{NID_subject_alt_name, "URI:spiffe://cluster.local/ns/prod/sa/db"}}),
      "asks for identity spiffe://cluster.local/ns/prod/sa/db but the caller is");
}

TEST(CsrValidator, RefusesGarbageHugeAndForged) {
  expect_refused("", "empty");
  expect_refused("garbage", "not a PEM-encoded PKCS#10");
  expect_refused(std::string(1 << 20, 'A'), "1048576 bytes; at most 65536");
  auto key = generate_key("ec");
  auto other = generate_key("ec");
  // A CSR carrying one public key but signed with another.
  X509ReqPtr req(X509_REQ_new());
  X509_REQ_set_pubkey(req.get(), key.get());
  X509_REQ_sign(req.get(), other.get(), EVP_sha256());
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509_REQ(bio.get(), req.get());
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  expect_refused(std::string(data, static_cast<size_t>(len)), "signature does not verify");
}

}  // namespace
}  // namespace jib::ca
