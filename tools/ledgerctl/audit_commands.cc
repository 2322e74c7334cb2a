// Auditing subcommands: keygen, checkpoint, export-bundle (from a database or
// a running server), verify-proof, and the runners of `verify --bundle` and
// `prove --compact`.
#include "tools/ledgerctl/audit_commands.h"

#include <algorithm>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "ledger/audit/bundle_verifier.h"
#include "ledger/audit/bundle_writer.h"
#include "ledger/audit/checkpointer.h"
#include "ledger/audit/entry_proof.h"
#include "ledger/audit/key_file.h"
#include "ledger/audit/proof_json.h"
#include "ledger/base/status_macros.h"
#include "ledger/checkpointing/checkpoint_publisher.h"
#include "ledger/compact/render.h"
#include "ledger/compact_ledger.h"
#include "ledger/log/checkpoint.h"
#include "services/client.h"
#include "tools/ledgerctl/service_commands.h"
#include "tools/ledgerctl/trust_options.h"

namespace ledger::cli {

namespace {

using nlohmann::json;

// Trusted verifier keys from --key. InvalidArgument naming the bad one.
absl::StatusOr<std::vector<log::NoteVerifier>> ParseKeys(const std::vector<std::string>& keys) {
  if (keys.empty()) {
    return absl::InvalidArgumentError(
        "give the log's verifier key with --key NAME+KEYID+BASE64 (repeat it for rotated keys)");
  }
  std::vector<log::NoteVerifier> out;
  for (const auto& text : keys) {
    auto key = log::NoteVerifier::FromKeyString(text);
    if (!key.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--key \"", text, "\" is not a verifier key: ", key.status().message()));
    }
    out.push_back(*std::move(key));
  }
  return out;
}

// Reading a key file: missing or unreadable -> 3, anything else -> 2.
int FailKeyFile(const std::string& command, const absl::Status& status) {
  const bool unreadable = status.code() == absl::StatusCode::kNotFound ||
                          status.code() == absl::StatusCode::kUnavailable;
  return unreadable ? FailOpen(command, status) : Fail(command, status);
}

absl::StatusOr<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in.is_open()) return absl::NotFoundError(absl::StrCat("cannot open ", path));
  std::ostringstream s;
  s << in.rdbuf();
  if (in.bad()) return absl::UnavailableError(absl::StrCat("cannot read ", path));
  return s.str();
}

int RunKeygen(const std::string& name, const std::string& out) {
  auto signer = log::NoteSigner::Generate(name);
  if (!signer.ok()) return Fail("keygen", signer.status());
  absl::Status written = audit::WritePrivateKeyFile(out, *signer);
  if (!written.ok()) {
    return written.code() == absl::StatusCode::kAlreadyExists ? Fail("keygen", written)
                                                                : FailOpen("keygen", written);
  }
  std::cout << signer->verifier().KeyString() << "\n";
  std::cerr << "private key written to " << out << " (mode 0600; keep it secret)\n"
            << "publish the verifier key above: auditors pass it to "
               "`ledgerctl verify --bundle FILE --key KEY`\n";
  return kExitOk;
}

int PrintStoredCheckpoint(const std::string& db, std::optional<uint64_t> size) {
  auto log = OpenExistingLog(db);
  if (!log.ok()) return FailOpen("checkpoint", log.status());
  auto note = size.has_value() ? (*log)->GetCheckpoint(*size) : (*log)->LatestCheckpoint();
  if (!note.ok()) return FailOpen("checkpoint", note.status());
  if (!note->has_value()) {
    return Fail("checkpoint", absl::NotFoundError(absl::StrCat(
                                  "no signed checkpoint is stored",
                                  size.has_value() ? absl::StrCat(" for tree size ", *size) : "",
                                  "; sign one with `ledgerctl checkpoint --db ", db,
                                  " --sign-key FILE --origin ORIGIN`")));
  }
  std::cout << **note;
  return kExitOk;
}

struct CheckpointFlags {
  std::string db;
  std::vector<std::string> key_files;
  std::string origin;
  std::optional<uint64_t> size;
  std::string witness_policy;
  std::string witness_deadline = "5s";
};

