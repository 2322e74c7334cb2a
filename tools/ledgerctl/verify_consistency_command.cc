// `ledgerctl verify-consistency --old CHECKPOINT --new CHECKPOINT|BUNDLE|URL`:
// "was the log rewritten since I looked?". The newer view of the log is
// verified in full (a bundle with every entry; a published tile log with
// every hash tile up to its checkpoint), then an RFC 9162 consistency proof
// from the kept checkpoint to the newer one is computed from it and
// verified, offline for a bundle.
#include <sys/stat.h>

#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <span>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "ledger/audit/bundle_format.h"
#include "ledger/audit/bundle_verifier.h"
#include "ledger/base/status_macros.h"
#include "ledger/log/checkpoint.h"
#include "ledger/log/hash.h"
#include "ledger/log/merkle.h"
#include "ledger/log/proof_verify.h"
#include "ledger/tiles/http_fetcher.h"
#include "ledger/tiles/tile_fetcher.h"
#include "ledger/tiles/verified_tree.h"
#include "tools/ledgerctl/trust_options.h"
#include "tools/ledgerctl/witness_commands.h"

namespace ledger::cli {

namespace {

using nlohmann::json;

constexpr size_t kMaxCheckpointFileBytes = 1 << 20;

absl::StatusOr<std::string> ReadSmallFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in.is_open()) return absl::NotFoundError(absl::StrCat("cannot open ", path));
  std::string out(kMaxCheckpointFileBytes + 1, '\0');
  in.read(out.data(), static_cast<std::streamsize>(out.size()));
  if (in.bad()) return absl::UnavailableError(absl::StrCat("cannot read ", path));
  out.resize(static_cast<size_t>(in.gcount()));
  return out;
}

// The newer view of the log: its newest verified checkpoint and, unless it
// is a bare checkpoint, the nodes of its tree.
struct NewView {
  std::string description;  // "the bundle FILE", ...
  log::VerifiedCheckpoint checkpoint;
  std::string note;
  // The tree's nodes (null for a bare checkpoint); `leaves` or `tree` own them.
  log::NodeReader nodes;
  std::vector<log::Hash> leaves;
  std::optional<tiles::VerifiedTree> tree;
  // The bundle's signed checkpoint sizes, in order.
  std::vector<uint64_t> signed_sizes;
};

// The nodes of the tree of `leaves` (all of them held in memory).
log::NodeReader LeafNodes(const std::vector<log::Hash>* leaves) {
  return [leaves](uint8_t level, uint64_t index) -> absl::StatusOr<log::Hash> {
    const uint64_t begin = index << level, width = uint64_t{1} << level;
    if (begin + width > leaves->size()) return absl::NotFoundError("no such node");
    return log::ReferenceRoot(std::span<const log::Hash>(leaves->data() + begin, width));
  };
}

// A bundle that verifies in full, then its leaf hashes (a second pass).
absl::Status LoadBundle(const std::string& path, const Trust& trust, NewView& view) {
  audit::BundleOptions options;
  options.keys = trust.keys;
  options.origin = trust.origin;
  options.fold_events = false;  // the log's consistency, whatever its payloads
  LEDGER_ASSIGN_OR_RETURN(audit::BundleReport report, audit::VerifyBundleFile(path, options));
  if (!report.ok()) {
    return absl::DataLossError(absl::StrCat("the bundle does not verify: ",
                                            audit::BundleProblemName(report.problem), ", line ",
                                            report.line, ": ", ExplainCheckpointError(trust, absl::InvalidArgumentError(report.message))));
  }
  std::ifstream in(path, std::ios::binary);
  audit::LineReader reader(in);
  audit::BundleRecord record;
  std::string_view line;
  while (reader.Next(&line) == audit::LineReader::Result::kLine) {
    if (line.rfind("entry ", 0) != 0 && line.rfind("checkpoint ", 0) != 0) continue;
    LEDGER_RETURN_IF_ERROR(audit::ParseBodyLine(line, record));
    if (record.kind == audit::BundleRecord::Kind::kEntry) {
      view.leaves.push_back(log::LeafHash(record.bytes));
    } else if (view.signed_sizes.empty() || view.signed_sizes.back() != record.number) {
      view.signed_sizes.push_back(record.number);
    }
  }
  // The verifier accepted the entries up to the newest checkpoint only.
  view.leaves.resize(report.head.tree_size);
  view.note = report.latest_checkpoint;
  LEDGER_ASSIGN_OR_RETURN(view.checkpoint, log::VerifyCheckpoint(view.note, trust.keys, trust.origin));
  view.nodes = LeafNodes(&view.leaves);
  view.description = absl::StrCat("the bundle ", path);
  return absl::OkStatus();
}

