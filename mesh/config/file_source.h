// Config from a directory of YAML files, watched with inotify (DirectoryWatch).
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "mesh/api/parse.h"
#include "mesh/config/config_source.h"
#include "mesh/config/config_store.h"
#include "mesh/config/directory_watch.h"

namespace jib::mesh {

struct FileSourceOptions {
  std::filesystem::path dir;
  // A larger file is an error of that file (its last good objects stay), never read whole.
  size_t max_file_bytes = kDefaultMaxConfigFileBytes;
  // A directory that has just lost every file is more likely being replaced (deleted and made
  // again, `rm -rf` then a copy) than meant empty: its objects are unloaded only once it has
  // stayed empty (or missing) this long.
  std::chrono::milliseconds empty_grace{2000};
};

// Loads every *.yaml / *.yml file of the directory (multi-document) into the store and keeps
// it in step with the files. A file that fails to parse or validate is reported (file,
// object, field, reason) and the last good version of its objects stays in force: files are
// all-or-nothing. When two files define the same object, the later file (by name) is in error.
// Every change found in one pass over the directory is applied to the store as one batch. The
// directory may be deleted, replaced or re-pointed while watched: while it is missing, or empty
// for less than empty_grace, the last good config stays in force, and what is there when it is
// back is applied.
class FileSource final : public ConfigSource {
 public:
  FileSource(FileSourceOptions options, ConfigStore& store);
  ~FileSource() override;

  // Loads the directory once, synchronously (again when called again: only files whose content
  // changed are parsed). Returns the number of errors reported.
  size_t load();
  // load(), after checking that the directory can be listed: a directory that is not there
  // at start-up is a mistake to report, not an empty mesh.
  bool load_initial(std::string* error) override;
  // Starts watching on a thread of its own; changes are applied as soon as they are seen (the
  // push queue is the one debouncer). False with *error when inotify fails.
  bool start(std::string* error) override;
  // Stops and joins the watcher; safe to call more than once.
  void stop() override;

 private:
  struct FileState {
    std::string content;             // as last read, good or not
    std::string read_error;          // why it could not be read last time, logged once
    std::vector<ConfigObject> good;  // the objects of its last version without errors
  };
  struct Claim {
    ConfigObject object;
    std::string file;
  };

  size_t sync();
  // Parses a changed file and checks it against the objects of the files before it.
  size_t update_file(const std::string& name, FileState& state, std::string content,
                     const std::map<ConfigKey, Claim>& earlier);
  void run();

  FileSourceOptions options_;
  ConfigStore& store_;
  std::mutex sync_mutex_;                   // load() and the watcher may overlap
  std::map<std::string, FileState> files_;  // by file name, in the order conflicts are settled
  std::map<ConfigKey, Claim> applied_;      // what this source has put into the store
  bool reported_missing_ = false;           // the directory's absence is logged once
  // Since when the watched directory has had no config file while objects from it are loaded.
  std::optional<std::chrono::steady_clock::time_point> empty_since_;
  std::unique_ptr<DirectoryWatch> watch_;
  std::thread thread_;
};

}  // namespace jib::mesh
