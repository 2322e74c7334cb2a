// The bundle verifier's fast paths give exactly what the plain ones give:
// the interleaved hashes and the batched tree (OpenSSL, log::CompactRange),
// the base64 decoder (absl), the entry scan (protobuf), and the two-stage
// pipeline, whatever its block size and threading (the reports of a single
// pass on tampered and truncated bundles).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>
#include <sstream>

#include "absl/strings/escaping.h"
#include "ledger/audit/bundle_format.h"
#include "ledger/audit/bundle_pipeline.h"
#include "ledger/audit/tree_builder.h"
#include "ledger/compact_ledger.h"
#include "ledger/log/compact_range.h"
#include "ledger/log/multi_hash.h"
#include "ledger/scenario_file.h"
#include "tests/ledger/audit/audit_test_util.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/test_paths.h"

using ::ledger::testing::IsOk;
using ::ledger::testing::SourcePath;

namespace ledger::audit {
namespace {

using namespace ::ledger::audit::testing;  // NOLINT: test helpers
using internal::PipelineOptions;

std::string RandomBytes(std::mt19937_64& rng, size_t n) {
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(rng());
  return s;
}

TEST(BundleFastHashTest, LeavesMatchLogLeafHash) {
  std::mt19937_64 rng(1);
  std::vector<std::string> entries;
  for (size_t n = 0; n < 400; ++n) entries.push_back(RandomBytes(rng, n));
  for (int i = 0; i < 100; ++i) entries.push_back(RandomBytes(rng, rng() % 5000));
  std::shuffle(entries.begin(), entries.end(), rng);
  const std::vector<std::string_view> views(entries.begin(), entries.end());
  for (size_t count : {size_t{0}, size_t{1}, size_t{3}, size_t{5}, views.size()}) {
    std::vector<log::Hash> out(count);
    log::LeafHashes(views.data(), count, out.data());
    for (size_t i = 0; i < count; ++i) {
      ASSERT_EQ(out[i], log::LeafHash(views[i])) << "entry of " << views[i].size() << " bytes";
    }
  }
}

TEST(BundleFastHashTest, NodesMatchLogNodeHash) {
  std::mt19937_64 rng(2);
  std::vector<log::Hash> hashes(64);
  for (auto& h : hashes) {
    for (auto& b : h) b = static_cast<uint8_t>(rng());
  }
  std::vector<log::NodeChildren> children;
  for (size_t i = 0; i < 63; ++i) children.push_back({&hashes[i], &hashes[(i * 7 + 1) % 64]});
  std::vector<log::Hash> out(children.size());
  log::NodeHashes(children.data(), children.size(), out.data());
  for (size_t i = 0; i < children.size(); ++i) {
    EXPECT_EQ(out[i], log::NodeHash(*children[i].left, *children[i].right)) << i;
  }
}

TEST(BundleTreeBuilderTest, RootsMatchCompactRange) {
  std::mt19937_64 rng(3);
  internal::TreeBuilder tree;
  log::CompactRange range;
  EXPECT_EQ(tree.Root(), range.Root());
  for (uint64_t i = 0; i < 5000; ++i) {
    log::Hash leaf;
    for (auto& b : leaf) b = static_cast<uint8_t>(rng());
    tree.Append(leaf);
    range.Append(leaf, nullptr);
    // Roots at every size at first, then at random ones (each flushes).
    if (i < 300 || rng() % 97 == 0) {
      ASSERT_EQ(tree.Root(), range.Root()) << "size " << i + 1;
    }
  }
  EXPECT_EQ(tree.size(), range.size());
  EXPECT_EQ(tree.Root(), range.Root());
}

// ParseBodyLine's decoding against absl::Base64Unescape, the reference.
void ExpectDecodesLikeAbsl(const std::string& b64) {
  BundleRecord record;
  const absl::Status status = ParseBodyLine("entry 1 " + b64, record);
  std::string expected;
  const bool ok = !b64.empty() && b64.size() % 4 == 0 &&
                  absl::Base64Unescape(b64, &expected);
  ASSERT_EQ(status.ok(), ok) << "\"" << b64 << "\"";
  if (ok) {
    ASSERT_EQ(record.bytes, expected) << b64;
  }
}

TEST(BundleBase64Test, FastDecodingMatchesAbsl) {
  const std::string digits =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  // Every padded last group, alone and after runs long enough for the
  // vector decoder.
  const std::string prefix(80, 'Q');
  for (char a : digits) {
    for (char b : digits) {
      const std::string group = std::string{a, b} + "==";
      ExpectDecodesLikeAbsl(group);
      ExpectDecodesLikeAbsl(prefix + group);
      ExpectDecodesLikeAbsl(prefix + std::string{a, b, 'x', '='});
    }
  }
  for (char c : digits) ExpectDecodesLikeAbsl(prefix + std::string{'Q', 'U', c, '='});
  // Every byte value at every place of a line of 44 groups (vector runs,
  // scalar groups and the last group).
  std::mt19937_64 rng(4);
  const std::string bytes = RandomBytes(rng, 132);
  const std::string good = absl::Base64Escape(bytes);
  ASSERT_EQ(good.size(), 176u);
  for (size_t at = 0; at < good.size(); ++at) {
    for (int c = 1; c < 256; ++c) {
      std::string bad = good;
      bad[at] = static_cast<char>(c);
      ExpectDecodesLikeAbsl(bad);
    }
  }
  // Whitespace, padding in the middle, odd lengths, random text.
  for (const std::string s :
       {"QUFB QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUF ", "QUFB\nQUFB\tQUF", "QQ==QUFB", "====",
        "Q===", "QQ=A", "QUFBQ===", "QUFB====", "QQ", "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB"}) {
    ExpectDecodesLikeAbsl(s);
  }
  for (int i = 0; i < 2000; ++i) {
    std::string s = absl::Base64Escape(RandomBytes(rng, rng() % 300));
    if (!s.empty() && rng() % 2 == 0) s[rng() % s.size()] = digits[rng() % 64];
    if (!s.empty() && rng() % 4 == 0) s[rng() % s.size()] = static_cast<char>(rng());
    ExpectDecodesLikeAbsl(s);
  }
}

// Everything a report says, for comparison.
std::string Describe(const absl::StatusOr<BundleReport>& r) {
  if (!r.ok()) return "status: " + r.status().ToString();
  std::ostringstream out;
  out << BundleProblemName(r->problem) << "|" << r->message << "|"
      << (r->sequence ? std::to_string(*r->sequence) : "-") << "|"
      << (r->checkpoint ? std::to_string(*r->checkpoint) : "-") << "|" << r->line << "|"
      << r->origin << "|" << r->entries << "|" << r->checkpoints << "|" << r->head.tree_size
      << "|" << log::ToHex(r->head.root) << "|" << r->events_folded << "|" << r->compacts;
  for (const KeyUse& k : r->keys) {
    out << "|" << k.label << " " << k.checkpoints << " " << k.first_tree_size << " "
        << k.last_tree_size;
  }
  for (const std::string& w : r->warnings) out << "|" << w;
  return out.str();
}

const std::vector<PipelineOptions>& Variants() {
  static const std::vector<PipelineOptions> variants = {
      {.block_lines = 1024, .inline_first_block = true, .single_thread = true},
      {.block_lines = 1, .inline_first_block = false, .single_thread = false},
      {.block_lines = 3, .inline_first_block = false, .single_thread = false},
      {.block_lines = 5, .inline_first_block = true, .single_thread = false},
      {.block_lines = 7, .inline_first_block = true, .single_thread = true}};
  return variants;
}

// The default pipeline's report, after checking that every variant gives
// the same.
std::string VerifyAllWays(const std::string& bundle, const std::vector<log::NoteVerifier>& keys,
                          bool fold, const std::vector<PipelineOptions>& variants = Variants()) {
  BundleOptions options;
  options.keys = keys;
  options.fold_events = fold;
  std::istringstream in(bundle);
  const std::string expected = Describe(VerifyBundle(in, options));
  for (const PipelineOptions& variant : variants) {
    std::istringstream again(bundle);
    EXPECT_EQ(Describe(internal::VerifyBundleWith(again, options, variant)), expected)
        << "block_lines " << variant.block_lines << ", inline first "
        << variant.inline_first_block << ", single thread " << variant.single_thread;
  }
  return expected;
}

class BundlePipelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log_ = OpenLog(dir_.Sub("db"));
    for (int n : {7, 1, 12, 9, 3}) {
      AppendEntries(*log_, n);
      SignHead(*log_, {key_});
    }
    bundle_ = Export(*log_, keys_);
    lines_ = Lines(bundle_);
  }

