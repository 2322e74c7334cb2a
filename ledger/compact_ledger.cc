#include "ledger/compact_ledger.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "ledger/base/next_step.h"
#include "ledger/base/status_macros.h"
#include "ledger/domain_admission.h"
#include "ledger/world_follower.h"
#include "ledger/world_snapshots.h"

namespace ledger {

namespace {

// Ask for a snapshot after this many newly folded entries, or as many as
// the last snapshot covered if that is more: the state holds every fact, so
// a geometric interval keeps the cost of snapshots linear in the log.
constexpr uint64_t kSnapshotEvery = 1024;

// Names command `i` of `requests` in its error, unless it is a lone
// command without a label.
absl::Status InCommand(const absl::Status& s, const std::vector<RecordRequest>& requests,
                       size_t i) {
  if (requests.size() == 1 && requests[i].label.empty()) return s;
  const std::string label = requests[i].label.empty()
                                ? absl::StrCat("command ", i + 1, " of ", requests.size())
                                : requests[i].label;
  return absl::Status(s.code(),
                      absl::StrCat(label, ": ", s.message(), " (nothing was recorded)"));
}

log::ExpectedVersion Expect(uint64_t current) {
  return current == 0 ? log::ExpectedVersion::NoStream()
                      : log::ExpectedVersion::Exact(current);
}

absl::Status CheckExpected(const log::ExpectedVersion& expected, uint64_t current,
                           const std::string& stream) {
  using Kind = log::ExpectedVersion::Kind;
  if (expected.SatisfiedBy(current)) return absl::OkStatus();
  return absl::AbortedError(absl::StrCat(
      "stream \"", stream, "\" is at version ", current, ", not the expected ",
      expected.kind == Kind::kNoStream ? std::string("new stream")
                                       : absl::StrCat("version ", expected.version),
      "; read the compact again and retry against version ", current));
}

}  // namespace

absl::StatusOr<HistoryItem> DecodeEntry(const log::StoredEntry& stored) {
  HistoryItem item;
  item.sequence = stored.sequence;
  item.stream = stored.entry.stream();
  item.stream_version = stored.entry.stream_version();
  item.recorded_at = log::RecordedAt(stored.entry);
  item.actor = stored.entry.actor();
  item.leaf_hash = stored.leaf_hash;
  if (!stored.entry.payload().UnpackTo(&item.event)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "entry ", stored.sequence, " holds a ", stored.entry.payload().type_url(),
        ", not a compact.v1.Event"));
  }
  return item;
}

CompactLedger::CompactLedger(std::unique_ptr<log::Log> log)
    : log_(std::move(log)), follower_(*log_), snapshots_(*log_) {}

// The log's callbacks of RecordAsync use the folded state, which is
// destroyed before log_: let them all run first.
CompactLedger::~CompactLedger() {
  if (log_ != nullptr) log_->Close();
}

absl::StatusOr<std::unique_ptr<CompactLedger>> CompactLedger::OpenToRead(
    const std::string& path) {
  log::LogOptions options;
  options.path = path;
  options.create_if_missing = false;
  options.read_only = true;
  return Open(options);
}

absl::StatusOr<std::unique_ptr<CompactLedger>> CompactLedger::Open(
    const log::LogOptions& options) {
  LEDGER_ASSIGN_OR_RETURN(auto log, log::Log::Open(options));
  std::unique_ptr<CompactLedger> ledger(new CompactLedger(std::move(log)));
  LEDGER_RETURN_IF_ERROR(ledger->Load());
  return ledger;
}

absl::Status CompactLedger::Load() {
  absl::MutexLock lock(&mu_);
  LEDGER_RETURN_IF_ERROR(follower_.Resume());
  snapshot_size_ = follower_.folded();
  LEDGER_RETURN_IF_ERROR(CatchUp());
  if (!log_->read_only()) {
    // No append is in flight yet: the follower's state is that of every
    // entry.
    admission_ =
        std::make_unique<DomainAdmission>(*log_, follower_.world().WithoutFacts(), &follower_);
    log_->SetAdmission(admission_.get());
  }
  if (SnapshotDue()) {
    // Nobody is waiting yet, and the state is folded already: storing it
    // here saves the snapshotter folding the whole log again.
    follower_.StoreSnapshot(*log_).IgnoreError();  // derived data
    snapshot_size_ = follower_.folded();
  }
  return absl::OkStatus();
}

bool CompactLedger::SnapshotDue() const {
  const uint64_t folded = follower_.folded();
  return !log_->read_only() && folded > 0 &&
         folded - snapshot_size_ >= std::max(kSnapshotEvery, snapshot_size_);
}

