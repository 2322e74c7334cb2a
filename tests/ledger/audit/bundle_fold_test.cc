// Bundle verification folds the domain events: the seed scenario forms a
// valid history; a signed event that the rules refuse is named.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "google/protobuf/wrappers.pb.h"
#include "ledger/audit/bundle_verifier.h"
#include "ledger/compact_ledger.h"
#include "ledger/scenario_file.h"
#include "tests/ledger/audit/audit_test_util.h"
#include "tests/ledger/audit/seeded_ledger.h"
#include "tests/testing/status_matchers.h"

using ::ledger::testing::IsOk;

namespace ledger::audit {
namespace {

using ::testing::HasSubstr;
using namespace ::ledger::audit::testing;  // NOLINT: test helpers

class BundleFoldTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ledger_ = SeededLedger(dir_.Sub("db"));
    ASSERT_NE(ledger_, nullptr);
    seeded_ = ledger_->log().Size();
  }

  // Appends `payload` to `stream` behind the domain's back: with the
  // ledger closed (an open ledger refuses an entry that does not fold), to
  // the bare log, which the test goes on with.
  void AppendRaw(const std::string& stream, const google::protobuf::Any& payload) {
    ledger_.reset();
    bare_ = OpenLog(dir_.Sub("db"));
    ASSERT_NE(bare_, nullptr);
    log::AppendRequest request;
    request.stream = stream;
    request.actor = "mallory";
    request.payload = payload;
    ASSERT_THAT(bare_->Append(request), IsOk());
  }

  log::Log& log() { return bare_ != nullptr ? *bare_ : ledger_->log(); }

  BundleReport SignExportVerify(bool fold = true) {
    SignHead(log(), {key_});
    return Verify(Export(log(), keys_), keys_, fold);
  }

  ledger::testing::TempDir dir_;
  std::unique_ptr<CompactLedger> ledger_;
  std::unique_ptr<log::Log> bare_;
  uint64_t seeded_ = 0;
  log::NoteSigner key_ = TestKey(3);
  std::vector<log::NoteVerifier> keys_ = {key_.verifier()};
};

TEST_F(BundleFoldTest, SeedScenarioFoldsIntoAValidHistory) {
  BundleReport r = SignExportVerify();
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(r.entries, seeded_);
  EXPECT_EQ(r.events_folded, seeded_);
  EXPECT_EQ(r.compacts, 2u);
}

TEST_F(BundleFoldTest, SignedEventThatDoesNotFoldIsNamed) {
  auto first = ledger_->log().GetEntry(0);
  ASSERT_THAT(first, IsOk());
  AppendRaw(first->entry.stream(), first->entry.payload());  // registers it twice
  BundleReport r = SignExportVerify();
  EXPECT_EQ(r.problem, BundleProblem::kEventDoesNotFold);
  EXPECT_EQ(r.sequence, seeded_);
  EXPECT_THAT(r.message, HasSubstr("event " + std::to_string(seeded_) + " ("));
  EXPECT_THAT(r.message, HasSubstr("does not fold"));
  EXPECT_THAT(r.message, HasSubstr("so the log itself is at fault"));
}

TEST_F(BundleFoldTest, PayloadThatIsNoDomainEventDoesNotFold) {
  google::protobuf::StringValue value;
  value.set_value("not an event");
  google::protobuf::Any any;
  any.PackFrom(value);
  AppendRaw("compact/x", any);
  BundleReport r = SignExportVerify();
  EXPECT_EQ(r.problem, BundleProblem::kEventDoesNotFold);
  EXPECT_THAT(r.message, HasSubstr("not a compact.v1.Event"));
  EXPECT_TRUE(SignExportVerify(/*fold=*/false).ok());
}

}  // namespace
}  // namespace ledger::audit