// Signs and stores a checkpoint, first asking the policy's witnesses to
// cosign it when a policy is given. Exit 1, storing nothing, when their
// quorum is not met (the witnesses that did not cosign are named).
int RunCheckpoint(const CheckpointFlags& f) {
  if (f.key_files.empty()) {
    if (!f.origin.empty()) {
      return Fail("checkpoint", absl::InvalidArgumentError("--origin needs --sign-key"));
    }
    if (!f.witness_policy.empty()) {
      return Fail("checkpoint", absl::InvalidArgumentError(
                                    "--witness-policy needs --sign-key: witnesses cosign a "
                                    "checkpoint as it is signed"));
    }
    return PrintStoredCheckpoint(f.db, f.size);
  }
  if (f.size.has_value()) {
    return Fail("checkpoint", absl::InvalidArgumentError(
                                  "--size picks a stored checkpoint to print; a new one is "
                                  "always signed at the current tree size"));
  }
  checkpointing::CheckpointPublisherOptions options;
  options.origin = f.origin;
  options.messages = &std::cerr;
  if (!absl::ParseDuration(f.witness_deadline, &options.witness_deadline) ||
      options.witness_deadline <= absl::ZeroDuration()) {
    return Fail("checkpoint", absl::InvalidArgumentError(absl::StrCat(
                                  "--witness-deadline \"", f.witness_deadline,
                                  "\" is not a positive duration: give e.g. 500ms, 5s")));
  }
  for (const auto& file : f.key_files) {
    auto signer = audit::ReadPrivateKeyFile(file);
    if (!signer.ok()) return FailKeyFile("checkpoint", signer.status());
    options.signers.push_back(*std::move(signer));
  }
  std::optional<witness::Policy> policy;
  if (!f.witness_policy.empty()) {
    auto read = witness::ReadPolicyFile(f.witness_policy);
    if (!read.ok()) return FailInputOrOpen("checkpoint", read.status());
    policy = *read;
    options.witnesses = *std::move(read);
  }
  auto log = OpenExistingLog(f.db, /*read_only=*/false);
  if (!log.ok()) return FailOpen("checkpoint", log.status());
  auto publisher = checkpointing::CheckpointPublisher::Create(**log, std::move(options));
  if (!publisher.ok()) return Fail("checkpoint", publisher.status());
  auto published = (*publisher)->PublishNow();
  if (!published.ok()) return Fail("checkpoint", published.status());
  const audit::PublishedCheckpoint& c = published->checkpoint;
  if (published->stored) std::cout << c.note;
  std::cerr << (!published->stored ? "NOT stored (its witness quorum is not met):"
                : c.created        ? "signed and stored"
                                   : "already stored:")
            << " checkpoint of tree size " << c.head.tree_size << " for " << c.origin << "\n";
  if (!published->cosigning.has_value()) {
    if (!policy.has_value()) return kExitOk;
    // Already stored (nothing new to sign): the policy still decides the
    // exit code, by the cosignatures the stored note holds.
    auto quorum = policy->EvaluateCosignatures(c.note);
    if (!quorum.ok()) return Fail("checkpoint", quorum.status());
    if (quorum->met) {
      std::cerr << "quorum met: cosigned by " << absl::StrJoin(quorum->cosigned, ", ") << "\n";
      return kExitOk;
    }
    std::cerr << "quorum NOT met by the stored checkpoint: " << quorum->explanation
              << "; a stored checkpoint cannot gain cosignatures: sign again with these "
                 "witnesses once the log has grown\n";
    return kExitTampered;
  }
  const witness::CosigningResult& r = *published->cosigning;
  if (r.quorum.met) {
    std::cerr << "cosigned by " << r.Cosigned() << "; quorum met\n";
  } else {
    std::cerr << "quorum NOT met: " << r.quorum.explanation << "\n";
  }
  for (const witness::WitnessOutcome& o : r.outcomes) {
    if (!o.status.ok()) std::cerr << "  not cosigned: " << o.status.message() << "\n";
  }
  return r.quorum.met ? kExitOk : kExitTampered;
}

