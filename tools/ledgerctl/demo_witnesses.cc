#include "tools/ledgerctl/demo_witnesses.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "ledger/audit/entry_proof.h"
#include "ledger/audit/key_file.h"
#include "ledger/base/status_macros.h"
#include "ledger/checkpointing/checkpoint_publisher.h"
#include "ledger/compact/render.h"
#include "ledger/compact_ledger.h"
#include "ledger/witness/policy.h"
#include "ledger/witness/witness.h"
#include "ledger/witness/witness_http.h"
#include "tools/ledgerctl/audit_commands.h"
#include "tools/ledgerctl/cli_common.h"
#include "tools/ledgerctl/demo_pages.h"

namespace ledger::cli {

namespace {

// In the database directory, like the demo's signing key: deleting the demo
// deletes its witnesses (RocksDB ignores files it does not name).
constexpr char kWitnessDir[] = "demo-witnesses";
constexpr char kPolicyFile[] = "demo-witness-policy.txt";
constexpr char kProofFile[] = "demo-council-adoption.tlog-proof";
// Example partners: the demo's own infrastructure, named so that nobody
// mistakes them for bodies of the sources.
constexpr const char* kWitnessNames[] = {"partner-a", "partner-b", "partner-c"};
constexpr char kWitnessKeySuffix[] = ".witness.demo.compact-ledger.example";
constexpr char kGroup[] = "partners";
constexpr int kQuorum = 2;
// The event the proof is about: Wyre Forest District Council's adoption of
// the Worcestershire compact, by its `ref` in the seed scenario.
constexpr char kAdoptionRef[] = "council-adoption";
// Loopback witnesses answer in milliseconds; this bounds a stuck one.
constexpr absl::Duration kWitnessDeadline = absl::Seconds(10);

struct DemoWitness {
  std::string name;  // The policy's name.
  std::string key_file;
  bool key_made = false;
  std::optional<witness::Cosigner> cosigner;
  std::unique_ptr<witness::Witness> witness;
  std::unique_ptr<witness::WitnessHttpServer> server;
};

// The witness's key from `path`, made there (mode 0600) on first use.
absl::StatusOr<witness::Cosigner> WitnessKey(const std::string& path, const std::string& name,
                                             bool* made) {
  std::error_code error;
  if (std::filesystem::exists(path, error)) {
    LEDGER_ASSIGN_OR_RETURN(std::string text, audit::ReadSecretFile(path));
    auto cosigner = witness::Cosigner::FromPrivateKeyString(text);
    std::fill(text.begin(), text.end(), '\0');
    if (!cosigner.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          path, " is not a witness key file: ", cosigner.status().message(),
          " (delete it to let the demo make a new one)"));
    }
    return cosigner;
  }
  LEDGER_ASSIGN_OR_RETURN(witness::Cosigner cosigner,
                          witness::Cosigner::Generate(absl::StrCat(name, kWitnessKeySuffix)));
  std::string contents = cosigner.PrivateKeyString() + "\n";
  absl::Status written = audit::WriteSecretFile(path, contents);
  std::fill(contents.begin(), contents.end(), '\0');
  LEDGER_RETURN_IF_ERROR(written);
  *made = true;
  return cosigner;
}

// Loads or makes each witness's key, opens its state and serves it on
// 127.0.0.1, port 0.
absl::Status StartWitnesses(const std::string& db, const log::NoteVerifier& log_key,
                            std::vector<DemoWitness>& witnesses) {
  const std::filesystem::path dir = std::filesystem::path(db) / kWitnessDir;
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) {
    return absl::UnavailableError(
        absl::StrCat("cannot make ", dir.string(), ": ", error.message()));
  }
  for (const char* name : kWitnessNames) {
    DemoWitness w;
    w.name = name;
    w.key_file = (dir / absl::StrCat(name, ".key")).string();
    LEDGER_ASSIGN_OR_RETURN(w.cosigner, WitnessKey(w.key_file, name, &w.key_made));
    LEDGER_ASSIGN_OR_RETURN(
        w.witness, witness::Witness::Open(*w.cosigner, {log_key},
                                          (dir / absl::StrCat(name, ".state")).string()));
    LEDGER_ASSIGN_OR_RETURN(w.server,
                            witness::WitnessHttpServer::Start(w.witness.get(), "127.0.0.1", 0));
    witnesses.push_back(std::move(w));
  }
  return absl::OkStatus();
}

