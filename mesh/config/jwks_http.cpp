#include "mesh/config/jwks_http.h"

#include <cpprest/http_client.h>

namespace jib::mesh {

JwksFetchResult http_fetch(const std::string& uri, std::chrono::milliseconds timeout) {
  namespace http = web::http;
  JwksFetchResult out;
  try {
    http::client::http_client_config config;
    config.set_timeout(timeout);
    http::client::http_client client(web::uri(uri), config);
    http::http_request request(http::methods::GET);
    request.headers().add("Accept", "application/json");
    http::http_response response = client.request(request).get();
    const auto status = response.status_code();
    std::string body = response.extract_utf8string(/*ignore_content_type=*/true).get();
    if (status < 200 || status > 299) {
      out.error = "HTTP " + std::to_string(status) + ": " + body.substr(0, 100);
    } else if (body.size() > kMaxJwksBytes) {
      out.error = "answer larger than " + std::to_string(kMaxJwksBytes) + " bytes";
    } else {
      out.ok = true;
      out.body = std::move(body);
    }
  } catch (const std::exception& e) {
    out.error = e.what();
  }
  return out;
}

}  // namespace jib::mesh
