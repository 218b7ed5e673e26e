// jibctl csr: makes a key and CSR, asks the mesh CA (IstioCertificateService over TLS) for a
// certificate, and writes key.pem (0600), cert-chain.pem and root-cert.pem.
#include <chrono>
#include <cstdio>
#include <string>

#include "agent/csr_client.h"
#include "base/flags.h"
#include "base/ossl.h"
#include "cmd/jibctl/command.h"

namespace jib::ctl {
namespace {

constexpr const char* kUsageHead =
    "usage: jibctl csr --ca HOST:PORT (--token FILE | --renew DIR) [flags]\n"
    "Makes a key and CSR, asks the mesh CA for a certificate, and writes key.pem (0600),\n"
    "cert-chain.pem and root-cert.pem.\n";

struct Args {
  std::string ca, token_file, key_type = "ec", root_cert, server_name, out = ".", renew, san;
  std::chrono::seconds ttl{0};
};

flags::FlagSet csr_flags(Args* a) {
  flags::FlagSet set(kUsageHead);
  set.add({.name = "ca", .target = &a->ca, .help = "the mesh CA", .value_name = "HOST:PORT"})
      .add({.name = "token",
            .target = &a->token_file,
            .help = "service-account token sent as bearer credential",
            .value_name = "FILE"})
      .add({.name = "key-type",
            .target = &a->key_type,
            .help = "ec (P-256), ec384, rsa (2048), rsa1024 (refused by the CA; for tests)",
            .choices = {"ec", "ec384", "rsa", "rsa1024"}})
      .add({.name = "root-cert",
            .target = &a->root_cert,
            .help = "roots that verify the CA's serving certificate (system roots if unset)",
            .value_name = "FILE"})
      .add({.name = "server-name",
            .target = &a->server_name,
            .help = "name to verify in the CA's certificate (default: host of --ca)",
            .value_name = "NAME"})
      .add({.name = "ttl",
            .target = &a->ttl,
            .help = "requested lifetime, e.g. 24h (a bare number: seconds; 0: the CA's default)",
            .bare_unit = std::chrono::seconds(1)})
      .add({.name = "out",
            .target = &a->out,
            .help = "where key.pem, cert-chain.pem and root-cert.pem go",
            .value_name = "DIR"})
      .add({.name = "renew",
            .target = &a->renew,
            .help = "authenticate with DIR/key.pem and DIR/cert-chain.pem (mTLS)",
            .value_name = "DIR"})
      .add({.name = "san",
            .target = &a->san,
            .help = "put this URI SAN in the CSR (the CA refuses it unless it is yours)",
            .value_name = "URI"});
  return set;
}

int fail(const std::string& message) {
  std::fprintf(stderr, "jibctl csr: %s\n", message.c_str());
  return 1;
}

}  // namespace

int run_csr(const std::vector<std::string>& argv) {
  constexpr std::string_view kProgram = "jibctl csr";
  Args args;
  const flags::FlagSet set = csr_flags(&args);
  const flags::ParseResult parsed = set.parse(argv);
  if (auto code = flags::exit_code(parsed, set, kProgram)) return *code;
  if (!parsed.positional.empty()) {
    return flags::usage_error(set, kProgram, "unexpected argument " + parsed.positional.front());
  }
  if (args.ca.empty()) return flags::usage_error(set, kProgram, "--ca is required");
  if (args.token_file.empty() && args.renew.empty()) {
    return flags::usage_error(set, kProgram, "--token or --renew is required");
  }
  std::string error;
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
  grpc::Status status = agent::request_certificate(call, csr, args.ttl.count(), &certs);
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
