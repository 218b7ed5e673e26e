#include "mesh/config/file_source.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <condition_variable>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

namespace jib::mesh {
namespace {

using namespace std::chrono_literals;

std::string service_entry(const std::string& name, const std::string& host) {
  return "apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {name: " + name +
         ", namespace: ns}\nspec:\n  hosts: [" + host +
         "]\n  ports: [{number: 80, name: http, protocol: HTTP}]\n  resolution: DNS\n";
}

std::string destination_rule(const std::string& name, const std::string& host) {
  return "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: " + name +
         ", namespace: ns}\nspec:\n  host: " + host + "\n";
}

ConfigKey se_key(const std::string& name) { return {"ServiceEntry", "ns", name}; }
ConfigKey dr_key(const std::string& name) { return {"DestinationRule", "ns", name}; }

class FileSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "jib-mesh-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    store_.subscribe([this](const ChangeEvent& e) {
      std::lock_guard lock(mu_);
      events_.push_back(e);
      cv_.notify_all();
    });
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void write(const std::string& name, const std::string& content) {
    std::ofstream(dir_ / name, std::ios::trunc) << content;
  }
  // What editors such as vim do: write a temporary file, then rename it over the original.
  void write_by_rename(const std::string& name, const std::string& content) {
    write(".tmp-" + name, content);
    std::filesystem::rename(dir_ / (".tmp-" + name), dir_ / name);
  }
  bool has(const ConfigKey& key) { return store_.state()->objects.contains(key); }
  const ConfigObject& get(const ConfigKey& key) { return *store_.state()->objects.at(key); }
  size_t event_count() {
    std::lock_guard lock(mu_);
    return events_.size();
  }
  // Waits until the store satisfies pred; generous, since CI machines are slow and shared.
  bool wait_for(const std::function<bool()>& pred) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, 10s, [&] { return pred(); });
  }

  std::filesystem::path dir_;
  ConfigStore store_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<ChangeEvent> events_;
};

TEST_F(FileSourceTest, LoadsEveryYamlFileAsOneBatch) {
  write("a.yaml",
        service_entry("a", "a.example.com") + "---\n" + destination_rule("a", "a.example.com"));
  write("b.yml", service_entry("b", "b.example.com"));
  write("notes.txt", "not config");
  FileSource source({dir_}, store_);
  EXPECT_EQ(source.load(), 0u);
  ASSERT_EQ(event_count(), 1u);
  EXPECT_EQ(events_[0].changed, (std::set<ConfigKey>{se_key("a"), dr_key("a"), se_key("b")}));
  EXPECT_EQ(store_.state()->objects.size(), 3u);
  const auto& a = std::get<ServiceEntry>(get(se_key("a")));
  EXPECT_EQ(a.meta.source.file, (dir_ / "a.yaml").string());
  // Loading again with nothing changed is not an event.
  EXPECT_EQ(source.load(), 0u);
  EXPECT_EQ(event_count(), 1u);
}

TEST_F(FileSourceTest, EditsInvalidEditsAndRemovals) {
  write("a.yaml",
        service_entry("a", "a.example.com") + "---\n" + destination_rule("a", "a.example.com"));
  write("b.yaml", service_entry("b", "b.example.com"));
  FileSource source({dir_}, store_);
  ASSERT_EQ(source.load(), 0u);

  // An edit of one object is an event for that object only.
  write("b.yaml", service_entry("b", "b2.example.com"));
  EXPECT_EQ(source.load(), 0u);
  ASSERT_EQ(event_count(), 2u);
  EXPECT_EQ(events_[1].changed, std::set<ConfigKey>{se_key("b")});
  EXPECT_EQ(std::get<ServiceEntry>(get(se_key("b"))).hosts,
            std::vector<std::string>{"b2.example.com"});

  // An invalid edit (one good object, one bad) changes nothing: the file is all-or-nothing.
  write("a.yaml", service_entry("a", "changed.example.com") + "---\n" + destination_rule("a", ""));
  EXPECT_EQ(source.load(), 1u);
  EXPECT_EQ(event_count(), 2u);
  EXPECT_EQ(std::get<ServiceEntry>(get(se_key("a"))).hosts,
            std::vector<std::string>{"a.example.com"});
  EXPECT_TRUE(has(dr_key("a")));

  // Fixing it applies the new version; dropping an object from the file deletes it.
  write("a.yaml", service_entry("a", "changed.example.com"));
  EXPECT_EQ(source.load(), 0u);
  ASSERT_EQ(event_count(), 3u);
  EXPECT_EQ(events_[2].changed, (std::set<ConfigKey>{se_key("a"), dr_key("a")}));
  EXPECT_FALSE(has(dr_key("a")));

  // Removing a file deletes its objects.
  std::filesystem::remove(dir_ / "b.yaml");
  EXPECT_EQ(source.load(), 0u);
  EXPECT_FALSE(has(se_key("b")));
  EXPECT_TRUE(has(se_key("a")));
}

