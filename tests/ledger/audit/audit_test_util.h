// Helpers for the audit tests: small logs with signed checkpoints, their
// bundles as text, and line edits to tamper with them.
#ifndef LEDGER_TESTS_LEDGER_AUDIT_AUDIT_TEST_UTIL_H_
#define LEDGER_TESTS_LEDGER_AUDIT_AUDIT_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/wrappers.pb.h"
#include "ledger/audit/bundle_verifier.h"
#include "ledger/audit/bundle_writer.h"
#include "ledger/audit/checkpointer.h"
#include "ledger/log/log.h"
#include "ledger/log/signed_note.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace ledger::audit::testing {

inline constexpr char kOrigin[] = "test.example/ledger";

// A deterministic key named `name` from a one-byte seed pattern.
inline log::NoteSigner TestKey(uint8_t seed_byte, const std::string& name = kOrigin) {
  log::Ed25519Seed seed;
  seed.fill(seed_byte);
  return *log::NoteSigner::FromSeed(name, seed);
}

inline std::unique_ptr<log::Log> OpenLog(const std::string& path) {
  log::LogOptions options;
  options.path = path;
  auto log = log::Log::Open(options);
  EXPECT_THAT(log, ::ledger::testing::IsOk());
  return log.ok() ? *std::move(log) : nullptr;
}

// Appends `n` entries with StringValue payloads "<tag> <i>".
inline void AppendEntries(log::Log& log, int n, const std::string& tag = "entry") {
  for (int i = 0; i < n; ++i) {
    google::protobuf::StringValue value;
    value.set_value(tag + " " + std::to_string(log.Size()));
    log::AppendRequest request;
    request.stream = "compact/x";
    request.actor = "clerk";
    request.payload.PackFrom(value);
    ASSERT_THAT(log.Append(request), ::ledger::testing::IsOk());
  }
}

inline void SignHead(log::Log& log, const std::vector<log::NoteSigner>& signers,
                     const std::string& origin = kOrigin) {
  auto published = PublishCheckpoint(log, signers, origin);
  ASSERT_THAT(published, ::ledger::testing::IsOk());
}

// Appends 20 entries to `log`, signing a checkpoint with `key` after every
// fifth: checkpoints 0..3 of tree sizes 5, 10, 15, 20.
inline void AppendTwentyWithFourCheckpoints(log::Log& log, const log::NoteSigner& key) {
  for (int i = 0; i < 4; ++i) {
    AppendEntries(log, 5);
    SignHead(log, {key});
  }
}

inline std::string Export(const log::Log& log, const std::vector<log::NoteVerifier>& keys) {
  std::ostringstream out;
  auto summary = WriteBundle(log, keys, out);
  EXPECT_THAT(summary, ::ledger::testing::IsOk());
  return out.str();
}

inline BundleReport Verify(const std::string& bundle, const std::vector<log::NoteVerifier>& keys,
                           bool fold = false) {
  std::istringstream in(bundle);
  BundleOptions options;
  options.keys = keys;
  options.fold_events = fold;
  auto report = VerifyBundle(in, options);
  EXPECT_THAT(report, ::ledger::testing::IsOk());
  return report.ok() ? *std::move(report) : BundleReport{};
}

// The lines of a bundle without their "\n" (the text ends in one).
inline std::vector<std::string> Lines(const std::string& bundle) {
  std::vector<std::string> lines = absl::StrSplit(bundle, '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines;
}

inline std::string Join(const std::vector<std::string>& lines) {
  return absl::StrJoin(lines, "\n") + "\n";
}

// Index in `lines` of the line starting with `prefix`; -1 when none.
inline int Find(const std::vector<std::string>& lines, const std::string& prefix) {
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].rfind(prefix, 0) == 0) return static_cast<int>(i);
  }
  return -1;
}

// Decodes the entry of an "entry N <base64>" line.
inline ledger::v1::Entry EntryOfLine(const std::string& line) {
  std::string bytes;
  EXPECT_TRUE(absl::Base64Unescape(line.substr(line.rfind(' ') + 1), &bytes));
  ledger::v1::Entry entry;
  EXPECT_TRUE(entry.ParseFromString(bytes));
  return entry;
}

inline std::string EntryLine(uint64_t sequence, const ledger::v1::Entry& entry) {
  return "entry " + std::to_string(sequence) + " " +
         absl::Base64Escape(entry.SerializeAsString());
}

}  // namespace ledger::audit::testing

#endif  // LEDGER_TESTS_LEDGER_AUDIT_AUDIT_TEST_UTIL_H_
