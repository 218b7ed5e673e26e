#include "mesh/config/jwks_fetcher.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <vector>

#include "base/log.h"
#include "mesh/api/jwks.h"

namespace jib::mesh {
namespace {

constexpr std::string_view kLog = "jwks";

// The sources (mesh::jwks_source) of every JWT rule without an inline key set, each with the
// longest timeout asked for it.
std::map<std::string, JwksSourceSpec> wanted_sources(const mesh::StoreState& state,
                                                     std::chrono::milliseconds fallback) {
  std::map<std::string, JwksSourceSpec> out;
  const mesh::ConfigKey first{"RequestAuthentication", "", ""};
  for (auto it = state.objects.lower_bound(first);
       it != state.objects.end() && it->first.kind == first.kind; ++it) {
    const auto* ra = std::get_if<mesh::RequestAuthentication>(it->second.get());
    if (ra == nullptr) continue;
    for (const auto& rule : ra->jwt_rules) {
      const auto source = mesh::jwks_source(rule);
      if (!source) continue;
      auto timeout = rule.timeout
                         ? std::chrono::duration_cast<std::chrono::milliseconds>(*rule.timeout)
                         : fallback;
      auto [slot, added] =
          out.emplace(source->uri, JwksSourceSpec{timeout, source->openid_discovery});
      if (!added) slot->second.timeout = std::max(slot->second.timeout, timeout);
    }
  }
  return out;
}

// The key set named by an OpenID discovery document (its `jwks_uri`), in two fetches.
JwksFetchResult discover(const JwksFetchFn& fetch, const std::string& uri,
                         std::chrono::milliseconds timeout) {
  JwksFetchResult doc = fetch(uri, timeout);
  if (!doc.ok) return doc;
  const auto json = nlohmann::json::parse(doc.body, nullptr, /*allow_exceptions=*/false);
  const auto jwks_uri = json.is_object() ? json.find("jwks_uri") : json.end();
  if (!json.is_object() || jwks_uri == json.end() || !jwks_uri->is_string()) {
    return {false, "", "the OpenID configuration has no \"jwks_uri\""};
  }
  JwksFetchResult keys = fetch(jwks_uri->get<std::string>(), timeout);
  if (!keys.ok) keys.error = jwks_uri->get<std::string>() + ": " + keys.error;
  return keys;
}

}  // namespace

JwksFetcher::JwksFetcher(JwksFetcherOptions options, JwksFetchFn fetch, PublishFn publish,
                         metrics::Registry* registry)
    : options_(options),
      fetch_(std::move(fetch)),
      publish_(std::move(publish)),
      published_(std::make_shared<const mesh::JwksByUri>()) {
  if (registry != nullptr) {
    fetched_ = &registry->counter("pilot_jwks_resolver_network_fetch_success_total",
                                  "Total number of successful network fetches of a JWKS");
    failed_ = &registry->counter("pilot_jwks_resolver_network_fetch_fail_total",
                                 "Total number of failed network fetches of a JWKS");
  }
}

JwksFetcher::~JwksFetcher() { stop(); }

void JwksFetcher::watch(const mesh::StoreState& state) {
  auto wanted = wanted_sources(state, options_.default_timeout);
  {
    std::lock_guard lock(mutex_);
    for (auto it = sources_.begin(); it != sources_.end();) {
      if (wanted.contains(it->first)) {
        ++it;
        continue;
      }
      log::info(kLog, "no longer fetching ", it->first);
      if (it->second.jwks) dirty_ = true;
      it = sources_.erase(it);
    }
    const BackoffOptions backoff{options_.retry, options_.refresh, 2.0, 0.5};
    for (const auto& [uri, want] : wanted) {
      auto it = sources_.find(uri);
      if (it != sources_.end()) {
        it->second.want = want;
        continue;
      }
      sources_.emplace(uri, Source{want, std::nullopt, Clock::now(), Backoff(backoff)});
    }
    woken_ = true;
  }
  wake_.notify_one();
}

void JwksFetcher::start() {
  thread_ = std::thread([this] { run(); });
}

void JwksFetcher::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

mesh::JwksByUriPtr JwksFetcher::current() const {
  std::lock_guard lock(mutex_);
  return published_;
}

void JwksFetcher::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    woken_ = false;
    const auto now = Clock::now();
    std::vector<std::pair<std::string, JwksSourceSpec>> due;
    auto next = Clock::time_point::max();
    for (const auto& [uri, source] : sources_) {
      if (source.next_fetch <= now) {
        due.emplace_back(uri, source.want);
      } else {
        next = std::min(next, source.next_fetch);
      }
    }
    if (!due.empty()) {
      lock.unlock();
      std::vector<JwksFetchResult> results;
      for (const auto& [uri, want] : due) {
        results.push_back(want.openid_discovery ? discover(fetch_, uri, want.timeout)
                                                : fetch_(uri, want.timeout));
      }
      lock.lock();
      for (size_t i = 0; i < due.size(); ++i) {
        if (apply(due[i].first, results[i], Clock::now())) dirty_ = true;
      }
      continue;  // sources may have changed meanwhile
    }
    if (dirty_) {
      dirty_ = false;
      published_ = collect();
      auto jwks = published_;
      lock.unlock();
      publish_(std::move(jwks));
      lock.lock();
      continue;
    }
    auto woken = [this] { return stopping_ || woken_; };
    if (next == Clock::time_point::max()) {
      wake_.wait(lock, woken);
    } else {
      wake_.wait_until(lock, next, woken);
    }
  }
}

bool JwksFetcher::apply(const std::string& uri, const JwksFetchResult& result,
                        Clock::time_point now) {
  auto it = sources_.find(uri);
  if (it == sources_.end()) return false;  // no longer named
  Source& source = it->second;
  std::string error = result.ok ? mesh::check_jwks(result.body) : result.error;
  if (result.ok && !error.empty()) error = "not a JSON Web Key Set: " + error;
  if (!error.empty()) {
    if (failed_ != nullptr) failed_->inc();
    auto delay = std::min<std::chrono::milliseconds>(source.backoff.next(), options_.refresh);
    source.next_fetch = now + delay;
    log::warn(kLog, "cannot fetch ", uri, ": ", error, "; ",
              source.jwks ? "keeping the key set fetched before" : "tokens are refused",
              ", retrying in ", delay.count(), " ms");
    return false;
  }
  if (fetched_ != nullptr) fetched_->inc();
  source.backoff.reset();
  source.next_fetch = now + options_.refresh;
  if (source.jwks == result.body) return false;
  log::info(kLog, source.jwks ? "new key set from " : "fetched ", uri);
  source.jwks = result.body;
  return true;
}

mesh::JwksByUriPtr JwksFetcher::collect() const {
  auto out = std::make_shared<mesh::JwksByUri>();
  for (const auto& [uri, source] : sources_) {
    if (source.jwks) out->emplace(uri, *source.jwks);
  }
  return out;
}

}  // namespace jib::mesh
