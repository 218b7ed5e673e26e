#include "k8s/rest_client.h"

#include <cpprest/http_client.h>
#include <cpprest/rawptrstream.h>

#include <fstream>
#include <sstream>

#include "k8s/util.h"

namespace jib::k8s {
namespace {

namespace http = web::http;

// The message of a Kubernetes Status body, or the start of the body.
std::string error_text(int status, const std::string& body) {
  std::string message;
  auto doc = nlohmann::json::parse(body, nullptr, false);
  if (doc.is_object() && doc.contains("message") && doc["message"].is_string()) {
    message = doc["message"].get<std::string>();
  } else {
    message = body.substr(0, 200);
  }
  return "HTTP " + std::to_string(status) + ": " + message;
}

class RestClient final : public KubeClient {
 public:
  RestClient(KubeConfig config, http::client::http_client_config request_config,
             http::client::http_client_config watch_config)
      : config_(std::move(config)),
        client_(config_.server, request_config),
        watch_client_(config_.server, watch_config) {}

  Result get(const Resource& r, const std::string& ns, const std::string& name) override {
    return send(http::methods::GET, r.object_path(ns, name), nullptr, "");
  }

  Result list(const Resource& r, const ListOptions& o) override {
    web::uri_builder uri(r.collection_path(o.ns));
    add_selectors(uri, o);
    if (o.limit > 0) uri.append_query("limit", o.limit);
    if (!o.continue_token.empty()) uri.append_query("continue", o.continue_token);
    return send(http::methods::GET, uri.to_string(), nullptr, "");
  }

  Result create(const Resource& r, const std::string& ns, const nlohmann::json& obj) override {
    return send(http::methods::POST, r.collection_path(ns), &obj, "application/json");
  }

  Result update(const Resource& r, const std::string& ns, const std::string& name,
                const nlohmann::json& obj) override {
    return send(http::methods::PUT, r.object_path(ns, name), &obj, "application/json");
  }

  Result patch(const Resource& r, const std::string& ns, const std::string& name,
               const nlohmann::json& merge_patch) override {
    return send(http::methods::PATCH, r.object_path(ns, name), &merge_patch,
                "application/merge-patch+json");
  }

  Result remove(const Resource& r, const std::string& ns, const std::string& name) override {
    return send(http::methods::DEL, r.object_path(ns, name), nullptr, "");
  }

  Result watch(const Resource& r, const ListOptions& o, const WatchHandler& on_event,
               std::stop_token stop) override {
    web::uri_builder uri(r.collection_path(o.ns));
    uri.append_query("watch", "true");
    add_selectors(uri, o);
    if (!o.resource_version.empty()) uri.append_query("resourceVersion", o.resource_version);
    if (o.allow_watch_bookmarks) uri.append_query("allowWatchBookmarks", "true");
    if (o.timeout_seconds > 0) uri.append_query("timeoutSeconds", o.timeout_seconds);
    Result result;
    http::http_request request(http::methods::GET);
    request.set_request_uri(uri.to_uri());
    if (!authorize(request, &result.error)) return result;
    // Cancelling the request closes its connection, which ends a body read in progress.
    pplx::cancellation_token_source cancel;
    std::stop_callback on_stop(stop, [&cancel] { cancel.cancel(); });
    try {
      http::http_response response = watch_client_.request(request, cancel.get_token()).get();
      result.status = response.status_code();
      if (result.status != http::status_codes::OK) {
        result.error = error_text(result.status, response.extract_string(true).get());
        return result;
      }
      auto body = response.body();
      while (!stop.stop_requested()) {
        concurrency::streams::container_buffer<std::string> line;
        size_t n = body.read_line(line).get();
        if (n == 0) {
          if (body.is_eof()) break;
          continue;  // an empty line
        }
        auto doc = nlohmann::json::parse(line.collection(), nullptr, false);
        if (!doc.is_object() || !doc.contains("type") || !doc["type"].is_string()) {
          result.status = 0;
          result.error = "malformed watch event: " + line.collection().substr(0, 200);
          return result;
        }
        WatchEvent event{doc["type"].get<std::string>(), std::move(doc["object"])};
        on_event(event);
      }
    } catch (const std::exception& e) {
      result.status = 0;
      result.error = stop.stop_requested() ? "stopped" : std::string("watch failed: ") + e.what();
      return result;
    }
    if (stop.stop_requested()) {
      result.status = 0;
      result.error = "stopped";
    }
    return result;
  }