absl::Status LoadPublished(const tiles::TileFetcher& fetch, const std::string& where,
                           const Trust& trust, NewView& view) {
  auto note = fetch("checkpoint");
  if (!note.ok()) return absl::Status(note.status().code(), absl::StrCat(where, ": ", note.status().message()));
  view.note = *std::move(note);
  LEDGER_ASSIGN_OR_RETURN(view.checkpoint, log::VerifyCheckpoint(view.note, trust.keys, trust.origin));
  const log::Checkpoint& c = view.checkpoint.checkpoint;
  LEDGER_ASSIGN_OR_RETURN(view.tree, tiles::VerifiedTree::Fetch(fetch, {c.tree_size, c.root}, nullptr));
  view.nodes = view.tree->Nodes();
  view.description = absl::StrCat("the log published at ", where);
  return absl::OkStatus();
}

absl::Status LoadNew(const std::string& source, const Trust& trust, NewView& view) {
  if (absl::StartsWith(source, "http://") || absl::StartsWith(source, "https://")) {
    LEDGER_ASSIGN_OR_RETURN(tiles::TileFetcher fetch, tiles::HttpFetcher(source));
    return LoadPublished(fetch, source, trust, view);
  }
  struct stat st;
  if (::stat(source.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
    return LoadPublished(tiles::DirectoryFetcher(source), source, trust, view);
  }
  LEDGER_ASSIGN_OR_RETURN(std::string head, ReadSmallFile(source));
  if (head.rfind(std::string(audit::kBundleFormatLine) + "\n", 0) == 0) {
    return LoadBundle(source, trust, view);
  }
  view.note = std::move(head);
  LEDGER_ASSIGN_OR_RETURN(view.checkpoint, log::VerifyCheckpoint(view.note, trust.keys, trust.origin));
  view.description = absl::StrCat("the checkpoint ", source);
  return absl::OkStatus();
}

struct Verdict {
  bool consistent = false;
  std::string message;
  size_t proof_hashes = 0;
};

// Whether `view` extends `old`; when not, where they part.
absl::StatusOr<Verdict> Compare(const log::Checkpoint& old, const NewView& view) {
  const log::Checkpoint& now = view.checkpoint.checkpoint;
  Verdict v;
  if (now.tree_size < old.tree_size) {
    v.message = absl::StrCat(view.description, " has tree size ", now.tree_size,
                             ", below your kept checkpoint's ", old.tree_size,
                             ": it does not extend it (the log was rolled back, or this view is "
                             "older than the one you kept)");
    return v;
  }
  if (view.nodes == nullptr) {
    if (now.tree_size != old.tree_size) {
      return absl::InvalidArgumentError(absl::StrCat(
          "two checkpoints of different sizes (", old.tree_size, " and ", now.tree_size,
          ") need a consistency proof between them: give --new an audit bundle or the URL (or "
          "directory) of the published log"));
    }
    v.consistent = now.root == old.root;
    v.message = v.consistent
                    ? absl::StrCat("both checkpoints sign the same tree of size ", now.tree_size)
                    : absl::StrCat("both checkpoints are of size ", now.tree_size,
                                   " but sign different roots (yours ", log::ToHex(old.root), ", ",
                                   view.description, " ", log::ToHex(now.root),
                                   "): the log shows two histories; keep both as evidence");
    return v;
  }
  LEDGER_ASSIGN_OR_RETURN(std::vector<log::Hash> proof,
                          log::BuildConsistencyProof(view.nodes, old.tree_size, now.tree_size));
  v.proof_hashes = proof.size();
  if (log::VerifyConsistency(old.tree_size, now.tree_size, proof, old.root, now.root).ok()) {
    v.consistent = true;
    v.message = absl::StrCat("the log at tree size ", now.tree_size, " extends your checkpoint of size ",
                             old.tree_size, " (RFC 9162 consistency proof of ", proof.size(),
                             " hashes, computed from ", view.description, ", verified)");
    return v;
  }
  LEDGER_ASSIGN_OR_RETURN(log::Hash actual, log::RootAt(view.nodes, old.tree_size));
  uint64_t first = now.tree_size;
  for (uint64_t size : view.signed_sizes) {
    if (size >= old.tree_size) {
      first = size;
      break;
    }
  }
  v.message = absl::StrCat(
      "the log was rewritten: its first ", old.tree_size, " entries now have root ",
      log::ToHex(actual), ", your kept checkpoint of size ", old.tree_size, " signs ",
      log::ToHex(old.root), "; the first signed checkpoint that contradicts yours is ",
      view.description, "'s of size ", first,
      ". Keep both checkpoints: signed by the same log, they are evidence of two histories");
  return v;
}

int RunVerifyConsistency(const std::string& old_file, const std::string& source,
                         const TrustFlags& flags, const std::string& format) {
  const std::string cmd = "verify-consistency";
  auto trust = LoadTrust(flags);
  if (!trust.ok()) {
    const bool unreadable = trust.status().code() == absl::StatusCode::kNotFound ||
                            trust.status().code() == absl::StatusCode::kUnavailable;
    return unreadable ? FailOpen(cmd, trust.status()) : Fail(cmd, trust.status());
  }
  auto old_note = ReadSmallFile(old_file);
  if (!old_note.ok()) return FailOpen(cmd, old_note.status());
  auto old = log::VerifyCheckpoint(*old_note, trust->keys, trust->origin);
  if (!old.ok()) {
    return Fail(cmd, absl::Status(old.status().code(),
                                  absl::StrCat("your kept checkpoint ", old_file, ": ",
                                               ExplainCheckpointError(*trust, old.status()))));
  }
  NewView view;
  if (absl::Status loaded = LoadNew(source, *trust, view); !loaded.ok()) {
    const absl::Status explained(loaded.code(), ExplainCheckpointError(*trust, loaded));
    return loaded.code() == absl::StatusCode::kNotFound || loaded.code() == absl::StatusCode::kUnavailable
               ? FailOpen(cmd, explained)
               : Fail(cmd, explained);
  }
  auto verdict = Compare(old->checkpoint, view);
  if (!verdict.ok()) return Fail(cmd, verdict.status());
  const WitnessVerdict witnesses = CheckWitnesses(*trust, view.note);
  const bool ok = verdict->consistent && witnesses.status.ok();
  if (format == "json") {
    std::cout << json{{"consistent", verdict->consistent}, {"verified", ok},
                      {"message", verdict->message}, {"origin", trust->origin},
                      {"oldTreeSize", old->checkpoint.tree_size},
                      {"oldRootHash", log::ToHex(old->checkpoint.root)},
                      {"newTreeSize", view.checkpoint.checkpoint.tree_size},
                      {"newRootHash", log::ToHex(view.checkpoint.checkpoint.root)},
                      {"proofHashes", verdict->proof_hashes},
                      {"witnesses", WitnessJson(witnesses)}}
                     .dump()
              << "\n";
  } else {
    std::cout << (verdict->consistent ? "consistent: " : "DOES NOT VERIFY: ") << verdict->message
              << "\n";
    if (verdict->consistent) {
      std::cout << "  " << (witnesses.status.ok() ? "" : "DOES NOT VERIFY: ") << "newer checkpoint: "
                << witnesses.summary << "\n";
    }
  }
  return ok ? kExitOk : kExitTampered;
}

}  // namespace

void AddVerifyConsistencyCommand(CLI::App& app, Commands& commands) {
  struct Options {
    std::string old_file, source, format = "text";
    TrustFlags trust;
  };
  auto o = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand(
      "verify-consistency",
      "Was the log rewritten since you kept a checkpoint? Proves (RFC 9162 consistency) that a "
      "newer view of the log extends it, or says where they part (exit 1)");
  cmd->add_option("--old", o->old_file, "The signed checkpoint you kept")->required()->type_name("FILE");
  cmd->add_option("--new", o->source,
                  "The newer view: an audit bundle, a signed checkpoint of the same size, or a "
                  "published tile log (http(s) URL or directory)")
      ->required()->type_name("BUNDLE|CHECKPOINT|URL");
  cmd->add_option("--key", o->trust.keys, "Trusted verifier key; repeat for rotated keys")
      ->type_name("VERIFIERKEY");
  AddTrustOptions(cmd, &o->trust);
  AddFormatOption(cmd, &o->format);
  commands.push_back({cmd, [o] { return RunVerifyConsistency(o->old_file, o->source, o->trust, o->format); }});
}

}  // namespace ledger::cli