std::string PolicyText(const log::NoteVerifier& log_key,
                       const std::vector<DemoWitness>& witnesses) {
  std::string text = absl::StrCat(
      "# C2SP tlog-policy of the Compact Ledger demo, written by `ledgerctl demo --witnesses`.\n"
      "# The witnesses are example partner witnesses that the demo runs on this machine:\n"
      "# infrastructure of the demo, not facts of the sources. Their URLs are the last\n"
      "# run's; their keys stay in ", kWitnessDir, "/.\n"
      "log ", log_key.KeyString(), "\n");
  std::vector<std::string> names;
  for (const DemoWitness& w : witnesses) {
    absl::StrAppend(&text, "witness ", w.name, " ", w.cosigner->verifier().KeyString(), " ",
                    w.server->url(), "\n");
    names.push_back(w.name);
  }
  absl::StrAppend(&text, "group ", kGroup, " ", kQuorum, " ", absl::StrJoin(names, " "), "\n",
                  "quorum ", kGroup, "\n");
  return text;
}

absl::Status WriteTextFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) return absl::UnavailableError(absl::StrCat("cannot write ", path));
  return absl::OkStatus();
}

void PrintWitnesses(const std::vector<DemoWitness>& witnesses) {
  std::cout << "\n== A checkpoint cosigned by witnesses ==\n"
            << "Three EXAMPLE PARTNER WITNESSES, run by this demo on this machine: "
               "infrastructure of the demo, not facts of the sources. (In a real deployment "
               "each partner body runs `ledgerctl witness` on its own machine: "
               "docs/witnessing.md.)\n";
  for (const DemoWitness& w : witnesses) {
    std::cout << "  " << w.name << "  " << w.server->url() << "  verifier key "
              << w.cosigner->verifier().KeyString() << "  ("
              << (w.key_made ? "key made now in " : "key reused from ") << w.key_file << ")\n";
  }
}

void PrintCosigning(const checkpointing::Publication& p) {
  const uint64_t size = p.checkpoint.head.tree_size;
  if (!p.cosigning.has_value()) {
    std::cout << "a checkpoint of tree size " << size
              << " is stored already (by an earlier run): nothing new to cosign\n";
    return;
  }
  std::cout << "asked every witness to cosign the checkpoint of tree size " << size
            << " signed by the demo key:\n";
  for (const witness::WitnessOutcome& o : p.cosigning->outcomes) {
    std::cout << "  " << o.witness << ": "
              << (o.status.ok() ? absl::StrCat("cosigned (timestamp ", o.timestamp, ")")
                                : absl::StrCat("did not cosign: ", o.status.message()))
              << "\n";
  }
}

// The sequence of the event recorded with `ref`, if any.
absl::StatusOr<std::optional<HistoryItem>> EventByRef(const CompactLedger& ledger,
                                                      const std::string& ref) {
  LEDGER_ASSIGN_OR_RETURN(std::vector<HistoryItem> timeline, ledger.Timeline());
  for (HistoryItem& item : timeline) {
    if (item.event.ref() == ref) return std::optional<HistoryItem>(std::move(item));
  }
  return std::optional<HistoryItem>();
}

}  // namespace