TEST_F(FileSourceTest, AnEmptiedDirectoryIsUnloadedOnlyAfterTheGrace) {
  // `rm -rf dir` removes the files before the directory: that must not unload the mesh.
  write("a.yaml", service_entry("a", "a.example.com"));
  FileSource patient({dir_, kDefaultMaxConfigFileBytes, std::chrono::hours(1)}, store_);
  ASSERT_EQ(patient.load(), 0u);
  std::filesystem::remove(dir_ / "a.yaml");
  EXPECT_EQ(patient.load(), 0u);
  EXPECT_TRUE(has(se_key("a")));
  // A file back within the grace ends it.
  write("b.yaml", service_entry("b", "b.example.com"));
  EXPECT_EQ(patient.load(), 0u);
  EXPECT_TRUE(has(se_key("b")));
  EXPECT_FALSE(has(se_key("a")));

  FileSource prompt({dir_, kDefaultMaxConfigFileBytes, std::chrono::milliseconds(0)}, store_);
  ASSERT_EQ(prompt.load(), 0u);
  std::filesystem::remove(dir_ / "b.yaml");
  EXPECT_EQ(prompt.load(), 0u);
  EXPECT_FALSE(has(se_key("b")));
}

TEST_F(FileSourceTest, AWatchedDirectoryEmptiedIsUnloadedWhenTheGraceEnds) {
  write("a.yaml", service_entry("a", "a.example.com"));
  FileSource source({dir_, kDefaultMaxConfigFileBytes, std::chrono::milliseconds(300)}, store_);
  ASSERT_EQ(source.load(), 0u);
  std::string error;
  ASSERT_TRUE(source.start(&error)) << error;
  std::filesystem::remove(dir_ / "a.yaml");
  // No event comes after the removal: the watcher itself ends the grace.
  EXPECT_TRUE(wait_for([&] { return !has(se_key("a")); }));
  source.stop();
}

TEST_F(FileSourceTest, FileThatWasNeverGoodContributesNothing) {
  write("bad.yaml", service_entry("ok", "ok.example.com") + "---\n" +
                        service_entry("bad", "no_underscores.example.com"));
  FileSource source({dir_}, store_);
  EXPECT_EQ(source.load(), 1u);
  EXPECT_TRUE(store_.state()->objects.empty());
  EXPECT_EQ(event_count(), 0u);
}

TEST_F(FileSourceTest, SameObjectInTwoFilesIsAnErrorOnTheLaterFile) {
  write("a.yaml", service_entry("x", "a.example.com"));
  write("b.yaml",
        service_entry("x", "b.example.com") + "---\n" + service_entry("y", "y.example.com"));
  FileSource source({dir_}, store_);
  EXPECT_EQ(source.load(), 1u);
  EXPECT_EQ(std::get<ServiceEntry>(get(se_key("x"))).hosts,
            std::vector<std::string>{"a.example.com"});
  // b.yaml is rejected as a whole.
  EXPECT_FALSE(has(se_key("y")));
  // Moving the object from a.yaml to b.yaml in one step keeps it without a gap.
  write("a.yaml", "");
  write("b.yaml", service_entry("x", "a.example.com"));
  EXPECT_EQ(source.load(), 0u);
  EXPECT_TRUE(has(se_key("x")));
  EXPECT_EQ(std::get<ServiceEntry>(get(se_key("x"))).meta.source.file,
            (dir_ / "a.yaml").string());  // same config: the store keeps what it had
}

