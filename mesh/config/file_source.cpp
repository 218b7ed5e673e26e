#include "mesh/config/file_source.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "base/log.h"
#include "mesh/api/parse.h"

namespace jib::mesh {
namespace {

constexpr std::string_view kLog = "config";
bool is_config_file(const std::filesystem::directory_entry& entry) {
  const std::string name = entry.path().filename().string();
  const std::string ext = entry.path().extension().string();
  std::error_code ec;
  // is_regular_file follows symlinks, as in a mounted ConfigMap; hidden files are editors' and
  // the ConfigMap's own bookkeeping.
  return !name.starts_with(".") && (ext == ".yaml" || ext == ".yml") && entry.is_regular_file(ec);
}

bool read_file(const std::filesystem::path& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream buf;
  buf << in.rdbuf();
  out = buf.str();
  return !in.bad();
}

}  // namespace

FileSource::FileSource(FileSourceOptions options, ConfigStore& store)
    : options_(std::move(options)), store_(store) {}

FileSource::~FileSource() { stop(); }

size_t FileSource::load() { return sync(); }

size_t FileSource::update_file(const std::string& name, FileState& state, std::string content,
                               const std::map<ConfigKey, Claim>& earlier) {
  const std::string path = (options_.dir / name).string();
  ParseResult parsed = parse_and_validate(content, path);
  state.content = std::move(content);
  for (const auto& w : parsed.warnings) log::warn(kLog, w.str());
  std::map<ConfigKey, int> seen;  // key -> line, to catch a key defined twice in the file
  for (size_t i = 0; i < parsed.objects.size(); ++i) {
    const ConfigKey key = key_of(parsed.objects[i]);
    const int line = parsed.lines[i].count("") ? parsed.lines[i].at("") : 0;
    if (auto it = earlier.find(key); it != earlier.end()) {
      parsed.errors.push_back({path, line, key.str(), "", "already defined in " + it->second.file});
    } else if (auto [at, fresh] = seen.emplace(key, line); !fresh) {
      parsed.errors.push_back(
          {path, line, key.str(), "",
           "defined twice in this file (first at line " + std::to_string(at->second) + ")"});
    }
  }
  for (const auto& e : parsed.errors) log::error(kLog, e.str());
  if (!parsed.errors.empty()) {
    if (!state.good.empty()) {
      log::warn(kLog, path, ": keeping the last good version of its ", state.good.size(),
                " object(s)");
    }
    return parsed.errors.size();
  }
  state.good = std::move(parsed.objects);
  return 0;
}

size_t FileSource::sync() {
  std::lock_guard lock(sync_mutex_);
  std::error_code ec;
  std::map<std::string, std::filesystem::path> present;
  for (std::filesystem::directory_iterator it(options_.dir, ec), end; !ec && it != end;
       it.increment(ec)) {
    if (is_config_file(*it)) present.emplace(it->path().filename().string(), it->path());
  }
  if (ec) {
    // A directory that is briefly missing must not unload the whole mesh config.
    log::error(kLog, options_.dir.string(), ": cannot read directory: ", ec.message());
    return 1;
  }
  std::erase_if(files_, [&](const auto& f) { return !present.contains(f.first); });

  size_t errors = 0;
  std::map<ConfigKey, Claim> desired;
  for (const auto& [name, path] : present) {
    FileState& state = files_[name];
    std::string content;
    if (!read_file(path, content)) {
      log::error(kLog, path.string(), ": cannot read file");
      ++errors;
    } else if (content != state.content || state.content.empty()) {
      errors += update_file(name, state, std::move(content), desired);
    }
    for (const auto& object : state.good) {
      const ConfigKey key = key_of(object);
      if (auto it = desired.find(key); it != desired.end()) {
        // An unchanged file lost a key to a file before it; say so once, when it happens.
        auto prev = applied_.find(key);
        if (prev != applied_.end() && prev->second.file == path.string()) {
          log::error(kLog, path.string(), ": ", key.str(), ": already defined in ",
                     it->second.file);
          ++errors;
        }
        continue;
      }
      desired.emplace(key, Claim{object, path.string()});
    }
  }

  Batch batch;
  for (const auto& [key, claim] : desired) {
    auto it = applied_.find(key);
    if (it == applied_.end() || !same_config(it->second.object, claim.object)) {
      batch.upserts.push_back(claim.object);
    }
  }
  for (const auto& [key, claim] : applied_) {
    if (!desired.contains(key)) batch.deletes.push_back(key);
  }
  applied_ = std::move(desired);
  if (!batch.upserts.empty() || !batch.deletes.empty()) {
    store_.apply(batch);
    log::info(kLog, options_.dir.string(), ": applied ", batch.upserts.size(), " upsert(s) and ",
              batch.deletes.size(), " delete(s), generation ", store_.state()->generation);
  }
  return errors;
}

bool FileSource::load_initial(std::string* error) {
  std::error_code ec;
  std::filesystem::directory_iterator probe(options_.dir, ec);
  if (ec) {
    *error = "config directory " + options_.dir.string() + ": " + ec.message();
    return false;
  }
  const size_t errors = load();
  log::info(kLog, "loaded ", store_.state()->objects.size(), " objects from ",
            options_.dir.string(), " (", errors, " errors)");
  return true;
}

bool FileSource::start(std::string* error) {
  if (thread_.joinable()) return true;
  auto fail = [&](std::string what) {
    const int err = errno;
    *error = what + ": " + std::strerror(err);
    if (inotify_fd_ >= 0) close(inotify_fd_);
    inotify_fd_ = -1;
    return false;
  };
  inotify_fd_ = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (inotify_fd_ < 0) return fail("inotify_init1");
  // IN_MOVED_TO and IN_CREATE catch editors and ConfigMaps that replace files by rename.
  const uint32_t mask = IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_CREATE;
  if (inotify_add_watch(inotify_fd_, options_.dir.c_str(), mask) < 0) {
    return fail("cannot watch " + options_.dir.string());
  }
  wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake_fd_ < 0) return fail("eventfd");
  stopping_ = false;
  // Changes made between load() and the watch being set up are caught by this pass; done
  // before start() returns so that callers see a settled store.
  sync();
  thread_ = std::thread([this] { run(); });
  return true;
}

void FileSource::stop() {
  if (!thread_.joinable()) return;
  stopping_ = true;
  uint64_t one = 1;
  if (write(wake_fd_, &one, sizeof one) < 0) {
    log::error(kLog, "cannot wake the file watcher: ", std::strerror(errno));
  }
  thread_.join();
  close(inotify_fd_);
  close(wake_fd_);
  inotify_fd_ = wake_fd_ = -1;
}

void FileSource::run() {
  alignas(struct inotify_event) char buf[16 * 1024];
  while (!stopping_) {
    pollfd fds[2] = {{inotify_fd_, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
    int n = poll(fds, 2, -1);
    if (n < 0) {
      if (errno == EINTR) continue;
      log::error(kLog, "poll failed, no longer watching ", options_.dir.string(), ": ",
                 std::strerror(errno));
      return;
    }
    if (fds[1].revents != 0) break;
    if (fds[0].revents & POLLIN) {
      // Which files changed does not matter: a pass re-reads the directory and parses only
      // the files whose content changed, which also covers renames and queue overflows. Every
      // event read so far makes one pass; the push queue debounces what the passes apply.
      while (read(inotify_fd_, buf, sizeof buf) > 0) {
      }
      sync();
    }
  }
}

}  // namespace jib::mesh