void CompactLedger::MaybeSnapshot() const {
  if (!SnapshotDue()) return;
  snapshots_.Request(follower_.folded());
  snapshot_size_ = follower_.folded();
}

absl::Status CompactLedger::WaitForSnapshot() const { return snapshots_.Wait(); }

absl::StatusOr<std::vector<log::AppendRequest>> CompactLedger::Prepare(
    const std::vector<RecordRequest>& requests, const std::string& actor,
    std::vector<bool>& known) const {
  const compact::World& world = follower_.world();
  const uint64_t folded = follower_.folded();
  std::vector<log::AppendRequest> prepared(requests.size());
  // Later commands of a batch are checked against the earlier ones, folded
  // into a fork of the world that shares its history (the world does not
  // change while mu_ is held); a single command needs no fork.
  std::optional<compact::World> scratch;
  if (requests.size() > 1) scratch = world.ForkForChecking();
  std::map<std::string, uint64_t> versions;
  uint64_t next_sequence = folded;
  // A retried command must get its first result, not a refusal, so its
  // request id is looked up before the rules could refuse it. A lone
  // command is looked up only once refused: accepted, it goes to the log,
  // which looks the id up anyway (atomically, at commit, where a concurrent
  // retry is caught too), answers a retry with its first result before
  // checking the expected version, and refuses an id used for another
  // command. In a batch every id is looked up first: a retried command must
  // not count against the later ones (stream versions, scratch state).
  const bool look_up_first = requests.size() > 1;
  for (size_t i = 0; i < requests.size(); ++i) {
    auto fail = [&](const absl::Status& s) { return InCommand(s, requests, i); };
    log::AppendRequest& r = prepared[i];
    r.actor = actor;
    r.request_id = requests[i].request_id;
    r.fingerprint = requests[i].command.SerializeAsString();
    // The fingerprint alone identifies a retry, before any rule is checked.
    auto retried = [&]() -> absl::StatusOr<bool> {
      if (r.request_id.empty()) return false;
      LEDGER_ASSIGN_OR_RETURN(auto earlier, log_->FindRequest(r));
      return earlier.has_value();
    };
    if (look_up_first) {
      auto earlier = retried();
      if (!earlier.ok()) return fail(earlier.status());
      known[i] = *earlier;
      if (known[i]) continue;
    }
    auto check = [&]() -> absl::Status {
      LEDGER_ASSIGN_OR_RETURN(compact::v1::Event event,
                              (scratch ? *scratch : world).Prepare(requests[i].command));
      // Folded into the scratch state as prepared there (the rules just ran).
      std::optional<compact::v1::Event> prepared;
      if (scratch) prepared = event;
      // An earlier command of the batch named by ref is stored by ref: the
      // sequence it was expected to get may not be the one it gets.
      if (scratch) compact::ForgetUnsettledSequences(requests[i].command, folded, &event);
      // The stream is the prepared event's: an annotation joins its target's.
      LEDGER_ASSIGN_OR_RETURN(r.stream, compact::World::StreamOf(event));
      r.payload.PackFrom(event);
      if (!versions.count(r.stream)) {
        // The version in the prefix the world was folded from, so a write to
        // the stream since then aborts this one instead of slipping past.
        LEDGER_ASSIGN_OR_RETURN(versions[r.stream], log_->StreamVersionAt(r.stream, folded));
      }
      const uint64_t current = versions[r.stream]++;
      r.expected = requests[i].expected.value_or(Expect(current));
      if (requests[i].expected.has_value()) {
        // Checked here too, so the refusal names the command; the log checks
        // again atomically at commit.
        LEDGER_RETURN_IF_ERROR(CheckExpected(r.expected, current, r.stream));
      }
      if (scratch) {
        const compact::EventMeta provisional{next_sequence, 0, actor};
        LEDGER_RETURN_IF_ERROR(scratch->ApplyAccepted(*prepared, provisional));
      }
      return absl::OkStatus();
    };
    if (absl::Status checked = check(); !checked.ok()) {
      if (!look_up_first) {
        auto earlier = retried();
        if (!earlier.ok()) return fail(earlier.status());
        known[i] = *earlier;
        if (known[i]) continue;
      }
      return fail(checked);
    }
    ++next_sequence;
  }
  return prepared;
}

