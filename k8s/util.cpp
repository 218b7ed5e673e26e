#include "k8s/util.h"

#include <cctype>
#include <ctime>

namespace jib::k8s {
namespace {
constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
}

std::string base64_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    uint32_t n = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8) | uint8_t(bytes[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out += kAlphabet[(n >> s) & 63];
  }
  if (size_t rest = bytes.size() - i; rest > 0) {
    uint32_t n = uint8_t(bytes[i]) << 16;
    if (rest == 2) n |= uint8_t(bytes[i + 1]) << 8;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += rest == 2 ? kAlphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

bool base64_decode(std::string_view text, std::string* out) {
  std::string result;
  uint32_t acc = 0;
  int bits = 0;
  size_t padding = 0;
  size_t count = 0;
  for (char c : text) {
    if (std::isspace(static_cast<unsigned char>(c))) continue;
    ++count;
    if (c == '=') {
      ++padding;
      continue;
    }
    if (padding > 0) return false;  // data after padding
    const char* p = std::char_traits<char>::find(kAlphabet, 64, c);
    if (p == nullptr) return false;
    acc = (acc << 6) | uint32_t(p - kAlphabet);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      result += char((acc >> bits) & 0xff);
    }
  }
  if (count % 4 != 0 || padding > 2) return false;
  *out = std::move(result);
  return true;
}

std::string trim(std::string_view text) {
  size_t b = 0, e = text.size();
  while (b < e && std::isspace(static_cast<unsigned char>(text[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(text[e - 1]))) --e;
  return std::string(text.substr(b, e - b));
}

std::string format_micro_time(std::chrono::system_clock::time_point t) {
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(micros / 1000000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[80];
  std::snprintf(out, sizeof out, "%s.%06lldZ", buf, static_cast<long long>(micros % 1000000));
  return out;
}

std::vector<std::string> split_pem_certs(std::string_view text) {
  constexpr std::string_view kBegin = "-----BEGIN CERTIFICATE-----";
  constexpr std::string_view kEnd = "-----END CERTIFICATE-----";
  std::vector<std::string> out;
  size_t pos = 0;
  while ((pos = text.find(kBegin, pos)) != std::string_view::npos) {
    size_t end = text.find(kEnd, pos);
    if (end == std::string_view::npos) break;
    end += kEnd.size();
    out.push_back(std::string(text.substr(pos, end - pos)) + "\n");
    pos = end;
  }
  return out;
}

std::string meta_string(const nlohmann::json& obj, const char* field) {
  auto meta = obj.find("metadata");
  if (meta == obj.end() || !meta->is_object()) return "";
  auto v = meta->find(field);
  return v != meta->end() && v->is_string() ? v->get<std::string>() : "";
}

std::string object_key(const nlohmann::json& obj) {
  std::string ns = meta_string(obj, "namespace");
  std::string name = meta_string(obj, "name");
  return ns.empty() ? name : ns + "/" + name;
}

}  // namespace jib::k8s