// A running server's log as a bundle source, read over LedgerService: the
// signed checkpoints first (ListCheckpoints; notes are small, so they are
// kept), then the entries up to the newest of them in ONE ReadLog stream,
// handed to the bundle writer range by range as it asks (it asks in order).
// The bundle is then byte for byte what `--db` writes of the same log.
class ServerSource final : public audit::BundleSource {
 public:
  explicit ServerSource(services::LedgerClient& client) : client_(client) {}
  ~ServerSource() override {
    if (reader_ != nullptr) {  // stopped early: end the stream
      entries_context_->TryCancel();
      grpc::Status cancelled = reader_->Finish();
      (void)cancelled;
    }
  }

  // Lists the checkpoints and the log's size; collects the verifier keys
  // the server reports for their signers.
  absl::Status Load() {
    auto context = client_.NewStreamContext();
    auto reader = client_.ledger().ListCheckpoints(context.get(), {});
    ledger::v1::Checkpoint checkpoint;
    while (reader->Read(&checkpoint)) {
      for (const auto& key : checkpoint.signer_keys()) {
        if (std::find(signer_keys_.begin(), signer_keys_.end(), key) == signer_keys_.end()) {
          signer_keys_.push_back(key);
        }
      }
      checkpoints_.emplace_back(checkpoint.tree_size(), checkpoint.note());
    }
    LEDGER_RETURN_IF_ERROR(services::FromGrpcStatus(reader->Finish()));
    // The size now, via a consistency proof from the newest checkpoint: it
    // is at least that checkpoint's size, so every listed one is covered.
    ledger::v1::GetConsistencyProofRequest request;
    request.set_first_size(checkpoints_.empty() ? 0 : checkpoints_.back().first);
    auto proof = client_.Call(&ledger::v1::LedgerService::Stub::GetConsistencyProof,
                              client_.ledger(), request);
    if (!proof.ok()) return proof.status();
    size_ = proof->proof().second_size();
    return absl::OkStatus();
  }

  const std::vector<std::string>& signer_keys() const { return signer_keys_; }

  absl::StatusOr<uint64_t> Size() override { return size_; }
  absl::StatusOr<std::optional<std::string>> LatestCheckpoint() override {
    if (checkpoints_.empty()) return std::optional<std::string>();
    return std::optional<std::string>(checkpoints_.back().second);
  }
  absl::Status ForEachCheckpoint(
      const std::function<absl::Status(uint64_t, const std::string&)>& visit) override {
    for (const auto& [size, note] : checkpoints_) LEDGER_RETURN_IF_ERROR(visit(size, note));
    return absl::OkStatus();
  }
  absl::Status ForEachEntry(
      uint64_t from, uint64_t count,
      const std::function<absl::Status(uint64_t, std::string_view)>& visit) override {
    if (from != next_) {
      return absl::InternalError(absl::StrCat("entries asked from ", from, ", the stream is at ",
                                              next_));
    }
    if (count == 0) return absl::OkStatus();
    const uint64_t end = checkpoints_.empty() ? 0 : checkpoints_.back().first;
    if (from + count > end) {
      return absl::InternalError(absl::StrCat("entries asked up to ", from + count,
                                              ", beyond the newest checkpoint's ", end));
    }
    if (reader_ == nullptr) {
      ledger::v1::ReadLogRequest request;
      request.set_from_sequence(from);
      request.set_limit(end - from);
      entries_context_ = client_.NewStreamContext();
      reader_ = client_.ledger().ReadLog(entries_context_.get(), request);
    }
    ledger::v1::LogEntry entry;
    for (uint64_t i = 0; i < count; ++i) {
      if (!reader_->Read(&entry)) {
        absl::Status status = services::FromGrpcStatus(reader_->Finish());
        reader_.reset();
        LEDGER_RETURN_IF_ERROR(status);
        return absl::UnavailableError(absl::StrCat(
            "the server's log ended at entry ", next_, ", before entry ", from + count));
      }
      ++next_;
      LEDGER_RETURN_IF_ERROR(visit(entry.sequence(), entry.entry_bytes()));
    }
    if (next_ == end) {  // all read: the stream has nothing more, then its status
      const bool more = reader_->Read(&entry);
      absl::Status status = services::FromGrpcStatus(reader_->Finish());
      reader_.reset();
      LEDGER_RETURN_IF_ERROR(status);
      if (more) return absl::DataLossError("the server sent more entries than asked for");
    }
    return absl::OkStatus();
  }
  std::string NoCheckpointAdvice() const override {
    return "the server signs checkpoints when started with `ledgerctl serve --sign-key FILE "
           "--origin ORIGIN`";
  }

