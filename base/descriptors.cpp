#include "base/descriptors.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace jib {

bool descriptor_available(std::string* reason) {
  int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    *reason = std::string("cannot open a file descriptor: ") + std::strerror(errno);
    return false;
  }
  ::close(fd);
  return true;
}

}  // namespace jib
