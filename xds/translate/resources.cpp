#include "xds/translate/resources.h"

#include <algorithm>
#include <cstdio>
#include <string_view>

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/wire_format_lite.h>

namespace jib::xds {
namespace {

using google::protobuf::internal::WireFormatLite;

constexpr int kResourcesField = 2;  // DiscoveryResponse.resources

// FNV-1a: stable across runs and builds, unlike std::hash, so versions survive a restart.
uint64_t fnv1a(std::string_view data, uint64_t seed = 1469598103934665603ULL) {
  uint64_t h = seed;
  for (unsigned char c : data) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

std::string serialize_deterministic(const google::protobuf::Message& message) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    message.SerializeToCodedStream(&coded);
  }  // the streams trim `bytes` to size as they close
  return bytes;
}

}  // namespace

google::protobuf::Any Resource::any() const {
  google::protobuf::io::ArrayInputStream stream(wire->data(), static_cast<int>(wire->size()));
  google::protobuf::io::CodedInputStream coded(&stream);
  coded.ReadTag();
  uint32_t length = 0;
  coded.ReadVarint32(&length);
  std::string bytes;
  coded.ReadString(&bytes, static_cast<int>(length));
  google::protobuf::Any out;
  out.ParseFromString(bytes);
  return out;
}

Resource make_resource(std::string name, const google::protobuf::Message& message) {
  Resource out;
  out.name = std::move(name);
  google::protobuf::Any any;
  any.set_type_url("type.googleapis.com/" + message.GetDescriptor()->full_name());
  any.set_value(serialize_deterministic(message));
  out.hash = fnv1a(any.value());
  std::string body = any.SerializeAsString();  // two string fields: always deterministic
  std::string wire;
  wire.reserve(body.size() + 6);
  wire.push_back(static_cast<char>(
      WireFormatLite::MakeTag(kResourcesField, WireFormatLite::WIRETYPE_LENGTH_DELIMITED)));
  uint8_t length[5];
  uint8_t* end = google::protobuf::io::CodedOutputStream::WriteVarint32ToArray(
      static_cast<uint32_t>(body.size()), length);
  wire.append(reinterpret_cast<const char*>(length), end - length);
  wire += body;
  out.wire = std::make_shared<const std::string>(std::move(wire));
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
