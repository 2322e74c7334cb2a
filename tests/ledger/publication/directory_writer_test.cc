#include "ledger/publication/directory_writer.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/testing/run_command.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

using ::ledger::testing::IsOk;

namespace ledger::publication {
namespace {

using ::ledger::testing::StatusIs;
using ::testing::HasSubstr;

// A source of fixed files.
class MapSource : public FileSource {
 public:
  std::map<std::string, PublishedFile> files;
  absl::StatusOr<PublishedFile> Get(std::string_view path) const override {
    auto it = files.find(std::string(path));
    if (it == files.end()) return absl::NotFoundError("no such file");
    return it->second;
  }
};

TEST(ValidatePublishedPathTest, RefusesPathsThatCouldLeaveTheDirectory) {
  EXPECT_THAT(ValidatePublishedPath("tile/0/000"), IsOk());
  EXPECT_THAT(ValidatePublishedPath("checkpoint"), IsOk());
  for (const char* bad : {"", "/etc/passwd", "tile/../../x", "..", ".", "tile//0", "tile/0/",
                          "./checkpoint"}) {
    EXPECT_THAT(ValidatePublishedPath(bad), StatusIs(absl::StatusCode::kInvalidArgument,
                                                     HasSubstr("")))
        << bad;
  }
  EXPECT_THAT(ValidatePublishedPath(std::string("a\0b", 3)),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("may not hold NUL")));
}

TEST(DirectoryWriterTest, WritesReadableFilesCreatingTheirDirectories) {
  ::ledger::testing::TempDir dir;
  auto out = DirectoryWriter::Open(dir.Sub("out/site"));
  ASSERT_THAT(out, IsOk());
  ASSERT_THAT(out->Write("tile/0/x001/002", "bytes"), IsOk());
  EXPECT_EQ(::ledger::testing::ReadFile(dir.Sub("out/site/tile/0/x001/002")), "bytes");
  struct stat st {};
  ASSERT_EQ(::stat(dir.Sub("out/site/tile/0/x001/002").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);  // a web server's user reads it
  ASSERT_THAT(out->Write("tile/0/x001/002", "replaced"), IsOk());
  EXPECT_EQ(*out->Read("tile/0/x001/002"), std::optional<std::string>("replaced"));
  EXPECT_EQ(*out->Read("tile/0/x001/003"), std::nullopt);
  // No temporary file is left behind.
  int files = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir.Sub("out/site"))) {
    files += e.is_regular_file();
  }
  EXPECT_EQ(files, 1);
}

TEST(DirectoryWriterTest, RefusesAFileWhereTheDirectoryShouldBe) {
  ::ledger::testing::TempDir dir;
  std::ofstream(dir.Sub("file")) << "x";
  EXPECT_THAT(DirectoryWriter::Open(dir.Sub("file")),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("not a directory")));
  EXPECT_THAT(DirectoryWriter::Open(dir.Sub("file/below")),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("cannot create")));
}

TEST(DirectoryWriterTest, RefusesBadPathsAndRemovesTrees) {
  ::ledger::testing::TempDir dir;
  auto out = DirectoryWriter::Open(dir.path());
  ASSERT_THAT(out, IsOk());
  EXPECT_THAT(out->Write("../escape", "x"), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("")));
  EXPECT_FALSE(std::filesystem::exists(dir.path() + "/../escape"));
  ASSERT_THAT(out->Write("tile/0/000.p/1", "a"), IsOk());
  ASSERT_THAT(out->Write("tile/0/000.p/2", "b"), IsOk());
  EXPECT_EQ(*out->RemoveAll("tile/0/000.p"), true);
  EXPECT_EQ(*out->RemoveAll("tile/0/000.p"), false);
  EXPECT_FALSE(std::filesystem::exists(dir.Sub("tile/0/000.p")));
}

TEST(PublishFilesTest, WritesOnlyWhatIsMissingOrChanged) {
  ::ledger::testing::TempDir dir;
  auto out = DirectoryWriter::Open(dir.path());
  ASSERT_THAT(out, IsOk());
  MapSource source;
  source.files["a/full"] = {"full", "application/octet-stream", Caching::kImmutable};
  source.files["head"] = {"one", "text/plain", Caching::kShort};
  auto first = PublishFiles(source, {"a/full", "head"}, *out);
  ASSERT_THAT(first, IsOk());
  EXPECT_EQ(first->written, 2u);
  source.files["head"].bytes = "two";
  auto second = PublishFiles(source, {"a/full", "head"}, *out);
  ASSERT_THAT(second, IsOk());
  EXPECT_EQ(second->written, 1u);
  EXPECT_EQ(second->unchanged, 1u);
  EXPECT_EQ(::ledger::testing::ReadFile(dir.Sub("head")), "two");
}

TEST(PublishFilesTest, AnImmutableFileThatDiffersIsDataLoss) {
  ::ledger::testing::TempDir dir;
  auto out = DirectoryWriter::Open(dir.path());
  ASSERT_THAT(out, IsOk());
  ASSERT_THAT(out->Write("a/full", "other log"), IsOk());
  MapSource source;
  source.files["a/full"] = {"this log", "application/octet-stream", Caching::kImmutable};
  EXPECT_THAT(PublishFiles(source, {"a/full"}, *out),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("another log")));
  EXPECT_EQ(::ledger::testing::ReadFile(dir.Sub("a/full")), "other log");
  EXPECT_THAT(PublishFiles(source, {"missing"}, *out),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("cannot publish missing")));
}

}  // namespace
}  // namespace ledger::publication
