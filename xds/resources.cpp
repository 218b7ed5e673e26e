#include "xds/resources.h"

#include <algorithm>
#include <cstdio>
#include <functional>
#include <string_view>

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

namespace jib::xds {
namespace {

// FNV-1a: stable across runs and builds, unlike std::hash, so versions survive a restart.
uint64_t fnv1a(std::string_view data, uint64_t seed = 1469598103934665603ULL) {
  uint64_t h = seed;
  for (unsigned char c : data) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

}  // namespace

Resource make_resource(std::string name, const google::protobuf::Message& message) {
  Resource out;
  out.name = std::move(name);
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    message.SerializeToCodedStream(&coded);
  }
  out.hash = fnv1a(bytes);
  out.body.set_type_url("type.googleapis.com/" + message.GetDescriptor()->full_name());
  out.body.set_value(std::move(bytes));
  return out;
}

ResourcesPtr finish(Resources resources) {
  std::sort(resources.begin(), resources.end(),
            [](const Resource& a, const Resource& b) { return a.name < b.name; });
  return std::make_shared<const Resources>(std::move(resources));
}

std::string version_of(const std::vector<const Resource*>& resources) {
  uint64_t h = 1469598103934665603ULL;
  for (const Resource* r : resources) {
    h = fnv1a(r->name, h);
    h = fnv1a(std::string_view(reinterpret_cast<const char*>(&r->hash), sizeof r->hash), h);
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

}  // namespace jib::xds