 private:
  services::LedgerClient& client_;
  std::vector<std::pair<uint64_t, std::string>> checkpoints_;
  std::vector<std::string> signer_keys_;
  uint64_t size_ = 0;
  std::unique_ptr<grpc::ClientContext> entries_context_;
  std::unique_ptr<grpc::ClientReader<ledger::v1::LogEntry>> reader_;
  uint64_t next_ = 0;  // sequence of the next entry the stream gives
};

// Where export-bundle reads from, and its client options for --server.
struct ExportFlags {
  services::ClientOptions client;
  std::string token_file;
};

int ReportExport(const std::string& out, const absl::StatusOr<audit::BundleSummary>& summary,
                 const std::string& advice) {
  if (!summary.ok()) {
    return summary.status().code() == absl::StatusCode::kUnavailable
               ? FailOpen("export-bundle", summary.status())
               : Fail("export-bundle", summary.status());
  }
  std::cout << "wrote " << out << ": " << summary->entries << " entries, "
            << summary->checkpoints << " signed checkpoints; origin " << summary->origin
            << "; tree size " << summary->head.tree_size << ", root "
            << log::ToHex(summary->head.root) << "\n";
  if (summary->unsigned_entries > 0) {
    std::cout << "note: the " << summary->unsigned_entries
              << " newest entries are not covered by a signed checkpoint and are not in the "
                 "bundle; "
              << advice << "\n";
  }
  return kExitOk;
}

int RunExportBundle(const std::string& db, const ExportFlags& f, const std::string& out,
                    const std::vector<std::string>& key_strings) {
  if (db.empty() == f.client.target.empty()) {
    return Fail("export-bundle",
                absl::InvalidArgumentError("give --db DIR or --server ADDR (one of them)"));
  }
  std::vector<log::NoteVerifier> keys;
  if (!key_strings.empty()) {
    auto parsed = ParseKeys(key_strings);
    if (!parsed.ok()) return Fail("export-bundle", parsed.status());
    keys = *std::move(parsed);
  }
  if (!f.client.target.empty()) {
    auto client = ConnectClient(f.client, f.token_file);
    if (!client.ok()) return FailInputOrOpen("export-bundle", client.status());
    ServerSource source(**client);
    absl::Status loaded = source.Load();
    if (!loaded.ok()) {
      return loaded.code() == absl::StatusCode::kUnavailable ? FailOpen("export-bundle", loaded)
                                                             : Fail("export-bundle", loaded);
    }
    // As with --db: the keys the log has signed with are listed too.
    for (const std::string& text : source.signer_keys()) {
      auto key = log::NoteVerifier::FromKeyString(text);
      if (key.ok()) keys.push_back(*std::move(key));  // informational: skip what is damaged
    }
    return ReportExport(out, audit::WriteBundleFile(source, keys, out),
                        "the server signs them within its checkpoint interval: export again");
  }
  auto log = OpenExistingLog(db);
  if (!log.ok()) return FailOpen("export-bundle", log.status());
  auto known = audit::KnownVerifierKeys(**log);
  if (!known.ok()) return FailOpen("export-bundle", known.status());
  keys.insert(keys.end(), known->begin(), known->end());
  return ReportExport(out, audit::WriteBundleFile(**log, keys, out),
                      "run `ledgerctl checkpoint --sign-key FILE` and export again");
}