  ledger::testing::TempDir dir_;
  std::unique_ptr<log::Log> log_;
  log::NoteSigner key_ = TestKey(1);
  std::vector<log::NoteVerifier> keys_ = {key_.verifier()};
  std::string bundle_;
  std::vector<std::string> lines_;
};

TEST_F(BundlePipelineTest, GoodBundleVerifiesEveryWay) {
  EXPECT_THAT(VerifyAllWays(bundle_, keys_, false), ::testing::StartsWith("none|"));
  EXPECT_THAT(VerifyAllWays(bundle_, keys_, true),
              ::testing::StartsWith("event-does-not-fold|"));
}

TEST_F(BundlePipelineTest, TamperedBundlesAreReportedAlikeEveryWay) {
  std::mt19937_64 rng(6);
  std::vector<int> entry_lines;
  for (size_t i = 0; i < lines_.size(); ++i) {
    if (lines_[i].rfind("entry ", 0) == 0) entry_lines.push_back(static_cast<int>(i));
  }
  ASSERT_EQ(entry_lines.size(), 32u);
  std::vector<std::string> bundles;
  for (int i = 0; i < 400; ++i) {
    std::vector<std::string> lines = lines_;
    const size_t pick = rng() % entry_lines.size();
    const int at = entry_lines[pick];
    switch (rng() % 8) {
      case 0:  // a changed character, in any line after the header
        {
          std::string& line = lines[3 + rng() % (lines.size() - 3)];
          line[rng() % line.size()] = "AZaz09+/= x"[rng() % 11];
        }
        break;
      case 1:  // an altered entry
        {
          ledger::v1::Entry entry = EntryOfLine(lines[at]);
          entry.set_actor("mallory");
          lines[at] = EntryLine(pick, entry);
        }
        break;
      case 2:
        lines.erase(lines.begin() + at);
        break;
      case 3:
        lines.insert(lines.begin() + at, lines[at]);
        break;
      case 4:
        std::swap(lines[at], lines[entry_lines[rng() % entry_lines.size()]]);
        break;
      case 5:
        lines.insert(lines.begin() + at, "entry 3 " + lines[at].substr(lines[at].rfind(' ') + 1));
        break;
      case 6:
        lines.back() = "end " + std::to_string(rng() % 40) + " 5";
        break;
      default:
        lines[at] += "\r";
        break;
    }
    bundles.push_back(Join(lines));
  }
  for (const std::string& bundle : bundles) {
    VerifyAllWays(bundle, keys_, false);
    VerifyAllWays(bundle, keys_, true);
  }
}

