#include "xds/serve/response_buffer.h"

#include <atomic>

namespace jib::xds {
namespace {

// Below this size a resource is copied: a referenced slice costs more than the bytes.
constexpr size_t kReferenceAtLeast = 512;

// Shared by every referencing slice of one response; the last slice freed deletes it.
struct Holder {
  ResourcesPtr keep;
  std::atomic<size_t> refs{0};
};

void release(void* user_data) {
  auto* holder = static_cast<Holder*>(user_data);
  if (holder->refs.fetch_sub(1) == 1) delete holder;
}

}  // namespace

grpc::ByteBuffer response_buffer(const std::string& header,
                                 const std::vector<const Resource*>& resources, ResourcesPtr keep) {
  std::vector<grpc::Slice> slices;
  std::string copied = header;
  Holder* holder = nullptr;
  for (const Resource* r : resources) {
    const std::string& wire = *r->wire;
    if (wire.size() < kReferenceAtLeast) {
      copied += wire;
      continue;
    }
    if (!copied.empty()) {
      slices.emplace_back(copied);
      copied.clear();
    }
    if (!holder) holder = new Holder{keep};
    holder->refs.fetch_add(1);
    // gRPC only reads slice memory; the const_cast is what its C API asks for.
    slices.emplace_back(const_cast<char*>(wire.data()), wire.size(), &release, holder);
  }
  if (!copied.empty()) slices.emplace_back(copied);
  return grpc::ByteBuffer(slices.data(), slices.size());
}

}  // namespace jib::xds
