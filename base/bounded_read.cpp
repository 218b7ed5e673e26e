#include "base/bounded_read.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace jib {
namespace {

std::string over_limit(size_t max_bytes) {
  return "more than the limit of " + std::to_string(max_bytes) + " bytes";
}

}  // namespace

bool read_file_bounded(const std::string& path, size_t max_bytes, std::string* out,
                       std::string* error) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    *error = std::string("cannot read: ") + std::strerror(errno);
    return false;
  }
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && static_cast<size_t>(st.st_size) > max_bytes) {
    ::close(fd);
    *error = std::to_string(st.st_size) + " bytes, " + over_limit(max_bytes);
    return false;
  }
  out->clear();
  char buf[64 * 1024];
  while (true) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      *error = std::string("cannot read: ") + std::strerror(err);
      return false;
    }
    if (n == 0) break;
    if (out->size() + static_cast<size_t>(n) > max_bytes) {
      ::close(fd);
      *error = over_limit(max_bytes);
      out->clear();
      return false;
    }
    out->append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return true;
}

}  // namespace jib
