// Tells when the files of a directory may have changed, and keeps doing so when the directory
// itself is deleted and made again, renamed away and replaced, or is a symlink pointed elsewhere
// (as deploy tools and ConfigMap mounts do): besides the directory, its entry in the parent is
// watched, and the watch moves to whatever the path names now.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

namespace jib::mesh {

class DirectoryWatch {
 public:
  explicit DirectoryWatch(std::filesystem::path dir);
  ~DirectoryWatch();
  DirectoryWatch(const DirectoryWatch&) = delete;
  DirectoryWatch& operator=(const DirectoryWatch&) = delete;

  // Sets up inotify; false with *error when it cannot (a missing directory is not an error: it
  // is watched for from its parent).
  bool start(std::string* error);
  enum class Wake { kChanged, kTimeout, kStopped };
  // Blocks until the directory's files may have changed, the timeout (if any) passes, or wake().
  Wake wait(std::optional<std::chrono::milliseconds> timeout = std::nullopt);
  // Makes wait() return false; callable from any thread.
  void wake();

 private:
  // Watches whatever the path names now, if that is not what is watched already.
  void rearm();
  // Reads pending events; true when one is about the directory or its files.
  bool drain();

  std::filesystem::path dir_;
  std::string name_in_parent_;
  int inotify_fd_ = -1;
  int wake_fd_ = -1;
  int dir_wd_ = -1;
  int parent_wd_ = -1;
  dev_t dev_ = 0;
  ino_t ino_ = 0;
};

}  // namespace jib::mesh