 private:
  static void add_selectors(web::uri_builder& uri, const ListOptions& o) {
    if (!o.label_selector.empty()) uri.append_query("labelSelector", o.label_selector);
    if (!o.field_selector.empty()) uri.append_query("fieldSelector", o.field_selector);
  }

  bool authorize(http::http_request& request, std::string* error) {
    request.headers().add("Accept", "application/json");
    std::string token = config_.token;
    if (!config_.token_file.empty()) {
      // Re-read each time: projected tokens are rotated on disk by the kubelet.
      std::ifstream in(config_.token_file);
      if (!in) {
        *error = "cannot read token file " + config_.token_file;
        return false;
      }
      std::ostringstream text;
      text << in.rdbuf();
      token = trim(text.str());
    }
    if (!token.empty()) request.headers().add("Authorization", "Bearer " + token);
    return true;
  }

  Result send(const http::method& method, const std::string& path, const nlohmann::json* body,
              const std::string& content_type) {
    Result result;
    http::http_request request(method);
    request.set_request_uri(path);
    if (!authorize(request, &result.error)) return result;
    if (body != nullptr) request.set_body(body->dump(), content_type);
    try {
      http::http_response response = client_.request(request).get();
      result.status = response.status_code();
      std::string text = response.extract_string(true).get();
      if (!result.ok()) {
        result.error = error_text(result.status, text);
        return result;
      }
      result.body = nlohmann::json::parse(text, nullptr, false);
      if (result.body.is_discarded()) {
        result.status = 0;
        result.error = method + " " + path + ": response is not JSON";
      }
    } catch (const std::exception& e) {
      result.status = 0;
      result.error = method + " " + path + ": " + e.what();
    }
    return result;
  }

  KubeConfig config_;
  http::client::http_client client_;
  http::client::http_client watch_client_;
};

http::client::http_client_config client_config(const KubeConfig& config,
                                               std::chrono::seconds timeout) {
  http::client::http_client_config c;
  c.set_timeout(timeout);
  c.set_validate_certificates(!config.insecure_skip_tls_verify);
  std::vector<std::string> roots = split_pem_certs(config.ca_pem);
  std::string cert = config.client_cert_pem;
  std::string key = config.client_key_pem;
  c.set_ssl_context_callback([roots, cert, key](boost::asio::ssl::context& ctx) {
    for (const auto& root : roots) ctx.add_certificate_authority(boost::asio::buffer(root));
    if (!cert.empty()) {
      ctx.use_certificate_chain(boost::asio::buffer(cert));
      ctx.use_private_key(boost::asio::buffer(key), boost::asio::ssl::context::pem);
    }
  });
  return c;
}

}  // namespace

KubeClientPtr make_rest_client(const KubeConfig& config, const RestClientOptions& options,
                               std::string* error) {
  if (config.server.rfind("https://", 0) != 0 && config.server.rfind("http://", 0) != 0) {
    *error = "API server URL must start with https:// or http://: \"" + config.server + "\"";
    return nullptr;
  }
  try {
    return std::make_shared<RestClient>(config, client_config(config, options.timeout),
                                        client_config(config, options.watch_timeout));
  } catch (const std::exception& e) {
    *error = "bad API server URL \"" + config.server + "\": " + e.what();
    return nullptr;
  }
}

}  // namespace jib::k8s
