// The client side of the mesh CA (istio.v1.auth.IstioCertificateService/CreateCertificate over
// TLS), shared by jib-agent and `jibctl csr`: key types, the PKCS#10 request, the call.
// Nothing here writes or logs key material.
#pragma once

#include <grpcpp/grpcpp.h>
#include <openssl/evp.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace jib::agent {

// The jib::generate_key kind for a user-facing key type: ec (P-256), ec384, rsa (2048) and
// rsa1024 (which the CA refuses; for tests). Empty for anything else.
std::string key_kind(std::string_view key_type);

// A PEM PKCS#10 request for `key`. The subject stays empty (the CA decides the identity); a
// non-empty `san_uri` is put in as a URI SAN, as Istio's agent does with its SPIFFE ID.
// Empty on failure.
std::string make_csr_pem(EVP_PKEY* key, const std::string& san_uri);

struct CaCallOptions {
  std::string address;      // host:port of the CA
  std::string server_name;  // name to verify in the CA's certificate; empty: host of address
  std::string roots_pem;    // roots that verify the CA's serving certificate; empty: system
  std::string token;        // sent as `authorization: Bearer <token>` when not empty
  // Optional client certificate (the current SVID, for renewal without a token).
  std::string client_key_pem, client_chain_pem;
  std::chrono::seconds timeout{30};
};

// Sends `csr_pem` asking for `ttl_seconds` (0: the CA's default). On OK, *chain holds the
// certificates as the CA sent them: leaf first, root last.
grpc::Status request_certificate(const CaCallOptions& options, const std::string& csr_pem,
                                 int64_t ttl_seconds, std::vector<std::string>* chain);

// "UNAVAILABLE", "UNAUTHENTICATED", ... for messages.
std::string_view grpc_code_name(grpc::StatusCode code);

// `s` without trailing whitespace (token files end in a newline).
std::string trim_right(std::string s);

}  // namespace jib::agent