int RunWitnessedDemo(const std::string& db) {
  log::LogOptions options;
  options.path = db;
  options.create_if_missing = false;
  auto ledger = CompactLedger::Open(options);
  if (!ledger.ok()) return FailOpen("demo", ledger.status());
  if (absl::Status origin = CheckDemoOrigin((*ledger)->log(), db); !origin.ok()) {
    return Fail("demo", origin);
  }
  auto signer = DemoSigner(db);
  if (!signer.ok()) return FailOpen("demo", signer.status());

  std::vector<DemoWitness> witnesses;
  if (absl::Status started = StartWitnesses(db, signer->verifier(), witnesses); !started.ok()) {
    return started.code() == absl::StatusCode::kInvalidArgument ||
                   started.code() == absl::StatusCode::kPermissionDenied
               ? Fail("demo", started)
               : FailOpen("demo", started);
  }
  PrintWitnesses(witnesses);

  const std::string policy_file = (std::filesystem::path(db) / kPolicyFile).string();
  const std::string policy_text = PolicyText(signer->verifier(), witnesses);
  if (absl::Status written = WriteTextFile(policy_file, policy_text); !written.ok()) {
    return FailOpen("demo", written);
  }
  auto policy = witness::Policy::Parse(policy_text);
  if (!policy.ok()) return Fail("demo", policy.status());
  std::cout << "policy " << policy_file << " (C2SP tlog-policy): group " << kGroup << " needs "
            << kQuorum << " of " << witnesses.size() << "; quorum " << kGroup << "\n";

  checkpointing::CheckpointPublisherOptions publishing;
  publishing.signers.push_back(*signer);
  publishing.origin = kDemoOrigin;
  publishing.witnesses = *policy;
  publishing.witness_deadline = kWitnessDeadline;
  publishing.messages = &std::cerr;
  auto publisher = checkpointing::CheckpointPublisher::Create((*ledger)->log(), publishing);
  if (!publisher.ok()) return Fail("demo", publisher.status());
  auto published = (*publisher)->PublishNow();
  if (!published.ok()) return Fail("demo", published.status());
  // Every answer is in. The publisher's clients close their keep-alive
  // connections first: a server's Stop waits for its open connections.
  publisher->reset();
  for (DemoWitness& w : witnesses) w.server->Stop();
  PrintCosigning(*published);
  const uint64_t size = published->checkpoint.head.tree_size;
  if (!published->stored) {
    std::cout << "quorum NOT met (" << published->cosigning->quorum.explanation
              << "): the checkpoint is not published\n";
    return FailOpen("demo", absl::UnavailableError(absl::StrCat(
                                "the example witnesses did not cosign: ",
                                published->cosigning->Failures())));
  }
  auto checked = policy->Check(published->checkpoint.note, kDemoOrigin);
  if (!checked.ok()) {
    return Fail("demo", absl::FailedPreconditionError(absl::StrCat(
        "the checkpoint of tree size ", size, " stored in ", db, " does not meet the demo's "
        "witness policy (", checked.status().message(), "): it was stored without these "
        "witnesses (by `demo --http` or `checkpoint` before), or their keys in ", db, "/",
        kWitnessDir, " were replaced, and a stored checkpoint cannot gain cosignatures; run "
        "`ledgerctl demo --witnesses` with a new --db")));
  }
  std::cout << "quorum " << kGroup << " met: cosigned by "
            << absl::StrJoin(checked->quorum.cosigned, ", ")
            << "; this is the ledger's published checkpoint\n\n"
            << "The signed note (the demo key's signature, then one cosignature line per "
               "witness; C2SP tlog-checkpoint, tlog-cosignature):\n"
            << published->checkpoint.note;

  std::cout << "\n== A proof of the Council's adoption, checked against the policy ==\n";
  auto adoption = EventByRef(**ledger, kAdoptionRef);
  if (!adoption.ok()) return Fail("demo", adoption.status());
  if (!adoption->has_value()) {
    std::cout << "this scenario has no event recorded as \"" << kAdoptionRef
              << "\": no proof to show\n";
    return kExitOk;
  }
  const uint64_t sequence = (*adoption)->sequence;
  auto proof = audit::ProveEntry((*ledger)->log(), sequence);
  if (!proof.ok()) return Fail("demo", proof.status());
  const std::string proof_file = (std::filesystem::path(db) / kProofFile).string();
  if (absl::Status written = WriteTextFile(proof_file, audit::FormatTlogProof(*proof));
      !written.ok()) {
    return FailOpen("demo", written);
  }
  ledger->reset();
  std::cout << "event #" << sequence << ": " << compact::RenderEventText((*adoption)->event)
            << "\nits C2SP tlog-proof (entry, inclusion proof, cosigned checkpoint) is in "
            << proof_file << "\n$ ledgerctl verify-proof " << proof_file << " --policy "
            << policy_file << "\n"
            << std::flush;
  TrustFlags trust;
  trust.policy_file = policy_file;
  return RunVerifyProof(proof_file, trust, "text");
}

}  // namespace ledger::cli
