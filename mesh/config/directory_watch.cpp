#include "mesh/config/directory_watch.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace jib::mesh {
namespace {

// IN_MOVED_TO and IN_CREATE catch editors and ConfigMaps that replace files by rename.
constexpr uint32_t kDirMask = IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_CREATE |
                              IN_DELETE_SELF | IN_MOVE_SELF;
constexpr uint32_t kParentMask = IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE;
// While the directory is missing, how often to look again: its parent may itself have been
// replaced, which no watch reports.
constexpr int kMissingRetryMs = 1000;

}  // namespace

DirectoryWatch::DirectoryWatch(std::filesystem::path dir) : dir_(std::move(dir)) {
  const std::filesystem::path normal = dir_.lexically_normal();
  name_in_parent_ = (normal.has_filename() ? normal : normal.parent_path()).filename().string();
}

DirectoryWatch::~DirectoryWatch() {
  if (inotify_fd_ >= 0) close(inotify_fd_);
  if (wake_fd_ >= 0) close(wake_fd_);
}

bool DirectoryWatch::start(std::string* error) {
  inotify_fd_ = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (inotify_fd_ < 0 || wake_fd_ < 0) {
    *error = std::string("inotify: ") + std::strerror(errno);
    return false;
  }
  std::filesystem::path parent = std::filesystem::absolute(dir_).lexically_normal();
  if (!parent.has_filename()) parent = parent.parent_path();
  parent = parent.parent_path();
  parent_wd_ = inotify_add_watch(inotify_fd_, parent.c_str(), kParentMask);
  rearm();
  if (dir_wd_ < 0 && parent_wd_ < 0) {
    *error = "cannot watch " + dir_.string() + " or its parent: " + std::strerror(errno);
    return false;
  }
  return true;
}

void DirectoryWatch::rearm() {
  struct stat st {};
  const bool present = ::stat(dir_.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
  if (dir_wd_ >= 0 && present && st.st_dev == dev_ && st.st_ino == ino_) return;
  if (dir_wd_ >= 0) inotify_rm_watch(inotify_fd_, dir_wd_);  // may be gone already: harmless
  dir_wd_ = -1;
  if (!present) return;
  // Follows a symlink: the watch is on the directory it names now.
  dir_wd_ = inotify_add_watch(inotify_fd_, dir_.c_str(), kDirMask);
  if (dir_wd_ >= 0) {
    dev_ = st.st_dev;
    ino_ = st.st_ino;
  }
}

bool DirectoryWatch::drain() {
  alignas(struct inotify_event) char buf[16 * 1024];
  bool relevant = false;
  ssize_t n;
  while ((n = read(inotify_fd_, buf, sizeof buf)) > 0) {
    for (ssize_t at = 0; at < n;) {
      const auto* event = reinterpret_cast<const struct inotify_event*>(buf + at);
      at += static_cast<ssize_t>(sizeof(struct inotify_event) + event->len);
      if (event->mask & IN_Q_OVERFLOW) {
        relevant = true;
      } else if (event->wd == dir_wd_) {
        // The directory is gone (deleted, or unmounted): its watch with it.
        if (event->mask & IN_IGNORED) dir_wd_ = -1;
        relevant = true;
      } else if (event->wd == parent_wd_ && event->len > 0 && name_in_parent_ == event->name) {
        relevant = true;
      }
    }
  }
  return relevant;
}

DirectoryWatch::Wake DirectoryWatch::wait(std::optional<std::chrono::milliseconds> timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout.value_or(std::chrono::hours(0));
  while (true) {
    int wait_ms = dir_wd_ < 0 ? kMissingRetryMs : -1;
    if (timeout) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return Wake::kTimeout;
      wait_ms = wait_ms < 0 ? static_cast<int>(left.count())
                            : std::min(wait_ms, static_cast<int>(left.count()));
    }
    pollfd fds[2] = {{inotify_fd_, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
    const int n = poll(fds, 2, wait_ms);
    if (n < 0 && errno != EINTR) return Wake::kStopped;
    if (n > 0 && fds[1].revents != 0) return Wake::kStopped;
    const bool was_watching = dir_wd_ >= 0;
    const bool changed = n > 0 && (fds[0].revents & POLLIN) && drain();
    rearm();
    // A directory found again is read again, whatever the events said.
    if (changed || (!was_watching && dir_wd_ >= 0)) return Wake::kChanged;
  }
}

void DirectoryWatch::wake() {
  const uint64_t one = 1;
  if (write(wake_fd_, &one, sizeof one) < 0) {
    // The eventfd counter cannot overflow from a few wakes; nothing else can fail here.
  }
}

}  // namespace jib::mesh
