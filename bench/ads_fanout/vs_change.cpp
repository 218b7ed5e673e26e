#include "bench/ads_fanout/vs_change.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace jib::bench {
namespace {

[[noreturn]] void Fail(const std::string& what) {
  throw std::runtime_error(what + ": " + std::strerror(errno));
}

void WriteFile(const std::filesystem::path& path, const std::string& text) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) Fail("cannot create " + path.string());
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      ::close(fd);
      Fail("cannot write " + path.string());
    }
    done += static_cast<size_t>(n);
  }
  if (::close(fd) != 0) Fail("cannot close " + path.string());
}

}  // namespace

std::string SwapWeights(const std::filesystem::path& file,
                        const std::function<void()>& before_rename) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error("cannot read " + file.string());
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();

  static const std::regex kWeight(R"((weight:\s*)(\d+))");
  std::vector<std::string> weights;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), kWeight);
       it != std::sregex_iterator(); ++it) {
    weights.push_back((*it)[2].str());
  }
  std::vector<std::string> swapped(weights.rbegin(), weights.rend());
  if (weights.size() < 2 || weights == swapped) {
    throw std::runtime_error(file.string() + " needs at least two different weights to swap");
  }

  std::string out;
  size_t next = 0, last = 0;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), kWeight);
       it != std::sregex_iterator(); ++it, ++next) {
    const auto& m = *it;
    out.append(text, last, static_cast<size_t>(m.position(2)) - last);
    out += swapped[next];
    last = static_cast<size_t>(m.position(2) + m.length(2));
  }
  out.append(text, last, std::string::npos);

  // Not *.yaml, so that the config watcher never loads the half-written temporary file.
  const auto tmp = file.parent_path() / ("." + file.filename().string() + ".tmp");
  WriteFile(tmp, out);
  before_rename();
  if (::rename(tmp.c_str(), file.c_str()) != 0) Fail("cannot rename " + tmp.string());

  auto join = [](const std::vector<std::string>& v) {
    std::string s;
    for (const auto& w : v) s += (s.empty() ? "" : ",") + w;
    return s;
  };
  return "weights " + join(weights) + " -> " + join(swapped);
}

}  // namespace jib::bench
