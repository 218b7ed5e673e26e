// Config from a directory of YAML files, watched with inotify.
#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "mesh/config_store.h"

namespace jib::mesh {

struct FileSourceOptions {
  std::filesystem::path dir;
  std::chrono::milliseconds debounce{100};
};

// Loads every *.yaml / *.yml file of the directory (multi-document) into the store and keeps
// it in step with the files. A file that fails to parse or validate is reported (file,
// object, field, reason) and the last good version of its objects stays in force.
class FileSource {
 public:
  FileSource(FileSourceOptions options, ConfigStore& store);
  ~FileSource();

  // Loads the directory once, synchronously. Returns the number of errors reported.
  size_t load();
  // Starts watching on a thread of its own; changes are applied after the debounce.
  void start();
  void stop();

 private:
  FileSourceOptions options_;
  ConfigStore& store_;
  // file -> keys of the objects that the last good version of that file defined
  std::map<std::string, std::vector<ConfigKey>> objects_by_file_;
  std::map<std::string, std::string> last_good_content_;
  std::atomic<bool> stopping_{false};
  int inotify_fd_ = -1;
  int wake_fd_ = -1;
  std::thread thread_;
};

}  // namespace jib::mesh