TEST_F(BundlePipelineTest, TruncationAtEveryByteIsReportedAlikeEveryWay) {
  // A thread and blocks of three lines: every cut falls at every place of
  // a block.
  const std::vector<PipelineOptions> threaded = {Variants()[2]};
  for (size_t cut = 1; cut < bundle_.size(); ++cut) {
    const std::string bundle = bundle_.substr(0, cut);
    const std::string report = VerifyAllWays(bundle, keys_, false, threaded);
    EXPECT_THAT(report, ::testing::Not(::testing::StartsWith("none|"))) << "cut at " << cut;
  }
}

TEST(BundlePipelineFoldTest, ScenarioFoldsAlikeEveryWay) {
  ledger::testing::TempDir dir;
  log::LogOptions options;
  options.path = dir.Sub("db");
  auto ledger = CompactLedger::Open(options);
  ASSERT_THAT(ledger, IsOk());
  auto scenario = ReadScenarioFile(SourcePath("scenarios/worcestershire.jsonl"));
  ASSERT_THAT(scenario, IsOk());
  ASSERT_THAT(
      (*ledger)->Record(scenario->commands, "test", scenario->request_ids, scenario->labels),
      IsOk());
  const log::NoteSigner key = TestKey(3);
  SignHead((*ledger)->log(), {key});
  const std::vector<log::NoteVerifier> keys = {key.verifier()};
  const std::string bundle = Export((*ledger)->log(), keys);
  EXPECT_THAT(VerifyAllWays(bundle, keys, true), ::testing::StartsWith("none|"));
  // An event registered twice does not fold, wherever the blocks end. (An
  // open ledger refuses it: it is written to the bare log, the ledger closed.)
  auto first = (*ledger)->log().GetEntry(0);
  ASSERT_THAT(first, IsOk());
  ledger->reset();
  auto bare = OpenLog(options.path);
  ASSERT_NE(bare, nullptr);
  log::AppendRequest request;
  request.stream = first->entry.stream();
  request.actor = "mallory";
  request.payload = first->entry.payload();
  ASSERT_THAT(bare->Append(request), IsOk());
  SignHead(*bare, {key});
  EXPECT_THAT(VerifyAllWays(Export(*bare, keys), keys, true),
              ::testing::StartsWith("event-does-not-fold|"));
}

}  // namespace
}  // namespace ledger::audit
