#include "agent/csr_client.h"

#include <openssl/pem.h>

#include <cctype>

#include "base/grpc_status_names.h"
#include "base/ossl.h"
#include "proto/istio/ca.grpc.pb.h"

namespace jib::agent {

std::string key_kind(std::string_view key_type) {
  if (key_type == "ec" || key_type == "ec384") return std::string(key_type);
  if (key_type == "rsa") return "rsa2048";
  if (key_type == "rsa1024") return "rsa1024";
  return "";
}

std::string make_csr_pem(EVP_PKEY* key, const std::string& san_uri) {
  jib::X509ReqPtr req(X509_REQ_new());
  X509_REQ_set_version(req.get(), 0);
  X509_REQ_set_pubkey(req.get(), key);
  if (!san_uri.empty()) {
    STACK_OF(X509_EXTENSION)* exts = sk_X509_EXTENSION_new_null();
    std::string value = "URI:" + san_uri;
    X509_EXTENSION* ext =
        X509V3_EXT_nconf_nid(nullptr, nullptr, NID_subject_alt_name, value.c_str());
    if (ext) sk_X509_EXTENSION_push(exts, ext);
    X509_REQ_add_extensions(req.get(), exts);
    sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
  }
  if (X509_REQ_sign(req.get(), key, jib::digest_for_key(key)) <= 0) return "";
  jib::BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509_REQ(bio.get(), req.get());
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}

grpc::Status request_certificate(const CaCallOptions& options, const std::string& csr_pem,
                                 int64_t ttl_seconds, std::vector<std::string>* chain) {
  grpc::SslCredentialsOptions tls;
  tls.pem_root_certs = options.roots_pem;
  tls.pem_private_key = options.client_key_pem;
  tls.pem_cert_chain = options.client_chain_pem;
  grpc::ChannelArguments args;
  if (!options.server_name.empty()) args.SetSslTargetNameOverride(options.server_name);
  // A fresh channel per call: roots and client certificate change between renewals, and a
  // call every few hours gains nothing from a kept connection.
  auto channel = grpc::CreateCustomChannel(options.address, grpc::SslCredentials(tls), args);
  auto stub = istio::v1::auth::IstioCertificateService::NewStub(channel);

  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + options.timeout);
  if (!options.token.empty()) context.AddMetadata("authorization", "Bearer " + options.token);
  istio::v1::auth::IstioCertificateRequest request;
  request.set_csr(csr_pem);
  request.set_validity_duration(ttl_seconds);
  istio::v1::auth::IstioCertificateResponse response;
  grpc::Status status = stub->CreateCertificate(&context, request, &response);
  if (!status.ok()) return status;
  chain->assign(response.cert_chain().begin(), response.cert_chain().end());
  return status;
}

std::string_view grpc_code_name(grpc::StatusCode code) {
  const auto i = static_cast<size_t>(code);
  return i < kGrpcStatusNames.size() ? kGrpcStatusNames[i] : "UNKNOWN";
}

std::string trim_right(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  return s;
}

}  // namespace jib::agent
