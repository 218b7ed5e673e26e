// Fetches the JSON Web Key Sets that RequestAuthentications name by `jwksUri` (or, without one,
// through their issuer's OpenID discovery document), as istiod does by default, so that proxies
// get them inline (local_jwks) and never fetch them themselves.
//
// Data flow, one way: store states -> watch() -> the set of URIs to fetch -> fetches on the
// fetcher's own thread -> a new JwksByUri map -> `publish` (jibd hands it to the push queue,
// which builds every later snapshot with it). Each URI is fetched when first named, then every
// `refresh`; a published map changes only when a fetched key set does (key rotation), when a
// URI is first fetched, or when a URI is no longer named.
//
// A failed fetch (network, timeout, non-2xx, or a body that is not a key set) keeps the key set
// last fetched from that URI, as Istio does, and is retried with backoff from `retry` up to
// `refresh`. A URI never fetched is absent from the map; generators then use a key set that
// verifies no token (authn::unfetched_jwks), so a failure never makes an invalid config nor
// lets an unverified token through.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "base/backoff.h"
#include "base/metrics.h"
#include "mesh/api/jwks.h"
#include "mesh/config/config_store.h"

namespace jib::mesh {

struct JwksFetchResult {
  bool ok = false;
  std::string body;   // when ok
  std::string error;  // when not
};

// What a source needs: the longest `timeout` of the rules naming it, and whether its URI is an
// OpenID discovery document (see mesh::jwks_source) rather than the key set itself.
struct JwksSourceSpec {
  std::chrono::milliseconds timeout;
  bool openid_discovery = false;
};

// One GET of `uri`, bounded by `timeout`. Called on the fetcher's thread.
using JwksFetchFn =
    std::function<JwksFetchResult(const std::string& uri, std::chrono::milliseconds timeout)>;

struct JwksFetcherOptions {
  // Istio's PILOT_JWT_PUB_KEY_REFRESH_INTERVAL.
  std::chrono::milliseconds refresh{std::chrono::minutes(20)};
  // First retry after a failed fetch; doubles (with jitter) up to `refresh`.
  std::chrono::milliseconds retry{std::chrono::seconds(1)};
  // For rules without `timeout` (Istio's default).
  std::chrono::milliseconds default_timeout{std::chrono::seconds(5)};
};

class JwksFetcher {
 public:
  // Receives every new map, on the fetcher's thread, one call at a time.
  using PublishFn = std::function<void(mesh::JwksByUriPtr jwks)>;

  // registry: where the fetch counters go (pilot_jwks_resolver_network_fetch_{success,fail}_total);
  // null for none.
  JwksFetcher(JwksFetcherOptions options, JwksFetchFn fetch, PublishFn publish,
              metrics::Registry* registry = nullptr);
  ~JwksFetcher();  // stops

  // Any thread. The sources of this state's JWT rules that have no inline key set
  // (mesh::jwks_source), each with the longest `timeout` among the rules naming it: new ones
  // are fetched at once, ones no longer named are forgotten with their key sets.
  void watch(const mesh::StoreState& state);

  void start();
  void stop();

  // The map last published (empty before the first).
  mesh::JwksByUriPtr current() const;

 private:
  using Clock = std::chrono::steady_clock;
  struct Source {
    JwksSourceSpec want;
    std::optional<std::string> jwks;  // the last key set fetched
    Clock::time_point next_fetch;
    Backoff backoff;
  };

  void run();
  // Applies one fetch's result; true when the source's key set changed.
  bool apply(const std::string& uri, const JwksFetchResult& result, Clock::time_point now);
  mesh::JwksByUriPtr collect() const;

  JwksFetcherOptions options_;
  JwksFetchFn fetch_;
  PublishFn publish_;
  metrics::Counter* fetched_ = nullptr;
  metrics::Counter* failed_ = nullptr;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  bool woken_ = false;  // watch() changed the sources since the loop last looked
  bool dirty_ = false;  // the sources' key sets differ from what was published
  std::map<std::string, Source, std::less<>> sources_;
  mesh::JwksByUriPtr published_;
  std::thread thread_;
};

}  // namespace jib::mesh