TEST_F(FileSourceTest, WatchPicksUpWritesRenamesAndRemovals) {
  write("a.yaml", service_entry("a", "a.example.com"));
  FileSource source({dir_}, store_);
  ASSERT_EQ(source.load(), 0u);
  std::string error;
  ASSERT_TRUE(source.start(&error)) << error;

  write("b.yaml", service_entry("b", "b.example.com"));
  EXPECT_TRUE(wait_for([&] { return has(se_key("b")); }));

  // Editor-style replacement by rename.
  write_by_rename("a.yaml", service_entry("a", "renamed.example.com"));
  EXPECT_TRUE(wait_for([&] {
    return std::get<ServiceEntry>(get(se_key("a"))).hosts ==
           std::vector<std::string>{"renamed.example.com"};
  }));

  // An invalid edit keeps the last good objects. Its effect (none) is observed by making a
  // later valid change and waiting for that one.
  write_by_rename("a.yaml", service_entry("a", "*"));
  std::this_thread::sleep_for(150ms);
  write("c.yaml", service_entry("c", "c.example.com"));
  EXPECT_TRUE(wait_for([&] { return has(se_key("c")); }));
  EXPECT_EQ(std::get<ServiceEntry>(get(se_key("a"))).hosts,
            std::vector<std::string>{"renamed.example.com"});

  std::filesystem::remove(dir_ / "b.yaml");
  EXPECT_TRUE(wait_for([&] { return !has(se_key("b")); }));
  source.stop();
  source.stop();  // idempotent

  // After stop, changes are no longer applied.
  const size_t before = event_count();
  write("d.yaml", service_entry("d", "d.example.com"));
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(event_count(), before);
}

TEST_F(FileSourceTest, ChangesAreAppliedWithoutWaitingForAQuietPeriod) {
  // The push queue is the one debouncer: the watch must not hold changes back while writes go
  // on, or the push queue's maximum delay would not bound the wait from a write to its push.
  FileSource source({dir_}, store_);
  ASSERT_EQ(source.load(), 0u);
  std::string error;
  ASSERT_TRUE(source.start(&error)) << error;
  // Writes every 20 ms for up to 10 s: a watch that waited for a quiet period of 20 ms or more
  // would apply nothing before they stop.
  bool applied_while_writing = false;
  for (int i = 0; i < 500 && !applied_while_writing; ++i) {
    write("f" + std::to_string(i) + ".yaml",
          service_entry("s" + std::to_string(i), "s" + std::to_string(i) + ".example.com"));
    std::this_thread::sleep_for(20ms);
    applied_while_writing = has(se_key("s0"));
  }
  EXPECT_TRUE(applied_while_writing);
  source.stop();
}

TEST_F(FileSourceTest, InitialLoadRefusesAMissingDirectoryAndStoresNothing) {
  FileSource source({dir_ / "missing"}, store_);
  std::string error;
  EXPECT_FALSE(source.load_initial(&error));
  EXPECT_NE(error.find((dir_ / "missing").string()), std::string::npos) << error;
  EXPECT_EQ(event_count(), 0u);

  write("a.yaml", service_entry("a", "a.example.com"));
  FileSource present({dir_}, store_);
  ASSERT_TRUE(present.load_initial(&error)) << error;
  EXPECT_TRUE(has(se_key("a")));
}

// The directory itself replaced while watched, in each way deploy tools do it: applied once the
// new one is there, with the last good config served meanwhile.
class ReplacedDirectoryTest : public FileSourceTest {
 protected:
  void SetUp() override {
    FileSourceTest::SetUp();
    config_ = dir_ / "config";
    std::filesystem::create_directory(config_);
    std::ofstream(config_ / "a.yaml") << service_entry("a", "a.example.com");
  }
  void start(const std::filesystem::path& path) {
    source_ = std::make_unique<FileSource>(FileSourceOptions{path}, store_);
    std::string error;
    ASSERT_TRUE(source_->load_initial(&error)) << error;
    ASSERT_TRUE(source_->start(&error)) << error;
    ASSERT_TRUE(has(se_key("a")));
  }
  void TearDown() override {
    if (source_) source_->stop();
    FileSourceTest::TearDown();
  }
  std::filesystem::path fresh(const std::string& name, const std::string& se) {
    std::filesystem::create_directory(dir_ / name);
    std::ofstream(dir_ / name / "b.yaml") << service_entry(se, se + ".example.com");
    return dir_ / name;
  }

  std::filesystem::path config_;
  std::unique_ptr<FileSource> source_;
};

