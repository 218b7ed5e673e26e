// Files are read only up to the limit, whatever size they claim or grow to.
#include "base/bounded_read.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace jib {
namespace {

class BoundedReadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "jib-read-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string path(const std::string& name) { return (dir_ / name).string(); }

  std::filesystem::path dir_;
};

TEST_F(BoundedReadTest, ReadsFilesUpToTheLimit) {
  std::ofstream(path("a")) << "12345";
  std::string out, error;
  ASSERT_TRUE(read_file_bounded(path("a"), 5, &out, &error)) << error;
  EXPECT_EQ(out, "12345");
  EXPECT_FALSE(read_file_bounded(path("a"), 4, &out, &error));
  EXPECT_EQ(error, "5 bytes, more than the limit of 4 bytes");
}

TEST_F(BoundedReadTest, RefusesASparseHugeFileWithoutReadingIt) {
  { std::ofstream f(path("sparse")); }
  std::filesystem::resize_file(path("sparse"), 8ull << 30);  // 8 GiB of holes
  std::string out, error;
  EXPECT_FALSE(read_file_bounded(path("sparse"), 4 << 20, &out, &error));
  EXPECT_EQ(error, "8589934592 bytes, more than the limit of 4194304 bytes");
  EXPECT_TRUE(out.empty());
}

TEST_F(BoundedReadTest, StopsAtTheLimitOnFilesWithoutASize) {
  // /dev/zero claims no size and never ends.
  std::filesystem::create_symlink("/dev/zero", path("zero.yaml"));
  std::string out, error;
  EXPECT_FALSE(read_file_bounded(path("zero.yaml"), 1 << 20, &out, &error));
  EXPECT_EQ(error, "more than the limit of 1048576 bytes");
  EXPECT_TRUE(out.empty());
}

TEST_F(BoundedReadTest, NamesTheReasonAFileCannotBeRead) {
  std::string out, error;
  EXPECT_FALSE(read_file_bounded(path("missing"), 10, &out, &error));
  EXPECT_EQ(error, "cannot read: No such file or directory");
}

}  // namespace
}  // namespace jib
