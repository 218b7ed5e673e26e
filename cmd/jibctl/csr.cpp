// jibctl csr: makes a key and CSR, asks the mesh CA (IstioCertificateService over TLS) for a
// certificate, and writes key.pem (0600), cert-chain.pem and root-cert.pem.
#include <charconv>
#include <cstdio>
#include <map>
#include <string>

#include "agent/csr_client.h"
#include "base/ossl.h"
#include "cmd/jibctl/command.h"
#include "cmd/jibctl/flags.h"

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
  *error = parse_flags(std::vector<std::string>(in.begin(), in.end()), strings,
                       [&](std::string_view flag, std::string_view value) -> std::string {
                         if (flag != "--ttl") return "unknown flag " + std::string(flag);
                         auto [p, ec] =
                             std::from_chars(value.data(), value.data() + value.size(), a->ttl);
                         if (ec != std::errc() || p != value.data() + value.size()) {
                           return "--ttl needs a number of seconds";
                         }
                         return "";
                       });
  if (!error->empty()) return false;
  if (a->ca.empty())
    *error = "--ca is required";
  else if (a->token_file.empty() && a->renew.empty())
    *error = "--token or --renew is required";
  return error->empty();
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
  std::string kind = agent::key_kind(args.key_type);
  if (kind.empty()) return fail("unknown --key-type " + args.key_type);
  jib::PkeyPtr key = jib::generate_key(kind);
  if (!key) return fail("key generation failed: " + jib::ossl_error_string());
  std::string csr = agent::make_csr_pem(key.get(), args.san);
  if (csr.empty()) return fail("CSR generation failed: " + jib::ossl_error_string());

  agent::CaCallOptions call;
  call.address = args.ca;
  call.server_name = args.server_name;
  if (!args.root_cert.empty() && !jib::read_file(args.root_cert, &call.roots_pem, &error)) {
    return fail(error);
  }
  if (!args.renew.empty() &&
      (!jib::read_file(args.renew + "/key.pem", &call.client_key_pem, &error) ||
       !jib::read_file(args.renew + "/cert-chain.pem", &call.client_chain_pem, &error))) {
    return fail(error);
  }
  if (!args.token_file.empty()) {
    if (!jib::read_file(args.token_file, &call.token, &error)) return fail(error);
    call.token = agent::trim_right(call.token);
  }
  std::vector<std::string> certs;
  grpc::Status status = agent::request_certificate(call, csr, args.ttl, &certs);
  if (!status.ok()) {
    return fail(std::string("refused: ") + std::string(agent::grpc_code_name(status.error_code())) +
                ": " + status.error_message());
  }
  if (certs.size() < 2) return fail("CA returned a chain without a root");
  std::string chain;
  for (const auto& c : certs) chain += c;
  const std::string& root = certs.back();
  if (!jib::write_file_atomic(args.out + "/key.pem", jib::key_to_pem(key.get()), 0600, &error) ||
      !jib::write_file_atomic(args.out + "/cert-chain.pem", chain, 0644, &error) ||
      !jib::write_file_atomic(args.out + "/root-cert.pem", root, 0644, &error)) {
    return fail(error);
  }
  std::printf("wrote %s/key.pem, %s/cert-chain.pem, %s/root-cert.pem (%d certificates)\n",
              args.out.c_str(), args.out.c_str(), args.out.c_str(), static_cast<int>(certs.size()));
  return 0;
}

}  // namespace jib::ctl
