// Subcommands over the generic log: verify, log, prove, consistency, root.
#include <iostream>
#include <limits>

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/time_util.h"
#include "ledger/log/verify.h"
#include "tools/ledgerctl/audit_commands.h"
#include "tools/ledgerctl/cli_common.h"

namespace ledger::cli {

namespace {

using nlohmann::json;

json HexList(const std::vector<log::Hash>& hashes) {
  json out = json::array();
  for (const auto& h : hashes) out.push_back(log::ToHex(h));
  return out;
}

// One entry as a JSON object: the proto JSON mapping of the stored Entry,
// beside its sequence and leaf hash.
json EntryJson(const log::StoredEntry& stored) {
  std::string entry_json;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = false;
  json out = {{"sequence", stored.sequence}, {"leafHash", log::ToHex(stored.leaf_hash)}};
  if (google::protobuf::util::MessageToJsonString(stored.entry, &entry_json, options).ok()) {
    out["entry"] = json::parse(entry_json);
  } else {
    // A payload type this build does not know: keep the envelope readable.
    ledger::v1::Entry envelope = stored.entry;
    const std::string type = envelope.payload().type_url();
    envelope.clear_payload();
    (void)google::protobuf::util::MessageToJsonString(envelope, &entry_json, options);
    out["entry"] = json::parse(entry_json);
    out["entry"]["payload"] = {{"@type", type}, {"unknownType", true}};
  }
  return out;
}

std::string EntryLine(const log::StoredEntry& stored) {
  const auto& e = stored.entry;
  return absl::StrCat("#", stored.sequence, "  ", Rfc3339(log::RecordedAt(e)), "  ", e.stream(), " v", e.stream_version(), "  actor=", e.actor(),
                      "  ", e.payload().type_url(), "  leaf=",
                      log::ToHex(stored.leaf_hash).substr(0, 16));
}

int RunVerify(const std::string& db, const std::string& bundle, const TrustFlags& trust,
              const std::string& format) {
  if (!bundle.empty()) return RunVerifyBundle(bundle, trust, format);
  if (db.empty()) {
    return Fail("verify", absl::InvalidArgumentError(
                              "give --db DIR, or --bundle FILE --key VERIFIERKEY"));
  }
  auto report = log::VerifyLogAt(db);
  if (!report.ok()) return FailOpen("verify", report.status());
  if (format == "json") {
    std::cout << json{{"verified", report->ok()},
                      {"entriesChecked", report->entries_checked},
                      {"treeSize", report->tree_size},
                      {"rootHash", log::ToHex(report->root)},
                      {"problem", log::ProblemName(report->problem)},
                      {"sequence", report->sequence},
                      {"message", report->message}}
                     .dump()
              << "\n";
  } else if (report->ok()) {
    std::cout << "verified: " << report->entries_checked << " entries; tree size "
              << report->tree_size << "; root " << log::ToHex(report->root) << "\n";
  } else {
    std::cout << "DOES NOT VERIFY: " << log::ProblemName(report->problem)
              << " at sequence " << report->sequence << ": " << report->message << "\n";
  }
  return report->ok() ? kExitOk : kExitTampered;
}

int RunLog(const std::string& db, uint64_t from, uint64_t limit, const std::string& format) {
  auto log = OpenExistingLog(db);
  if (!log.ok()) return FailOpen("log", log.status());
  if (from > (*log)->Size()) {
    return Fail("log", absl::InvalidArgumentError(absl::StrCat(
                           "--from ", from, " is beyond the log's ", (*log)->Size(),
                           " entries")));
  }
  absl::Status status = (*log)->ForEachEntry(from, limit, [&](const log::StoredEntry& e) {
    std::cout << (format == "json" ? EntryJson(e).dump() : EntryLine(e)) << "\n";
    return absl::OkStatus();
  });
  return status.ok() ? kExitOk : Fail("log", status);
}

int RunProve(const std::string& db, uint64_t sequence, std::optional<uint64_t> size,
             const std::string& format) {
  auto log = OpenExistingLog(db);
  if (!log.ok()) return FailOpen("prove", log.status());
  const uint64_t tree_size = size.value_or((*log)->Size());
  auto proof = (*log)->InclusionProof(sequence, tree_size);
  if (!proof.ok()) return Fail("prove", proof.status());
  auto root = (*log)->RootAt(tree_size);
  auto entry = (*log)->GetEntry(sequence);
  if (!root.ok()) return Fail("prove", root.status());
  if (!entry.ok()) return Fail("prove", entry.status());
  if (format == "json") {
    std::cout << json{{"leafIndex", sequence}, {"treeSize", tree_size},
                      {"leafHash", log::ToHex(entry->leaf_hash)},
                      {"rootHash", log::ToHex(*root)}, {"hashes", HexList(*proof)}}
                     .dump()
              << "\n";
    return kExitOk;
  }
  std::cout << "entry " << sequence << " in tree of size " << tree_size << "\nleaf hash "
            << log::ToHex(entry->leaf_hash) << "\nroot      " << log::ToHex(*root)
            << "\ninclusion proof (" << proof->size() << " hashes, leaf upwards):\n";
  for (const auto& h : *proof) std::cout << "  " << log::ToHex(h) << "\n";
  return kExitOk;
}

int RunConsistency(const std::string& db, uint64_t from, std::optional<uint64_t> to,
                   const std::string& format) {
  auto log = OpenExistingLog(db);
  if (!log.ok()) return FailOpen("consistency", log.status());
  const uint64_t second = to.value_or((*log)->Size());
  auto proof = (*log)->ConsistencyProof(from, second);
  if (!proof.ok()) return Fail("consistency", proof.status());
  auto first_root = (*log)->RootAt(from);
  auto second_root = (*log)->RootAt(second);
  if (!first_root.ok() || !second_root.ok()) {
    return Fail("consistency", first_root.ok() ? second_root.status() : first_root.status());
  }
  if (format == "json") {
    std::cout << json{{"firstSize", from}, {"secondSize", second},
                      {"firstRoot", log::ToHex(*first_root)},
                      {"secondRoot", log::ToHex(*second_root)}, {"hashes", HexList(*proof)}}
                     .dump()
              << "\n";
    return kExitOk;
  }
  std::cout << "tree " << from << " root " << log::ToHex(*first_root) << "\ntree " << second
            << " root " << log::ToHex(*second_root) << "\nconsistency proof ("
            << proof->size() << " hashes):\n";
  for (const auto& h : *proof) std::cout << "  " << log::ToHex(h) << "\n";
  return kExitOk;
}

int RunRoot(const std::string& db, std::optional<uint64_t> size, const std::string& format) {
  auto log = OpenExistingLog(db);
  if (!log.ok()) return FailOpen("root", log.status());
  const uint64_t tree_size = size.value_or((*log)->Size());
  auto root = (*log)->RootAt(tree_size);
  if (!root.ok()) return Fail("root", root.status());
  if (format == "json") {
    std::cout << json{{"treeSize", tree_size}, {"rootHash", log::ToHex(*root)}}.dump() << "\n";
  } else {
    std::cout << tree_size << " " << log::ToHex(*root) << "\n";
  }
  return kExitOk;
}

}  // namespace

void AddLogCommands(CLI::App& app, Commands& commands) {
  struct Options {
    std::string db;
    std::string format = "text";
    uint64_t from = 0;
    uint64_t limit = std::numeric_limits<uint64_t>::max();
    uint64_t sequence = 0;
    std::optional<uint64_t> size;
    std::optional<uint64_t> to;
    std::string bundle;
    std::vector<std::string> keys;
    std::string compact;
  };
  auto o = std::make_shared<Options>();

  CLI::App* verify = app.add_subcommand(
      "verify", "Recompute the whole hash chain and Merkle tree and report the first "
                "bad sequence (exit 1 if the log does not verify); with --bundle, check an "
                "audit bundle offline against trusted verifier keys");
  CLI::Option* verify_db = verify->add_option("--db", o->db, "Directory of the ledger database")
                               ->type_name("DIR");
  CLI::Option* verify_bundle =
      verify->add_option("--bundle", o->bundle, "Audit bundle file (instead of --db)")
          ->type_name("FILE")->excludes(verify_db);
  auto trust = std::make_shared<TrustFlags>();
  verify->add_option("--key", trust->keys, "Trusted verifier key; repeat for rotated keys")
      ->type_name("VERIFIERKEY")->needs(verify_bundle);
  AddTrustOptions(verify, trust.get(), verify_bundle);
  AddFormatOption(verify, &o->format);
  commands.push_back(
      {verify, [o, trust] { return RunVerify(o->db, o->bundle, *trust, o->format); }});

  CLI::App* log = app.add_subcommand("log", "Print entries by sequence");
  AddDbOption(log, &o->db);
  AddFormatOption(log, &o->format);
  log->add_option("--from", o->from, "First sequence (0-based)")->capture_default_str();
  log->add_option("--limit", o->limit, "At most this many entries");
  commands.push_back({log, [o] { return RunLog(o->db, o->from, o->limit, o->format); }});

  CLI::App* prove = app.add_subcommand(
      "prove", "RFC 9162 inclusion proof of one entry");
  AddDbOption(prove, &o->db);
  AddFormatOption(prove, &o->format);
  CLI::Option* seq = prove->add_option("--seq", o->sequence, "Sequence of the entry");
  CLI::Option* size = prove->add_option("--size", o->size, "Tree size to prove against (default: current)");
  CLI::Option* compact =
      prove->add_option("--compact", o->compact,
                        "Compact id: print one JSON proof of --event against the newest "
                        "signed checkpoint")
          ->excludes(seq)->excludes(size);
  CLI::Option* event =
      prove->add_option("--event", o->sequence, "Event number (its sequence, as `history` shows)")
          ->needs(compact);
  compact->needs(event);
  commands.push_back({prove, [o, seq, compact] {
                        if (compact->count() > 0) {
                          return RunProveCompact(o->db, o->compact, o->sequence);
                        }
                        if (seq->count() == 0) {
                          return Fail("prove", absl::InvalidArgumentError(
                                                   "give --seq N, or --compact ID --event N"));
                        }
                        return RunProve(o->db, o->sequence, o->size, o->format);
                      }});

  CLI::App* consistency = app.add_subcommand(
      "consistency", "RFC 9162 consistency proof between two tree sizes");
  AddDbOption(consistency, &o->db);
  AddFormatOption(consistency, &o->format);
  consistency->add_option("--from", o->from, "Older tree size")->required();
  consistency->add_option("--to", o->to, "Newer tree size (default: current)");
  commands.push_back(
      {consistency, [o] { return RunConsistency(o->db, o->from, o->to, o->format); }});

  CLI::App* root = app.add_subcommand("root", "Merkle root at a tree size");
  AddDbOption(root, &o->db);
  AddFormatOption(root, &o->format);
  root->add_option("--size", o->size, "Tree size (default: current)");
  commands.push_back({root, [o] { return RunRoot(o->db, o->size, o->format); }});
}

}  // namespace ledger::cli
