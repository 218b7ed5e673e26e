// jibctl csr: makes a key and CSR, asks the mesh CA (IstioCertificateService over TLS) for a
// certificate, and writes key.pem (0600), cert-chain.pem and root-cert.pem.
#include <grpcpp/grpcpp.h>
#include <openssl/pem.h>

#include <charconv>
#include <cstdio>
#include <map>
#include <string>

#include "ca/ossl.h"
#include "cmd/jibctl/command.h"
#include "proto/istio/ca.grpc.pb.h"

namespace jib::ctl {
namespace {

constexpr const char* kUsage =
    "usage: jibctl csr --ca HOST:PORT [--token FILE] [--key-type ec|ec384|rsa|rsa1024]\n"
    "                  [--root-cert FILE] [--server-name NAME] [--ttl SECONDS] [--out DIR]\n"
    "                  [--renew DIR] [--san URI]\n"
    "  --token FILE      service-account token sent as bearer credential\n"
    "  --key-type        ec (P-256, default), ec384, rsa (2048), rsa1024 (refused; for tests)\n"
    "  --root-cert FILE  roots that verify the CA's serving certificate (system roots if unset)\n"
    "  --server-name     name to verify in the CA's certificate (default: host of --ca)\n"
    "  --ttl SECONDS     requested lifetime (server default if unset)\n"
    "  --out DIR         where key.pem, cert-chain.pem and root-cert.pem go (default .)\n"
    "  --renew DIR       authenticate with DIR/key.pem and DIR/cert-chain.pem (mTLS)\n"
    "  --san URI         put this URI SAN in the CSR (the CA refuses it unless it is yours)\n";

struct Args {
  std::string ca, token_file, key_type = "ec", root_cert, server_name, out = ".", renew, san;
  int64_t ttl = 0;
};

bool parse_args(const std::vector<std::string_view>& in, Args* a, std::string* error) {
  std::map<std::string_view, std::string*> strings = {{"--ca", &a->ca},
                                                      {"--token", &a->token_file},
                                                      {"--key-type", &a->key_type},
                                                      {"--root-cert", &a->root_cert},
                                                      {"--server-name", &a->server_name},
                                                      {"--out", &a->out},
                                                      {"--renew", &a->renew},
                                                      {"--san", &a->san}};
  for (size_t i = 0; i < in.size(); ++i) {
    std::string_view flag = in[i], value;
    if (auto eq = flag.find('='); eq != std::string_view::npos) {
      value = flag.substr(eq + 1);
      flag = flag.substr(0, eq);
    } else if (i + 1 < in.size()) {
      value = in[++i];
    } else {
      *error = std::string(flag) + " needs a value";
      return false;
    }
    if (auto it = strings.find(flag); it != strings.end()) {
      *it->second = std::string(value);
    } else if (flag == "--ttl") {
      auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), a->ttl);
      if (ec != std::errc() || p != value.data() + value.size()) {
        *error = "--ttl needs a number of seconds";
        return false;
      }
    } else {
      *error = "unknown flag " + std::string(flag);
      return false;
    }
  }
  if (a->ca.empty())
    *error = "--ca is required";
  else if (a->token_file.empty() && a->renew.empty())
    *error = "--token or --renew is required";
  return error->empty();
}

std::string key_kind(const std::string& key_type) {
  if (key_type == "ec" || key_type == "ec384") return key_type;
  if (key_type == "rsa") return "rsa2048";
  if (key_type == "rsa1024") return "rsa1024";
  return "";
}

// A PKCS#10 request; the identity is the CA's to decide, so the subject stays empty.
std::string make_csr(EVP_PKEY* key, const std::string& san) {
  ca::X509ReqPtr req(X509_REQ_new());
  X509_REQ_set_version(req.get(), 0);
  X509_REQ_set_pubkey(req.get(), key);
  if (!san.empty()) {
    STACK_OF(X509_EXTENSION)* exts = sk_X509_EXTENSION_new_null();
    std::string value = "URI:" + san;
    X509_EXTENSION* ext =
        X509V3_EXT_nconf_nid(nullptr, nullptr, NID_subject_alt_name, value.c_str());
    if (ext) sk_X509_EXTENSION_push(exts, ext);
    X509_REQ_add_extensions(req.get(), exts);
    sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
  }
  if (X509_REQ_sign(req.get(), key, ca::digest_for_key(key)) <= 0) return "";
  ca::BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509_REQ(bio.get(), req.get());
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}

