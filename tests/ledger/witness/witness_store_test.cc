#include "ledger/witness/witness_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "tests/ledger/witness/witness_test_util.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

using ::ledger::testing::IsOk;

namespace ledger::witness {
namespace {

using ::ledger::witness::testing::TestLog;
using ::testing::HasSubstr;

TEST(WitnessStoreTest, OriginHashIsLowercaseHexSha256) {
  EXPECT_EQ(OriginHash(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(WitnessStoreTest, StoredNotesLoadBackByOrigin) {
  ledger::testing::TempDir dir;
  const TestLog a("a.example/log", 1, "leaf", 5), b("b.example/log", 2, "leaf", 5);
  {
    auto store = *WitnessStore::Open(dir.Sub("s"));
    ASSERT_THAT(store->Store(a.origin(), a.Checkpoint(3)), IsOk());
    ASSERT_THAT(store->Store(b.origin(), b.Checkpoint(4)), IsOk());
    ASSERT_THAT(store->Store(a.origin(), a.Checkpoint(5)), IsOk());
  }
  auto store = *WitnessStore::Open(dir.Sub("s"));
  auto loaded = store->Load();
  ASSERT_THAT(loaded, IsOk());
  ASSERT_EQ(loaded->size(), 2u);
  EXPECT_EQ(loaded->at(a.origin()), a.Checkpoint(5));
  EXPECT_EQ(loaded->at(b.origin()), b.Checkpoint(4));
}

TEST(WitnessStoreTest, LeftoverTemporaryFileIsDiscarded) {
  ledger::testing::TempDir dir;
  const TestLog a("a.example/log", 1, "leaf", 5);
  { ASSERT_THAT((*WitnessStore::Open(dir.Sub("s")))->Store(a.origin(), a.Checkpoint(3)), IsOk()); }
  std::ofstream(dir.Sub("s/" + OriginHash(a.origin()) + ".tmp")) << a.Checkpoint(5).substr(0, 20);
  auto store = *WitnessStore::Open(dir.Sub("s"));
  EXPECT_EQ(store->Load()->at(a.origin()), a.Checkpoint(3));
  EXPECT_FALSE(std::ifstream(dir.Sub("s/" + OriginHash(a.origin()) + ".tmp")).good());
}

TEST(WitnessStoreTest, DamagedOrMisnamedFileIsDataLoss) {
  ledger::testing::TempDir dir;
  const TestLog a("a.example/log", 1, "leaf", 5);
  auto store = *WitnessStore::Open(dir.Sub("s"));
  std::ofstream(dir.Sub("s/" + OriginHash("other") + ".checkpoint")) << a.Checkpoint(3);
  auto loaded = store->Load();
  EXPECT_EQ(loaded.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(loaded.status().message(), HasSubstr("a.example/log"));
  std::ofstream(dir.Sub("s/" + OriginHash("other") + ".checkpoint"), std::ios::trunc) << "garbage";
  EXPECT_EQ(store->Load().status().code(), absl::StatusCode::kDataLoss);
}

TEST(WitnessStoreTest, DirectoryIsLockedWhileOpen) {
  ledger::testing::TempDir dir;
  auto store = *WitnessStore::Open(dir.Sub("s"));
  EXPECT_EQ(WitnessStore::Open(dir.Sub("s")).status().code(), absl::StatusCode::kFailedPrecondition);
  store.reset();
  EXPECT_THAT(WitnessStore::Open(dir.Sub("s")), IsOk());
}

TEST(WitnessStoreTest, UncreatableDirectoryIsUnavailable) {
  EXPECT_EQ(WitnessStore::Open("/proc/no/such/dir").status().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace ledger::witness
