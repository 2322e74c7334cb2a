#include "ledger/audit/key_file.h"

#include <sys/stat.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

using ::ledger::testing::IsOk;

namespace ledger::audit {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(KeyFileTest, WritesMode0600AndReadsBack) {
  ledger::testing::TempDir dir;
  auto signer = log::NoteSigner::Generate("test.example/log");
  ASSERT_THAT(signer, IsOk());
  const std::string path = dir.Sub("key");
  ASSERT_THAT(WritePrivateKeyFile(path, *signer), IsOk());
  struct stat st;
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto read = ReadPrivateKeyFile(path);
  ASSERT_THAT(read, IsOk());
  EXPECT_EQ(read->verifier().KeyString(), signer->verifier().KeyString());
}

TEST(KeyFileTest, NeverOverwrites) {
  ledger::testing::TempDir dir;
  auto signer = log::NoteSigner::Generate("a");
  const std::string path = dir.Sub("key");
  ASSERT_THAT(WritePrivateKeyFile(path, *signer), IsOk());
  auto other = log::NoteSigner::Generate("b");
  EXPECT_EQ(WritePrivateKeyFile(path, *other).code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(ReadPrivateKeyFile(path)->name(), "a");
}

TEST(KeyFileTest, RefusesFilesOthersMayRead) {
  ledger::testing::TempDir dir;
  auto signer = log::NoteSigner::Generate("a");
  const std::string path = dir.Sub("key");
  ASSERT_THAT(WritePrivateKeyFile(path, *signer), IsOk());
  ASSERT_EQ(::chmod(path.c_str(), 0644), 0);
  auto read = ReadPrivateKeyFile(path);
  EXPECT_EQ(read.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(std::string(read.status().message()), HasSubstr("chmod 600"));
}

TEST(KeyFileTest, MissingAndMalformedFiles) {
  ledger::testing::TempDir dir;
  EXPECT_EQ(ReadPrivateKeyFile(dir.Sub("none")).status().code(), absl::StatusCode::kNotFound);
  const std::string path = dir.Sub("bad");
  std::ofstream(path) << "PRIVATE+KEY+x+00000000+c2VjcmV0\n";
  ASSERT_EQ(::chmod(path.c_str(), 0600), 0);
  auto read = ReadPrivateKeyFile(path);
  EXPECT_EQ(read.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(read.status().message()), Not(HasSubstr("c2VjcmV0")));
}

}  // namespace
}  // namespace ledger::audit
