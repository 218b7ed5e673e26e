// Keeps the workload's certificate and trust bundle current in the SecretStore: makes a fresh
// key in memory, sends a CSR to the mesh CA with the workload's token, renews at a fraction of
// the lifetime, retries with backoff while the CA is away (the last certificate stays served
// meanwhile), and follows the mesh root file (the istio-ca-root-cert mount).
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "agent/csr_client.h"
#include "agent/renewal.h"
#include "agent/secret_store.h"
#include "base/backoff.h"
#include "base/clock.h"

namespace jib::agent {

// The CA call; a seam so that tests can answer without a CA.
using CaCall = std::function<grpc::Status(const CaCallOptions&, const std::string& csr_pem,
                                          int64_t ttl_seconds, std::vector<std::string>* chain)>;

struct CertManagerOptions {
  std::string ca_address;                                  // host:port
  std::string ca_server_name = "istiod.istio-system.svc";  // verified in the CA's certificate
  std::chrono::seconds ca_timeout{10};
  std::string root_cert_file;  // mesh roots: verify the CA, and part of ROOTCA
  std::string token_file;      // bearer token; empty: the current certificate authenticates
  std::string key_type = "ec";
  std::string spiffe_id;  // put in the CSR as Istio's agent does; empty: left out
  std::chrono::seconds cert_ttl{std::chrono::hours(24)};
  RenewalOptions renewal;
  BackoffOptions backoff;
  std::chrono::milliseconds root_poll{2000};  // how often the root file is re-read
  jib::ClockPtr clock;                        // null: the system clock
  CaCall ca_call;                             // null: request_certificate
  uint64_t seed = 0;                          // 0: random (jitter of renewal and backoff)
};

class CertManager {
 public:
  using TimePoint = std::chrono::system_clock::time_point;
  CertManager(CertManagerOptions options, SecretStore* store);
  ~CertManager();

  // Runs step() on a background thread until stop().
  void start();
  void stop();

  // Does whatever is due now (re-read the root file, fetch or renew the certificate) and
  // returns when something is next due. Called by the background thread; tests call it
  // directly with a fake clock and CA.
  TimePoint step();

  // When the next certificate request is due, and how many failed in a row.
  TimePoint next_fetch() const { return next_fetch_; }
  int failures() const { return backoff_.attempts(); }

 private:
  bool fetch(std::string* error);
  void poll_root_file();
  void publish_bundle();

  CertManagerOptions options_;
  SecretStore* store_;
  RenewalPolicy policy_;
  Backoff backoff_;
  TimePoint next_fetch_{};
  TimePoint next_root_poll_{};
  std::string root_file_text_;
  std::vector<std::string> file_roots_;
  std::string ca_root_;

  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace jib::agent
