#include "ledger/world_follower.h"

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>

#include "absl/strings/str_cat.h"
#include "ledger/base/status_macros.h"
#include "ledger/log/storage_format.h"

namespace ledger {

namespace {

constexpr char kSnapshotPrefix[] = "compact/world/";

// The snapshot `bytes`, when it is one of the log's first `covered` entries
// (as its name says) and still matches the log; else nullopt.
absl::StatusOr<std::optional<compact::World>> ParseSnapshot(const log::Log& log,
                                                            uint64_t covered,
                                                            std::string_view bytes) {
  const std::optional<log::format::SnapshotHeader> header =
      log::format::DecodeSnapshotHeader(bytes);
  if (!header.has_value() || header->covered != covered || covered == 0 ||
      covered > log.Size()) {
    return std::nullopt;
  }
  LEDGER_ASSIGN_OR_RETURN(log::StoredEntry last, log.GetEntry(covered - 1));
  if (header->last_leaf_hash != last.leaf_hash) return std::nullopt;
  const std::string_view payload = bytes.substr(log::format::kSnapshotHeaderBytes);
  compact::v1::WorldState state;
  if (!state.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
    return std::nullopt;
  }
  auto world = compact::World::FromState(std::move(state));
  if (!world.ok()) return std::nullopt;
  return std::optional<compact::World>(*std::move(world));
}

}  // namespace

std::string WorldSnapshotName(uint64_t covered) {
  return kSnapshotPrefix + log::format::EncodeUint64(covered);
}

WorldFollower::WorldFollower(const log::Log& log, compact::WorldOptions options)
    : log_(log), options_(options), world_(options) {}

absl::Status WorldFollower::Resume(uint64_t at_most) {
  uint64_t bound = std::min(at_most, log_.Size());
  // Newest first; a snapshot that no longer matches the log (its entries
  // were replaced) gives way to the one before it.
  while (bound > 0) {
    LEDGER_ASSIGN_OR_RETURN(auto found,
                            log_.FindSnapshotAtOrBefore(kSnapshotPrefix, WorldSnapshotName(bound)));
    if (!found.has_value()) return absl::OkStatus();
    const auto covered = log::format::DecodeUint64(
        std::string_view(found->name).substr(sizeof kSnapshotPrefix - 1));
    if (!covered.has_value() || *covered == 0) return absl::OkStatus();
    LEDGER_ASSIGN_OR_RETURN(auto world, ParseSnapshot(log_, *covered, found->bytes));
    if (world.has_value()) {
      world_ = options_.keep_facts ? *std::move(world) : world->WithoutFacts();
      folded_ = resumed_from_ = *covered;
      return absl::OkStatus();
    }
    bound = *covered - 1;
  }
  return absl::OkStatus();
}

absl::Status WorldFollower::CatchUp() { return FoldTo(log_.Size()); }

absl::Status WorldFollower::FoldTo(uint64_t end) {
  while (folded_ < end) {
    LEDGER_RETURN_IF_ERROR(FoldHandedOver());
    if (folded_ >= end) break;
    // Entries of other writers up to the next event handed over, or the
    // end. (Every handed-over entry below the log's size was handed over
    // before that size was published, so this is not racing the hand-over.)
    uint64_t next = end;
    {
      absl::MutexLock lock(&handed_over_mu_);
      if (auto it = handed_over_.lower_bound(folded_); it != handed_over_.end()) {
        next = std::min(next, it->first);
      }
    }
    if (next > folded_) LEDGER_RETURN_IF_ERROR(FoldFromLog(next));
  }
  return absl::OkStatus();
}

absl::Status WorldFollower::FoldHandedOver() {
  // Taken out under the lock, folded without it: the hand-over runs on the
  // thread committing a group, which should not wait on a fold.
  std::vector<std::pair<uint64_t, AcceptedEvent>> next;
  {
    absl::MutexLock lock(&handed_over_mu_);
    // Those below folded_ were read from the log.
    handed_over_.erase(handed_over_.begin(), handed_over_.lower_bound(folded_));
    for (auto it = handed_over_.begin();
         it != handed_over_.end() && it->first == folded_ + next.size();
         it = handed_over_.erase(it)) {
      next.emplace_back(it->first, std::move(it->second));
    }
  }
  for (const auto& [sequence, accepted] : next) {
    // (On error the rest are dropped: FoldTo reads them from the log.)
    absl::Status applied = world_.ApplyAccepted(accepted.event, accepted.meta);
    if (!applied.ok()) {
      return absl::DataLossError(
          absl::StrCat("entry ", sequence, " does not fold: ", applied.message()));
    }
    folded_ = sequence + 1;
  }
  return absl::OkStatus();
}

void WorldFollower::HandOver(std::map<uint64_t, AcceptedEvent> events) {
  absl::MutexLock lock(&handed_over_mu_);
  if (handed_over_.empty()) {
    handed_over_ = std::move(events);
  } else {
    handed_over_.merge(events);
  }
}

absl::Status WorldFollower::FoldFromLog(uint64_t end) {
  return log_.ForEachEntry(
      folded_, end - std::min(folded_, end), [&](const log::StoredEntry& stored) {
        compact::v1::Event event;
        if (!stored.entry.payload().UnpackTo(&event)) {
          return absl::InvalidArgumentError(
              absl::StrCat("entry ", stored.sequence, " holds a ",
                           stored.entry.payload().type_url(), ", not a compact.v1.Event"));
        }
        const compact::EventMeta meta{stored.sequence,
                                      absl::ToUnixMicros(log::RecordedAt(stored.entry)),
                                      stored.entry.actor()};
        absl::Status applied = world_.Apply(event, meta);
        if (!applied.ok()) {
          return absl::DataLossError(absl::StrCat("entry ", stored.sequence,
                                                  " does not fold: ", applied.message()));
        }
        folded_ = stored.sequence + 1;
        return absl::OkStatus();
      });
}

compact::World WorldFollower::TakeWorld() {
  compact::World taken = std::move(world_);
  world_ = compact::World(options_);
  folded_ = resumed_from_ = 0;
  return taken;
}

absl::Status WorldFollower::StoreSnapshot(log::Log& log) const {
  if (log.read_only()) return absl::OkStatus();
  if (folded_ == 0) return absl::InvalidArgumentError("a snapshot of no entries");
  LEDGER_ASSIGN_OR_RETURN(log::StoredEntry last, log.GetEntry(folded_ - 1));
  std::string bytes = log::format::EncodeSnapshotHeader({folded_, last.leaf_hash});
  world_.state().AppendToString(&bytes);
  return log.PutSnapshot(WorldSnapshotName(folded_), bytes);
}

absl::StatusOr<uint64_t> WorldFollower::EntriesKnownAt(const log::Log& log,
                                                       absl::Time known_at) {
  uint64_t low = 0, high = log.Size();  // the answer is in [low, high]
  while (low < high) {
    const uint64_t middle = low + (high - low) / 2;
    LEDGER_ASSIGN_OR_RETURN(log::StoredEntry stored, log.GetEntry(middle));
    if (log::RecordedAt(stored.entry) <= known_at) {
      low = middle + 1;
    } else {
      high = middle;
    }
  }
  return low;
}

}  // namespace ledger