TEST_F(ReplacedDirectoryTest, DeletedThenMadeAgain) {
  start(config_);
  std::filesystem::remove_all(config_);
  // Something later is seen only once the directory is back: until then, nothing is unloaded.
  std::this_thread::sleep_for(100ms);
  EXPECT_TRUE(has(se_key("a")));
  std::filesystem::rename(fresh("staging", "b"), config_);
  EXPECT_TRUE(wait_for([&] { return has(se_key("b")) && !has(se_key("a")); }));
  // And the new directory is watched in turn.
  std::ofstream(config_ / "c.yaml") << service_entry("c", "c.example.com");
  EXPECT_TRUE(wait_for([&] { return has(se_key("c")); }));
}

TEST_F(ReplacedDirectoryTest, RenamedAwayAndReplaced) {
  start(config_);
  std::filesystem::rename(config_, dir_ / "old");
  std::filesystem::create_directory(config_);
  std::ofstream(config_ / "b.yaml") << service_entry("b", "b.example.com");
  EXPECT_TRUE(wait_for([&] { return has(se_key("b")) && !has(se_key("a")); }));
  // The old directory, renamed away, no longer counts.
  std::ofstream(dir_ / "old" / "x.yaml") << service_entry("x", "x.example.com");
  std::ofstream(config_ / "c.yaml") << service_entry("c", "c.example.com");
  EXPECT_TRUE(wait_for([&] { return has(se_key("c")); }));
  EXPECT_FALSE(has(se_key("x")));
}

TEST_F(ReplacedDirectoryTest, SymlinkPointedElsewhere) {
  std::filesystem::create_directory_symlink(config_, dir_ / "current");
  start(dir_ / "current");
  const auto next = fresh("v2", "b");
  // As `ln -sfn`: a new link renamed over the old one.
  std::filesystem::create_directory_symlink(next, dir_ / "current.tmp");
  std::filesystem::rename(dir_ / "current.tmp", dir_ / "current");
  EXPECT_TRUE(wait_for([&] { return has(se_key("b")) && !has(se_key("a")); }));
  std::ofstream(next / "c.yaml") << service_entry("c", "c.example.com");
  EXPECT_TRUE(wait_for([&] { return has(se_key("c")); }));
}

TEST_F(ReplacedDirectoryTest, ConfigMapMountDataSwap) {
  // A mounted ConfigMap: files are links through ..data to a timestamped directory, and an
  // update swaps ..data by rename, then removes the old directory.
  const auto mount = dir_ / "mount";
  std::filesystem::create_directory(mount);
  std::filesystem::create_directory(mount / "..2026_01");
  std::ofstream(mount / "..2026_01" / "mesh.yaml") << service_entry("a", "a.example.com");
  std::filesystem::create_directory_symlink("..2026_01", mount / "..data");
  std::filesystem::create_symlink("..data/mesh.yaml", mount / "mesh.yaml");
  start(mount);
  std::filesystem::create_directory(mount / "..2026_02");
  std::ofstream(mount / "..2026_02" / "mesh.yaml") << service_entry("a", "new.example.com");
  std::filesystem::create_directory_symlink("..2026_02", mount / "..data_tmp");
  std::filesystem::rename(mount / "..data_tmp", mount / "..data");
  std::filesystem::remove_all(mount / "..2026_01");
  EXPECT_TRUE(wait_for([&] {
    return has(se_key("a")) && std::get<ServiceEntry>(get(se_key("a"))).hosts ==
                                   std::vector<std::string>{"new.example.com"};
  }));
}

TEST_F(FileSourceTest, FileOverTheSizeLimitIsAnErrorAndKeepsItsLastGoodObjects) {
  write("a.yaml", service_entry("a", "a.example.com"));
  FileSource source({dir_, 1024}, store_);
  ASSERT_EQ(source.load(), 0u);
  std::string big = service_entry("a", "big.example.com");
  big += "# " + std::string(2000, 'x') + "\n";
  write("a.yaml", big);
  EXPECT_EQ(source.load(), 1u);
  EXPECT_EQ(std::get<ServiceEntry>(get(se_key("a"))).hosts,
            std::vector<std::string>{"a.example.com"});
  // A sparse file of 8 GiB is refused from its size, never read.
  std::ofstream(dir_ / "huge.yaml").close();
  std::filesystem::resize_file(dir_ / "huge.yaml", 8ull << 30);
  EXPECT_EQ(source.load(), 2u);
  EXPECT_TRUE(has(se_key("a")));
}

}  // namespace
}  // namespace jib::mesh
