// The CA's files survive a crash at any step of a save, a full disk and earlier debris: a start
// finds either the state before the save or the one after it, never a mix.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "base/ossl.h"
#include "ca/ca_store.h"
#include "test/unit/ca/test_util.h"

namespace jib::ca {
namespace {

struct Crash {};

const StoredCa kOld{"KEY1\n", "ROOT1\n", {}, "", ""};
const StoredCa kNew{"KEY2\n", "ROOT2\n", {}, "KEY3\n", "ROOT3\n"};

bool same(const StoredCa& a, const StoredCa& b) {
  return a.key_pem == b.key_pem && a.cert_pem == b.cert_pem && a.next_key_pem == b.next_key_pem &&
         a.next_cert_pem == b.next_cert_pem && a.previous_roots_pem == b.previous_roots_pem;
}

// The steps of one save, in order.
std::vector<std::string> save_steps() {
  testing::TempDir dir;
  std::vector<std::string> steps;
  auto store = make_file_ca_store(dir.path(), [&](std::string_view s) { steps.emplace_back(s); });
  std::string error;
  EXPECT_TRUE(store->save(kNew, &error)) << error;
  return steps;
}

std::vector<std::string> entries(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    names.push_back(e.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

TEST(FileCaStore, ACrashAtAnyStepLeavesTheOldStateOrTheNew) {
  const auto steps = save_steps();
  ASSERT_GE(steps.size(), 13u);  // six files, the mark, six renames
  for (size_t crash_at = 0; crash_at < steps.size(); ++crash_at) {
    for (bool first_save : {true, false}) {
      SCOPED_TRACE(steps[crash_at] + (first_save ? " (first save)" : ""));
      testing::TempDir dir;
      std::string error;
      if (!first_save) {
        ASSERT_TRUE(make_file_ca_store(dir.path())->save(kOld, &error)) << error;
      }
      size_t step = 0;
      auto crashing = make_file_ca_store(dir.path(), [&](std::string_view) {
        if (step++ == crash_at) throw Crash{};
      });
      EXPECT_THROW(crashing->save(kNew, &error), Crash);

      StoredCa got;
      bool found = false;
      ASSERT_TRUE(make_file_ca_store(dir.path())->load(&got, &found, &error)) << error;
      const bool marked = crash_at > 6;  // the mark was written: the save is finished on load
      if (marked) {
        EXPECT_TRUE(found && same(got, kNew));
      } else if (first_save) {
        EXPECT_FALSE(found);
      } else {
        EXPECT_TRUE(found && same(got, kOld));
      }
      // Nothing of the interrupted save is left.
      for (const auto& name : entries(dir.path())) {
        EXPECT_FALSE(name.starts_with(".") || name.ends_with(".tmp")) << name;
      }
    }
  }
}

TEST(FileCaStore, AFullDiskRefusesCleanlyAndKeepsTheOldState) {
  testing::TempDir dir;
  std::string error;
  ASSERT_TRUE(make_file_ca_store(dir.path())->save(kOld, &error)) << error;
  const auto before = entries(dir.path());
  // Writes past 4 bytes fail (EFBIG) as on a full disk.
  rlimit old_limit{};
  ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &old_limit), 0);
  auto old_handler = signal(SIGXFSZ, SIG_IGN);
  rlimit tiny = old_limit;
  tiny.rlim_cur = 4;
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &tiny), 0);
  const bool saved = make_file_ca_store(dir.path())->save(kNew, &error);
  setrlimit(RLIMIT_FSIZE, &old_limit);
  signal(SIGXFSZ, old_handler);
  EXPECT_FALSE(saved);
  EXPECT_NE(error.find("cannot save the CA state"), std::string::npos) << error;
  EXPECT_EQ(entries(dir.path()), before);
  StoredCa got;
  bool found = false;
  ASSERT_TRUE(make_file_ca_store(dir.path())->load(&got, &found, &error)) << error;
  EXPECT_TRUE(found && same(got, kOld));
}

TEST(FileCaStore, ACertificateWithoutItsKeyIsRefusedByName) {
  testing::TempDir dir;
  std::ofstream(dir.path() + "/ca-cert.pem") << "ROOT\n";
  StoredCa got;
  bool found = false;
  std::string error;
  EXPECT_FALSE(make_file_ca_store(dir.path())->load(&got, &found, &error));
  EXPECT_NE(error.find("ca-cert.pem without ca-key.pem"), std::string::npos) << error;
}

TEST(FileCaStore, TempFilesOfEarlierWritesAreRemoved) {
  testing::TempDir dir;
  std::string error;
  ASSERT_TRUE(make_file_ca_store(dir.path())->save(kOld, &error)) << error;
  std::ofstream(dir.path() + "/ca-cert.pem.tmp") << "half a";
  StoredCa got;
  bool found = false;
  ASSERT_TRUE(make_file_ca_store(dir.path())->load(&got, &found, &error)) << error;
  EXPECT_TRUE(found && same(got, kOld));
  EXPECT_FALSE(std::filesystem::exists(dir.path() + "/ca-cert.pem.tmp"));
}

}  // namespace
}  // namespace jib::ca