json ReportJson(const audit::BundleReport& r) {
  json keys = json::array();
  for (const auto& k : r.keys) {
    keys.push_back({{"key", k.label}, {"checkpoints", k.checkpoints},
                    {"firstTreeSize", k.first_tree_size}, {"lastTreeSize", k.last_tree_size}});
  }
  json out = {{"verified", r.ok()}, {"problem", audit::BundleProblemName(r.problem)},
              {"message", r.message}, {"line", r.line}, {"origin", r.origin},
              {"entries", r.entries}, {"checkpoints", r.checkpoints},
              {"treeSize", r.head.tree_size}, {"rootHash", log::ToHex(r.head.root)},
              {"keys", keys}, {"eventsFolded", r.events_folded}, {"compacts", r.compacts},
              {"warnings", r.warnings}};
  if (r.sequence.has_value()) out["sequence"] = *r.sequence;
  if (r.checkpoint.has_value()) out["checkpoint"] = *r.checkpoint;
  return out;
}

void PrintReportText(const audit::BundleReport& r) {
  if (!r.ok()) {
    std::cout << "DOES NOT VERIFY: " << audit::BundleProblemName(r.problem);
    if (r.sequence.has_value()) std::cout << " at entry " << *r.sequence;
    if (r.checkpoint.has_value()) std::cout << " (checkpoint " << *r.checkpoint << ")";
    std::cout << ", line " << r.line << ": " << r.message << "\n";
  } else {
    std::cout << "verified: " << r.entries << " entries and " << r.checkpoints
              << " signed checkpoints of " << r.origin << "\n  tree size "
              << r.head.tree_size << ", root " << log::ToHex(r.head.root) << "\n  "
              << r.events_folded << " events fold into a valid history of " << r.compacts
              << " compacts\n";
    for (const auto& k : r.keys) {
      std::cout << "  key " << k.label << ": ";
      if (k.checkpoints == 0) {
        std::cout << "signed no checkpoint\n";
      } else {
        std::cout << k.checkpoints << " checkpoints, tree sizes " << k.first_tree_size << ".."
                  << k.last_tree_size << "\n";
      }
    }
  }
  for (const auto& w : r.warnings) std::cout << "warning: " << w << "\n";
}

// Reads a proof file, JSON or tlog-proof text. Exit code on failure: 3 when
// it is not a proof at all, 1 when it is a damaged one.
absl::StatusOr<audit::ParsedEntryProof> LoadProof(const std::string& file, int* code) {
  auto text = ReadWholeFile(file);
  *code = kExitUnreadable;
  if (!text.ok()) return text.status();
  *code = kExitTampered;
  if (text->rfind(audit::kTlogProofHeader, 0) == 0) {
    auto proof = audit::ParseTlogProof(*text);
    if (!proof.ok()) return proof.status();
    return audit::ParsedEntryProof{*std::move(proof), ""};
  }
  auto proof = audit::EntryProofFromJson(*text);
  if (proof.status().code() == absl::StatusCode::kFailedPrecondition) *code = kExitUnreadable;
  return proof;
}

void PrintVerifiedProof(const audit::EntryProof& proof, const audit::VerifiedEntry& verified,
                        const WitnessVerdict& witnesses, const std::string& format) {
  std::vector<std::string> signers;
  for (const auto& s : verified.checkpoint.verified) {
    signers.push_back(absl::StrCat(s.name, "+", log::KeyIdHex(s.key_id)));
  }
  const auto& e = verified.entry;
  const std::string event =
      verified.event.has_value() ? compact::RenderEventText(*verified.event)
                                 : absl::StrCat("(payload ", e.payload().type_url(), ")");
  const std::string& origin = verified.checkpoint.checkpoint.origin;
  if (format == "json") {
    std::cout << json{{"verified", true}, {"sequence", proof.sequence},
                      {"treeSize", proof.tree_size}, {"origin", origin},
                      {"signedBy", signers}, {"stream", e.stream()},
                      {"streamVersion", e.stream_version()}, {"actor", e.actor()},
                      {"recordedAt", Rfc3339(log::RecordedAt(e))}, {"event", event},
                      {"witnesses", WitnessJson(witnesses)}}
                     .dump()
              << "\n";
    return;
  }
  std::cout << "verified: entry " << proof.sequence << " is in the tree of size "
            << proof.tree_size << " of " << origin << ", signed by "
            << absl::StrJoin(signers, ", ") << "\n  " << e.stream() << " v"
            << e.stream_version() << ", recorded " << Rfc3339(log::RecordedAt(e)) << " by "
            << e.actor() << "\n  " << event << "\n  " << witnesses.summary << "\n";
}

