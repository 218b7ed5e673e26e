// Small text helpers of the k8s/ part: base64 as the API server encodes Secret data, trimming,
// and Kubernetes' time formats.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace jib::k8s {

std::string base64_encode(std::string_view bytes);
// Standard alphabet with padding; whitespace is ignored. False when malformed.
bool base64_decode(std::string_view text, std::string* out);

std::string trim(std::string_view text);

// MicroTime as Leases carry it: "2006-01-02T15:04:05.000000Z" (UTC).
std::string format_micro_time(std::chrono::system_clock::time_point t);

// The PEM certificates in text, each with its BEGIN/END lines and a trailing newline.
std::vector<std::string> split_pem_certs(std::string_view text);

// "ns/name" (or "name" for cluster-scoped objects) of an object's metadata.
std::string object_key(const nlohmann::json& obj);
std::string meta_string(const nlohmann::json& obj, const char* field);

}  // namespace jib::k8s
