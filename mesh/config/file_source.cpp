#include "mesh/config/file_source.h"

#include "base/bounded_read.h"
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
    if (!reported_missing_) {
      log::error(kLog, options_.dir.string(), ": cannot read directory: ", ec.message(),
                 "; keeping the config loaded from it until it is back");
    }
    reported_missing_ = true;
    empty_since_.reset();  // missing is not empty: kept for as long as it takes
    return 1;
  }
  if (reported_missing_) log::info(kLog, options_.dir.string(), ": directory is back");
  reported_missing_ = false;
  if (!present.empty() || applied_.empty()) {
    empty_since_.reset();
  } else {
    const auto now = std::chrono::steady_clock::now();
    if (!empty_since_) {
      empty_since_ = now;
      log::info(kLog, options_.dir.string(), ": no config file left; its ", applied_.size(),
                " object(s) stay until it has been empty for ", options_.empty_grace.count(),
                " ms");
    }
    if (now - *empty_since_ < options_.empty_grace) return 0;
    empty_since_.reset();
  }
  std::erase_if(files_, [&](const auto& f) { return !present.contains(f.first); });

  size_t errors = 0;
  std::map<ConfigKey, Claim> desired;
  for (const auto& [name, path] : present) {
    FileState& state = files_[name];
    std::string content, error;
    if (!read_file_bounded(path.string(), options_.max_file_bytes, &content, &error)) {
      if (error != state.read_error) {
        log::error(kLog, path.string(), ": ", error,
                   state.good.empty() ? "" : "; keeping the last good version of its objects");
      }
      state.read_error = error;
      ++errors;
    } else if (content != state.content || state.content.empty() || !state.read_error.empty()) {
      state.read_error.clear();
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
  watch_ = std::make_unique<DirectoryWatch>(options_.dir);
  if (!watch_->start(error)) {
    watch_.reset();
    return false;
  }
  // Changes made between load() and the watch being set up are caught by this pass; done
  // before start() returns so that callers see a settled store.
  sync();
  thread_ = std::thread([this] { run(); });
  return true;
}

void FileSource::stop() {
  if (!thread_.joinable()) return;
  watch_->wake();
  thread_.join();
  watch_.reset();
}

void FileSource::run() {
  // Which files changed does not matter: a pass re-reads the directory and parses only the files
  // whose content changed, which also covers renames and queue overflows. The push queue
  // debounces what the passes apply.
  while (true) {
    std::optional<std::chrono::milliseconds> timeout;
    {
      std::lock_guard lock(sync_mutex_);
      if (empty_since_) {
        timeout = std::chrono::duration_cast<std::chrono::milliseconds>(
            *empty_since_ + options_.empty_grace - std::chrono::steady_clock::now());
      }
    }
    if (watch_->wait(timeout) == DirectoryWatch::Wake::kStopped) return;
    sync();
  }
}

}  // namespace jib::mesh
