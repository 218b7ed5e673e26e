#include "k8s/credentials_access_review.h"

#include <mutex>
#include <unordered_map>

#include "k8s/resources.h"

namespace jib::k8s {
namespace {

class CredentialsAccessReview final : public xds::CredentialsAuthorizer {
 public:
  CredentialsAccessReview(KubeClientPtr client, CredentialsReviewOptions options, ClockPtr clock)
      : client_(std::move(client)), options_(options), clock_(std::move(clock)) {}

  xds::CredentialsVerdict authorize(const std::string& ns,
                                    const std::string& service_account) override {
    const std::string user = "system:serviceaccount:" + ns + ":" + service_account;
    const auto now = clock_->now();
    {
      std::lock_guard lock(mu_);
      auto it = cache_.find(user);
      if (it != cache_.end() && it->second.expires > now) return it->second.verdict;
    }
    // Outside the lock: callers for other users need not wait for this one's review.
    xds::CredentialsVerdict verdict = review(user, ns);
    remember(user, verdict, now);
    return verdict;
  }

 private:
  struct Entry {
    xds::CredentialsVerdict verdict;
    std::chrono::system_clock::time_point expires;
  };

  xds::CredentialsVerdict review(const std::string& user, const std::string& ns) {
    nlohmann::json body = {
        {"apiVersion", "authorization.k8s.io/v1"},
        {"kind", "SubjectAccessReview"},
        {"spec",
         {{"user", user},
          {"resourceAttributes", {{"namespace", ns}, {"verb", "list"}, {"resource", "secrets"}}}}}};
    Result r = client_->create(resources::subject_access_reviews(), "", body);
    // A review that could not be made refuses, as istiod's does: the keys are not handed out
    // on a guess.
    if (!r.ok()) return {false, "SubjectAccessReview failed: " + r.error};
    const auto status = r.body.find("status");
    if (status == r.body.end() || !status->is_object()) {
      return {false, "SubjectAccessReview response has no status"};
    }
    if (status->value("allowed", false) && !status->value("denied", false)) return {true, ""};
    std::string reason = user + " may not list secrets in namespace " + ns;
    const std::string why = status->value("reason", "");
    if (!why.empty()) reason += " (" + why + ")";
    return {false, reason};
  }

  void remember(const std::string& user, const xds::CredentialsVerdict& verdict,
                std::chrono::system_clock::time_point now) {
    const auto ttl = verdict.allowed ? options_.allow_ttl : options_.deny_ttl;
    std::lock_guard lock(mu_);
    if (cache_.size() >= options_.max_entries && !cache_.count(user)) {
      std::erase_if(cache_, [&](const auto& kv) { return kv.second.expires <= now; });
      if (cache_.size() >= options_.max_entries) cache_.clear();
    }
    cache_[user] = Entry{verdict, now + ttl};
  }

  KubeClientPtr client_;
  CredentialsReviewOptions options_;
  ClockPtr clock_;
  std::mutex mu_;
  std::unordered_map<std::string, Entry> cache_;
};

}  // namespace

xds::CredentialsAuthorizerPtr make_kube_credentials_authorizer(KubeClientPtr client,
                                                               CredentialsReviewOptions options,
                                                               ClockPtr clock) {
  return std::make_shared<CredentialsAccessReview>(std::move(client), options, std::move(clock));
}

}  // namespace jib::k8s