// Loading --key/--origin/--policy: a policy file that cannot be read -> 3,
// anything else -> 2.
int FailTrust(const std::string& command, const absl::Status& status) {
  return FailKeyFile(command, status);
}

}  // namespace

int RunVerifyProof(const std::string& file, const TrustFlags& flags, const std::string& format) {
  auto trust = LoadTrust(flags);
  if (!trust.ok()) return FailTrust("verify-proof", trust.status());
  int code = kExitOk;
  auto parsed = LoadProof(file, &code);
  if (!parsed.ok()) {
    std::cerr << "ledgerctl verify-proof: " << (code == kExitTampered ? "DOES NOT VERIFY: " : "")
              << parsed.status().message() << "\n";
    return code;
  }
  auto verified = audit::VerifyEntryProof(parsed->proof, trust->keys, trust->origin);
  if (!verified.ok()) {
    std::cerr << "ledgerctl verify-proof: DOES NOT VERIFY: "
              << ExplainCheckpointError(*trust, verified.status()) << "\n";
    return kExitTampered;
  }
  const WitnessVerdict witnesses = CheckWitnesses(*trust, parsed->proof.checkpoint);
  if (!witnesses.status.ok()) {
    std::cerr << "ledgerctl verify-proof: DOES NOT VERIFY: " << witnesses.summary << "\n";
    return kExitTampered;
  }
  PrintVerifiedProof(parsed->proof, *verified, witnesses, format);
  return kExitOk;
}

int RunVerifyBundle(const std::string& bundle, const TrustFlags& flags,
                    const std::string& format) {
  auto trust = LoadTrust(flags);
  if (!trust.ok()) return FailTrust("verify", trust.status());
  audit::BundleOptions options;
  options.keys = trust->keys;
  options.origin = trust->origin;
  auto report = audit::VerifyBundleFile(bundle, options);
  if (!report.ok()) return FailOpen("verify", report.status());
  if (report->problem == audit::BundleProblem::kBadHeader ||
      report->problem == audit::BundleProblem::kBadCheckpoint) {
    report->message = ExplainCheckpointError(*trust, absl::InvalidArgumentError(report->message));
  }
  // The witnesses vouch for the newest checkpoint, which covers the others.
  WitnessVerdict witnesses;
  if (report->ok()) witnesses = CheckWitnesses(*trust, report->latest_checkpoint);
  if (format == "json") {
    json out = ReportJson(*report);
    if (report->ok()) {
      out["witnesses"] = WitnessJson(witnesses);
      if (!witnesses.status.ok()) out["verified"] = false;
    }
    std::cout << out.dump() << "\n";
  } else {
    PrintReportText(*report);
    if (report->ok() && witnesses.status.ok()) {
      std::cout << "  newest checkpoint: " << witnesses.summary << "\n";
    } else if (report->ok()) {
      std::cout << "DOES NOT VERIFY: the newest checkpoint (tree size " << report->head.tree_size
                << "): " << witnesses.summary << "\n";
    }
  }
  return report->ok() && witnesses.status.ok() ? kExitOk : kExitTampered;
}

int RunProveCompact(const std::string& db, const std::string& compact_id, uint64_t sequence) {
  auto ledger = CompactLedger::OpenToRead(db);
  if (!ledger.ok()) return FailOpen("prove", ledger.status());
  auto events = (*ledger)->SequencesConcerning(compact_id);
  if (!events.ok()) return Fail("prove", events.status());
  if (std::find(events->begin(), events->end(), sequence) == events->end()) {
    return Fail("prove", absl::NotFoundError(absl::StrCat(
                             "event ", sequence, " does not concern compact \"", compact_id,
                             "\"; `ledgerctl history --db ", db, " --compact ", compact_id,
                             "` lists its events with their numbers")));
  }
  auto proof = audit::ProveEntry((*ledger)->log(), sequence);
  if (!proof.ok()) return Fail("prove", proof.status());
  std::cout << audit::EntryProofToJson(*proof, compact_id) << "\n";
  return kExitOk;
}

