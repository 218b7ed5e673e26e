#include "xds/serve/ads_service.h"

#include "xds/serve/ads_stream.h"

namespace jib::xds {

grpc::ServerGenericBidiReactor* AdsService::CreateReactor(
    grpc::GenericCallbackServerContext* context) {
  if (context->method() != kStreamMethod) return CallbackGenericService::CreateReactor(context);
  std::optional<PeerCredentials> credentials;
  if (security_.authorizer) credentials = ca::caller_credentials(*context);
  return AdsStream::start(server_, security_, std::move(credentials),
                          log::peer_budget(context->peer()))
      .get();
}

}  // namespace jib::xds