const char* code_name(grpc::StatusCode code) {
  static const char* kNames[] = {"OK",
                                 "CANCELLED",
                                 "UNKNOWN",
                                 "INVALID_ARGUMENT",
                                 "DEADLINE_EXCEEDED",
                                 "NOT_FOUND",
                                 "ALREADY_EXISTS",
                                 "PERMISSION_DENIED",
                                 "RESOURCE_EXHAUSTED",
                                 "FAILED_PRECONDITION",
                                 "ABORTED",
                                 "OUT_OF_RANGE",
                                 "UNIMPLEMENTED",
                                 "INTERNAL",
                                 "UNAVAILABLE",
                                 "DATA_LOSS",
                                 "UNAUTHENTICATED"};
  int i = static_cast<int>(code);
  return i >= 0 && i < 17 ? kNames[i] : "UNKNOWN";
}

std::string trim(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  return s;
}

int fail(const std::string& message) {
  std::fprintf(stderr, "jibctl csr: %s\n", message.c_str());
  return 1;
}

}  // namespace

int run_csr(const std::vector<std::string_view>& argv) {
  Args args;
  std::string error;
  if (!parse_args(argv, &args, &error)) {
    std::fprintf(stderr, "jibctl csr: %s\n%s", error.c_str(), kUsage);
    return 2;
  }
  std::string kind = key_kind(args.key_type);
  if (kind.empty()) return fail("unknown --key-type " + args.key_type);
  ca::PkeyPtr key = ca::generate_key(kind);
  if (!key) return fail("key generation failed: " + ca::ossl_error_string());
  std::string csr = make_csr(key.get(), args.san);
  if (csr.empty()) return fail("CSR generation failed: " + ca::ossl_error_string());

  grpc::SslCredentialsOptions tls;
  if (!args.root_cert.empty() && !ca::read_file(args.root_cert, &tls.pem_root_certs, &error)) {
    return fail(error);
  }
  if (!args.renew.empty() &&
      (!ca::read_file(args.renew + "/key.pem", &tls.pem_private_key, &error) ||
       !ca::read_file(args.renew + "/cert-chain.pem", &tls.pem_cert_chain, &error))) {
    return fail(error);
  }
  grpc::ChannelArguments channel_args;
  if (!args.server_name.empty()) channel_args.SetSslTargetNameOverride(args.server_name);
  auto channel = grpc::CreateCustomChannel(args.ca, grpc::SslCredentials(tls), channel_args);
  auto stub = istio::v1::auth::IstioCertificateService::NewStub(channel);

  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  if (!args.token_file.empty()) {
    std::string token;
    if (!ca::read_file(args.token_file, &token, &error)) return fail(error);
    context.AddMetadata("authorization", "Bearer " + trim(token));
  }
  istio::v1::auth::IstioCertificateRequest request;
  request.set_csr(csr);
  request.set_validity_duration(args.ttl);
  istio::v1::auth::IstioCertificateResponse response;
  grpc::Status status = stub->CreateCertificate(&context, request, &response);
  if (!status.ok()) {
    return fail(std::string("refused: ") + code_name(status.error_code()) + ": " +
                status.error_message());
  }
  if (response.cert_chain_size() < 2) return fail("CA returned a chain without a root");
  std::string chain;
  for (const auto& c : response.cert_chain()) chain += c;
  const std::string& root = response.cert_chain(response.cert_chain_size() - 1);
  if (!ca::write_file_atomic(args.out + "/key.pem", ca::key_to_pem(key.get()), 0600, &error) ||
      !ca::write_file_atomic(args.out + "/cert-chain.pem", chain, 0644, &error) ||
      !ca::write_file_atomic(args.out + "/root-cert.pem", root, 0644, &error)) {
    return fail(error);
  }
  std::printf("wrote %s/key.pem, %s/cert-chain.pem, %s/root-cert.pem (%d certificates)\n",
              args.out.c_str(), args.out.c_str(), args.out.c_str(), response.cert_chain_size());
  return 0;
}

}  // namespace jib::ctl