void AddAuditCommands(CLI::App& app, Commands& commands) {
  struct Options {
    std::string db;
    std::string name;
    std::string out;
    std::string origin;
    std::string file;
    std::string format = "text";
    std::vector<std::string> key_files;
    std::vector<std::string> keys;
    std::optional<uint64_t> size;
  };
  auto o = std::make_shared<Options>();

  CLI::App* keygen = app.add_subcommand(
      "keygen", "Make an Ed25519 checkpoint signing key; print its verifier key");
  keygen->add_option("--name", o->name, "Key name, usually the log's origin")->required();
  keygen->add_option("--out", o->out, "New private key file (mode 0600; never overwritten)")
      ->required()->type_name("FILE");
  commands.push_back({keygen, [o] { return RunKeygen(o->name, o->out); }});

  CLI::App* checkpoint = app.add_subcommand(
      "checkpoint", "Sign the current tree head as a C2SP checkpoint and store it "
                    "(--sign-key), or print a stored one");
  AddDbOption(checkpoint, &o->db);
  checkpoint->add_option("--sign-key", o->key_files,
                         "Private key file; repeat to sign with several keys (rotation)")
      ->type_name("FILE");
  checkpoint->add_option("--origin", o->origin,
                         "The log's origin line; required for the first checkpoint");
  checkpoint->add_option("--size", o->size, "Print the stored checkpoint of this tree size");
  auto cf = std::make_shared<CheckpointFlags>();
  checkpoint->add_option("--witness-policy", cf->witness_policy,
                         "C2SP tlog-policy file with `witness NAME VKEY URL` lines and a quorum: "
                         "ask the witnesses to cosign the new checkpoint; it is stored only with "
                         "the quorum (exit 1, nothing stored, without it)")
      ->type_name("FILE");
  checkpoint->add_option("--witness-deadline", cf->witness_deadline,
                         "How long to wait for the witnesses")
      ->capture_default_str()->type_name("DURATION");
  commands.push_back({checkpoint, [o, cf] {
                        CheckpointFlags f = *cf;
                        f.db = o->db;
                        f.key_files = o->key_files;
                        f.origin = o->origin;
                        f.size = o->size;
                        return RunCheckpoint(f);
                      }});

  CLI::App* bundle = app.add_subcommand(
      "export-bundle", "Write an audit bundle: every entry and signed checkpoint, for "
                       "`ledgerctl verify --bundle`, from a database (--db) or a running "
                       "server (--server)");
  auto e = std::make_shared<ExportFlags>();
  CLI::Option* db = bundle->add_option("--db", o->db, "Directory of the ledger database")
                        ->type_name("DIR");
  CLI::Option* server =
      AddClientOptions(bundle, &e->client, &e->token_file, /*server_required=*/false);
  db->excludes(server);
  bundle->add_option("--out", o->out, "New bundle file")->required()->type_name("FILE");
  bundle->add_option("--key", o->keys,
                     "Extra verifier key to list in the bundle (the keys the log has signed "
                     "with are listed anyway)")
      ->type_name("VERIFIERKEY");
  commands.push_back(
      {bundle, [o, e] { return RunExportBundle(o->db, *e, o->out, o->keys); }});

  CLI::App* verify_proof = app.add_subcommand(
      "verify-proof", "Check a proof from `ledgerctl prove --compact` (JSON or C2SP "
                      "tlog-proof) offline (exit 1 if it does not verify)");
  verify_proof->add_option("file", o->file, "Proof file")->required()->type_name("FILE");
  auto trust = std::make_shared<TrustFlags>();
  verify_proof->add_option("--key", trust->keys, "Trusted verifier key; repeat for rotated keys")
      ->type_name("VERIFIERKEY");
  AddTrustOptions(verify_proof, trust.get());
  AddFormatOption(verify_proof, &o->format);
  commands.push_back(
      {verify_proof, [o, trust] { return RunVerifyProof(o->file, *trust, o->format); }});
}

}  // namespace ledger::cli