absl::StatusOr<std::vector<log::AppendResult>> CompactLedger::Record(
    const std::vector<compact::v1::Event>& commands, const std::string& actor,
    const std::vector<std::string>& request_ids, const std::vector<std::string>& labels) {
  if ((!request_ids.empty() && request_ids.size() != commands.size()) ||
      (!labels.empty() && labels.size() != commands.size())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "got ", request_ids.size(), " request ids and ", labels.size(), " labels for ",
        commands.size(), " commands; give one per command or none"));
  }
  std::vector<RecordRequest> requests(commands.size());
  for (size_t i = 0; i < commands.size(); ++i) {
    requests[i].command = commands[i];
    if (!request_ids.empty()) requests[i].request_id = request_ids[i];
    if (!labels.empty()) requests[i].label = labels[i];
  }
  return Record(requests, actor);
}

// One Record call between its domain checks and its results.
struct CompactLedger::Recording {
  std::vector<RecordRequest> requests;
  std::string actor;
  // Per request: retried (answered from the log's request ids), and the
  // prepared append request of the others.
  std::vector<bool> known;
  std::vector<log::AppendRequest> prepared;
  // The requests that enter the batch (moved out of `prepared`; RecordAsync
  // moves them on into the log), and where each came from.
  std::vector<log::AppendRequest> fresh;
  std::vector<size_t> fresh_index;
};

absl::StatusOr<std::shared_ptr<CompactLedger::Recording>> CompactLedger::Begin(
    std::vector<RecordRequest> requests, const std::string& actor) const {
  auto r = std::make_shared<Recording>();
  r->requests = std::move(requests);
  r->actor = actor;
  r->known.assign(r->requests.size(), false);
  {
    absl::MutexLock lock(&mu_);
    LEDGER_RETURN_IF_ERROR(CatchUp());
    // Asynchronous recorders leave their events to be folded here (see
    // RecordAsync), so this is also where their snapshots are taken.
    MaybeSnapshot();
    LEDGER_ASSIGN_OR_RETURN(r->prepared, Prepare(r->requests, actor, r->known));
  }
  // A retried command has no payload to append; the log answers it from its
  // request-id index, so only new commands enter the batch. The append runs
  // outside the lock, so concurrent recorders share one synced write.
  for (size_t i = 0; i < r->prepared.size(); ++i) {
    if (r->known[i]) continue;
    r->fresh.push_back(std::move(r->prepared[i]));
    r->fresh_index.push_back(i);
  }
  return r;
}

absl::StatusOr<std::vector<log::AppendResult>> CompactLedger::Complete(
    Recording& r, absl::StatusOr<std::vector<log::AppendResult>> batch, bool fold) const {
  if (!batch.ok()) {
    // Refused at commit: named as the caller numbered or labelled it (the
    // admission counts only the commands that entered the batch).
    if (const auto refused = RefusedRequest(batch.status());
        refused.has_value() && *refused < r.fresh_index.size()) {
      absl::Status status(batch.status().code(), batch.status().message());
      return InCommand(status, r.requests, r.fresh_index[*refused]);
    }
    // An id used for another command: refused by the log for a lone command
    // (see Prepare), worded as if Prepare had refused it.
    if (r.requests.size() == 1 && batch.status().code() == absl::StatusCode::kAlreadyExists) {
      return InCommand(batch.status(), r.requests, 0);
    }
    return batch.status();
  }
  if (fold && !r.fresh_index.empty()) {
    // Fold what directly follows the folded state (ours, and those of
    // recorders committed with us), leaving any gap to the next CatchUp.
    absl::MutexLock lock(&mu_);
    LEDGER_RETURN_IF_ERROR(follower_.FoldHandedOver());
    MaybeSnapshot();
  }
  std::vector<log::AppendResult> results;
  results.reserve(r.prepared.size());
  for (size_t i = 0, next = 0; i < r.prepared.size(); ++i) {
    if (!r.known[i]) {
      results.push_back(std::move((*batch)[next++]));
      continue;
    }
    LEDGER_ASSIGN_OR_RETURN(auto earlier, log_->FindRequest(r.prepared[i]));
    if (!earlier.has_value()) {
      return absl::InternalError(absl::StrCat("request id \"", r.prepared[i].request_id,
                                              "\" was seen but is not in the log"));
    }
    results.push_back(*earlier);
  }
  return results;
}

absl::StatusOr<std::vector<log::AppendResult>> CompactLedger::Record(
    const std::vector<RecordRequest>& requests, const std::string& actor) {
  if (requests.empty()) return std::vector<log::AppendResult>();
  LEDGER_ASSIGN_OR_RETURN(std::shared_ptr<Recording> r, Begin(requests, actor));
  if (r->fresh.empty()) return Complete(*r, std::vector<log::AppendResult>(), true);
  auto batch = log_->AppendBatch(r->fresh);
  return Complete(*r, std::move(batch), /*fold=*/true);
}

