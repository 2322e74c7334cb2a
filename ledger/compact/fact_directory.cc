#include "ledger/compact/fact_directory.h"

#include <algorithm>

#include "ledger/compact/world.h"

namespace ledger::compact::internal {
namespace {

constexpr uint32_t kProposalBit = uint32_t{1} << 31;

}  // namespace

FactDirectory FactDirectory::Over(const FactDirectory* base) {
  FactDirectory directory;
  directory.base_ = base;
  return directory;
}

void FactDirectory::Add(uint64_t sequence, const compact::v1::Event& event) {
  absl::StatusOr<std::string> stream = World::StreamOf(event);
  std::string name = stream.ok() ? *std::move(stream) : std::string();
  auto [it, inserted] = stream_ids_.try_emplace(name, static_cast<uint32_t>(streams_.size()));
  if (inserted) streams_.push_back(std::move(name));
  sequences_.push_back(sequence);
  stream_and_kind_.push_back(it->second | (event.has_proposal() ? kProposalBit : 0));
}

std::optional<FactDirectory::Summary> FactDirectory::Find(uint64_t sequence) const {
  if (base_ != nullptr && (sequences_.empty() || sequence < sequences_.front())) {
    return base_->Find(sequence);
  }
  auto it = std::lower_bound(sequences_.begin(), sequences_.end(), sequence);
  if (it == sequences_.end() || *it != sequence) return std::nullopt;
  const uint32_t packed = stream_and_kind_[it - sequences_.begin()];
  return Summary{streams_[packed & ~kProposalBit], (packed & kProposalBit) != 0};
}

}  // namespace ledger::compact::internal
