#include "agent/sds_server.h"

#include <grpcpp/grpcpp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <set>
#include <thread>

#include "agent/sds_resources.h"
#include "agent/sds_stream_state.h"
#include "base/log.h"
#include "envoy/service/secret/v3/sds.grpc.pb.h"

namespace jib::agent {
namespace {

using envoy::service::discovery::v3::DiscoveryRequest;
using envoy::service::discovery::v3::DiscoveryResponse;
using Stream = grpc::ServerReaderWriter<DiscoveryResponse, DiscoveryRequest>;

// What the reader thread and the store's listener hand to the stream's own thread.
struct Inbox {
  std::mutex mu;
  std::condition_variable cv;
  std::deque<DiscoveryRequest> requests;
  bool changed = false;  // the store changed since the last look
  bool closed = false;   // Envoy closed the stream, or it was cancelled
};

std::string names_text(const std::set<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ",") + n;
  return "[" + out + "]";
}

// The synchronous gRPC API is enough here: one local Envoy opens a handful of streams. Each
// stream's handler thread is its only writer; a helper thread blocks in Read.
class SdsService final : public envoy::service::secret::v3::SecretDiscoveryService::Service {
 public:
  explicit SdsService(SecretStore* store) : store_(store) {}

  grpc::Status StreamSecrets(grpc::ServerContext* context, Stream* stream) override {
    int id = ++next_stream_id_;
    ++active_;
    auto inbox = std::make_shared<Inbox>();
    int sub = store_->subscribe([inbox] {
      std::lock_guard lock(inbox->mu);
      inbox->changed = true;
      inbox->cv.notify_all();
    });
    std::thread reader([stream, inbox] {
      DiscoveryRequest request;
      while (stream->Read(&request)) {
        std::lock_guard lock(inbox->mu);
        inbox->requests.push_back(request);
        inbox->cv.notify_all();
      }
      std::lock_guard lock(inbox->mu);
      inbox->closed = true;
      inbox->cv.notify_all();
    });
    log::debug("sds", "stream ", id, " opened by ", context->peer());
    serve(id, stream, inbox.get());
    store_->unsubscribe(sub);
    context->TryCancel();  // unblocks the reader when we stopped first (write failed, shutdown)
    reader.join();
    --active_;
    log::debug("sds", "stream ", id, " closed");
    return grpc::Status::OK;
  }

  void stop() { stopping_ = true; }
  int active() const { return active_; }

 private:
  void serve(int id, Stream* stream, Inbox* inbox) {
    SdsStreamState state;
    while (!stopping_) {
      std::deque<DiscoveryRequest> requests;
      {
        std::unique_lock lock(inbox->mu);
        // The timeout only bounds how long shutdown waits for this stream.
        inbox->cv.wait_for(lock, std::chrono::milliseconds(500), [inbox] {
          return inbox->closed || inbox->changed || !inbox->requests.empty();
        });
        if (inbox->closed) return;
        requests.swap(inbox->requests);
        inbox->changed = false;
      }
      for (const auto& r : requests) note_request(id, &state, r);
      auto svid = store_->svid();
      auto response = state.next_response(svid.get(), store_->trust_bundle());
      if (!response) continue;
      if (!stream->Write(*response)) return;
      const auto& names = state.watch().names();
      bool has_cert = svid && names.count(std::string(kDefaultSecretName)) > 0;
      log::info("sds", "stream ", id, ": sent ", log::clip(names_text(names)), " version ",
                response->version_info(),
                has_cert ? " (certificate serial " + svid->serial_hex + ")" : std::string());
    }
  }

  void note_request(int id, SdsStreamState* state, const DiscoveryRequest& r) {
    switch (state->on_request(r)) {
      case SdsStreamState::RequestKind::kSubscribe:
      case SdsStreamState::RequestKind::kResubscribe:
        log::info("sds", "stream ", id, ": ", log::clip(r.node().id()), " asks for ",
                  log::clip(names_text(state->watch().names())));
        break;
      case SdsStreamState::RequestKind::kAck:
        log::debug("sds", "stream ", id, ": ACK version ", log::clip(r.version_info()));
        break;
      case SdsStreamState::RequestKind::kNack:
        log::warn("sds", "stream ", id, ": NACK of version ",
                  log::clip(state->watch().nack().version), ": ",
                  log::clip(state->watch().nack().message));
        break;
      case SdsStreamState::RequestKind::kStale:
        log::debug("sds", "stream ", id, ": stale nonce ", log::clip(r.response_nonce()),
                   " ignored");
        break;
    }
  }

  SecretStore* store_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> active_{0};
  std::atomic<int> next_stream_id_{0};
};

class SdsServerImpl final : public SdsServer {
 public:
  SdsServerImpl(SecretStore* store) : service_(store) {}
  ~SdsServerImpl() override { shutdown(); }

  bool start(const std::string& path, unsigned mode, std::string* error) {
    struct stat st {};
    // Only a leftover socket is removed; any other file there is someone else's.
    if (lstat(path.c_str(), &st) == 0) {
      if (!S_ISSOCK(st.st_mode)) {
        *error = path + " exists and is not a socket";
        return false;
      }
      unlink(path.c_str());
    }
    grpc::ServerBuilder builder;
    builder.AddListeningPort("unix:" + path, grpc::InsecureServerCredentials());
    builder.RegisterService(&service_);
    server_ = builder.BuildAndStart();
    if (!server_) {
      *error = "cannot listen on unix:" + path;
      return false;
    }
    // main() sets umask 077 before anything starts, so the socket was never wider than 0600;
    // this only widens it to 0660 when asked (Envoy in the same group).
    if (chmod(path.c_str(), mode) != 0) {
      *error = "chmod " + path + " failed";
      return false;
    }
    path_ = path;
    return true;
  }

  void shutdown() override {
    if (!server_) return;
    service_.stop();
    server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
    server_->Wait();
    server_.reset();
    unlink(path_.c_str());
  }

  int active_streams() const override { return service_.active(); }

 private:
  SdsService service_;
  std::unique_ptr<grpc::Server> server_;
  std::string path_;
};

}  // namespace

std::unique_ptr<SdsServer> SdsServer::start(const std::string& socket_path, unsigned mode,
                                            SecretStore* store, std::string* error) {
  auto server = std::make_unique<SdsServerImpl>(store);
  if (!server->start(socket_path, mode, error)) return nullptr;
  return server;
}

}  // namespace jib::agent