void CompactLedger::RecordAsync(std::vector<RecordRequest> requests, const std::string& actor,
                                RecordDone done) {
  if (requests.empty()) {
    done(std::vector<log::AppendResult>());
    return;
  }
  auto r = Begin(std::move(requests), actor);
  if (!r.ok()) {
    done(r.status());
    return;
  }
  std::shared_ptr<Recording> recording = *std::move(r);
  if (recording->fresh.empty()) {
    done(Complete(*recording, std::vector<log::AppendResult>(), /*fold=*/false));
    return;
  }
  std::vector<log::AppendRequest> fresh = std::move(recording->fresh);
  log_->AppendBatchAsync(
      std::move(fresh), nullptr,
      [this, recording = std::move(recording), done = std::move(done)](
          absl::StatusOr<std::vector<log::AppendResult>> batch) {
        done(Complete(*recording, std::move(batch), /*fold=*/false));
      });
}

absl::Status CompactLedger::CatchUp() const { return follower_.CatchUp(); }

std::vector<compact::v1::CompactRegistered> CompactLedger::ListCompacts() const {
  absl::MutexLock lock(&mu_);
  CatchUp().IgnoreError();  // a log that does not fold was refused at open
  std::vector<compact::v1::CompactRegistered> out;
  for (const auto& [id, record] : follower_.world().state().compacts()) {
    out.push_back(record.compact());
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.compact_id() < b.compact_id();
  });
  return out;
}

absl::StatusOr<compact::v1::StateReport> CompactLedger::StateAt(
    const compact::CivilDay& at, std::string_view compact_id,
    std::optional<absl::Time> known_at) const {
  compact::v1::StateReport report;
  LEDGER_RETURN_IF_ERROR(StateAt(at, compact_id, known_at, &report));
  return report;
}

absl::Status CompactLedger::StateAt(const compact::CivilDay& at,
                                    std::string_view compact_id,
                                    std::optional<absl::Time> known_at,
                                    compact::v1::StateReport* out) const {
  // How many entries were recorded by then: a binary search over the log,
  // outside the lock.
  std::optional<uint64_t> known;
  if (known_at.has_value()) {
    LEDGER_ASSIGN_OR_RETURN(known, WorldFollower::EntriesKnownAt(*log_, *known_at));
  }
  // The folded state keeps an index of its facts up to date as it folds, so
  // the answer costs what the compact's facts cost, not the whole history;
  // as known at T it leaves out the facts recorded after T.
  absl::MutexLock lock(&mu_);
  LEDGER_RETURN_IF_ERROR(CatchUp());
  if (!known.has_value() || *known >= follower_.folded()) {
    return follower_.world().StateAt(at, compact_id, out);
  }
  return follower_.world().StateAt(at, compact_id, *known, out);
}

absl::StatusOr<std::vector<uint64_t>> CompactLedger::SequencesConcerning(
    std::string_view compact_id) const {
  absl::MutexLock lock(&mu_);
  LEDGER_RETURN_IF_ERROR(CatchUp());
  if (!follower_.world().HasCompact(compact_id)) {
    return WithNextStep(
        absl::NotFoundError(absl::StrCat("no compact \"", std::string(compact_id),
                                         "\" in the ledger; the state at any date lists the "
                                         "compacts it has")),
        NextStep::kListCompacts);
  }
  return follower_.world().SequencesConcerning(compact_id);
}

absl::Status CompactLedger::ReadWorld(
    absl::FunctionRef<void(const compact::World&)> read) const {
  absl::MutexLock lock(&mu_);
  LEDGER_RETURN_IF_ERROR(CatchUp());
  read(follower_.world());
  return absl::OkStatus();
}

absl::StatusOr<std::vector<HistoryItem>> CompactLedger::History(
    std::string_view compact_id) const {
  LEDGER_ASSIGN_OR_RETURN(const std::vector<uint64_t> sequences,
                          SequencesConcerning(compact_id));
  std::vector<HistoryItem> items;
  for (uint64_t sequence : sequences) {
    LEDGER_ASSIGN_OR_RETURN(log::StoredEntry stored, log_->GetEntry(sequence));
    LEDGER_ASSIGN_OR_RETURN(HistoryItem item, DecodeEntry(stored));
    items.push_back(std::move(item));
  }
  return items;
}

absl::StatusOr<std::vector<HistoryItem>> CompactLedger::Timeline() const {
  std::vector<HistoryItem> items;
  LEDGER_RETURN_IF_ERROR(
      log_->ForEachEntry(0, log_->Size(), [&](const log::StoredEntry& stored) {
        LEDGER_ASSIGN_OR_RETURN(HistoryItem item, DecodeEntry(stored));
        items.push_back(std::move(item));
        return absl::OkStatus();
      }));
  return items;
}

}  // namespace ledger
