#include "ledger/audit/proof_json.h"

#include <utility>

#include <nlohmann/json.hpp>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "ledger/base/status_macros.h"
#include "ledger/log/checkpoint.h"
#include "ledger/log/signed_note.h"

namespace ledger::audit {

namespace {

using nlohmann::json;

absl::Status BadField(std::string_view field, std::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("the proof's \"", std::string(field), "\" ",
                                                 std::string(why)));
}

absl::StatusOr<std::string> StringField(const json& doc, std::string_view field) {
  auto it = doc.find(std::string(field));
  if (it == doc.end() || !it->is_string()) return BadField(field, "is missing or not a string");
  return it->get<std::string>();
}

absl::StatusOr<uint64_t> NumberField(const json& doc, std::string_view field) {
  auto it = doc.find(std::string(field));
  if (it == doc.end() || !it->is_number_unsigned()) {
    return BadField(field, "is missing or not a non-negative integer");
  }
  return it->get<uint64_t>();
}

absl::StatusOr<log::Hash> HexField(const json& doc, std::string_view field) {
  LEDGER_ASSIGN_OR_RETURN(std::string hex, StringField(doc, field));
  auto hash = log::HashFromHex(hex);
  if (!hash.ok()) return BadField(field, "is not 64 hex digits");
  return *hash;
}

absl::StatusOr<std::vector<log::Hash>> HashList(const json& doc, std::string_view field) {
  auto it = doc.find(std::string(field));
  if (it == doc.end() || !it->is_array()) return BadField(field, "is missing or not a list");
  std::vector<log::Hash> hashes;
  for (const auto& item : *it) {
    auto hash = item.is_string() ? log::HashFromHex(item.get<std::string>())
                                 : absl::StatusOr<log::Hash>(absl::InvalidArgumentError(""));
    if (!hash.ok()) return BadField(field, "holds something other than 64 hex digits");
    hashes.push_back(*hash);
  }
  return hashes;
}

// The tlog-proof text must state exactly the same proof.
absl::Status CheckTlogProof(const json& doc, const EntryProof& proof) {
  if (!doc.contains("tlogProof")) return absl::OkStatus();
  LEDGER_ASSIGN_OR_RETURN(std::string text, StringField(doc, "tlogProof"));
  auto tlog = ParseTlogProof(text);
  if (!tlog.ok()) return BadField("tlogProof", std::string(tlog.status().message()));
  if (tlog->sequence != proof.sequence || tlog->entry_bytes != proof.entry_bytes ||
      tlog->inclusion != proof.inclusion || tlog->checkpoint != proof.checkpoint) {
    return absl::DataLossError(
        "the proof's \"tlogProof\" text differs from its other fields (index, entry bytes, "
        "inclusion hashes or checkpoint)");
  }
  return absl::OkStatus();
}

}  // namespace

std::string EntryProofToJson(const EntryProof& proof, std::string_view compact_id) {
  json inclusion = json::array();
  for (const auto& hash : proof.inclusion) inclusion.push_back(log::ToHex(hash));
  json doc = {{"format", std::string(kEntryProofFormat)},
              {"sequence", proof.sequence},
              {"entry", absl::Base64Escape(proof.entry_bytes)},
              {"leafHash", log::ToHex(proof.leaf_hash)},
              {"treeSize", proof.tree_size},
              {"inclusion", std::move(inclusion)},
              {"checkpoint", proof.checkpoint},
              {"tlogProof", FormatTlogProof(proof)}};
  if (!compact_id.empty()) doc["compact"] = std::string(compact_id);
  return doc.dump();
}

absl::StatusOr<ParsedEntryProof> EntryProofFromJson(std::string_view text) {
  const json doc = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return absl::FailedPreconditionError("not a JSON entry proof (it does not parse as JSON)");
  }
  auto format = doc.find("format");
  if (format == doc.end() || !format->is_string() ||
      format->get<std::string>() != kEntryProofFormat) {
    return absl::FailedPreconditionError(absl::StrCat(
        "not an entry proof: its \"format\" is not \"", std::string(kEntryProofFormat), "\""));
  }
  ParsedEntryProof parsed;
  EntryProof& proof = parsed.proof;
  if (doc.contains("compact")) {
    LEDGER_ASSIGN_OR_RETURN(parsed.compact_id, StringField(doc, "compact"));
  }
  LEDGER_ASSIGN_OR_RETURN(proof.sequence, NumberField(doc, "sequence"));
  LEDGER_ASSIGN_OR_RETURN(std::string entry, StringField(doc, "entry"));
  if (!absl::Base64Unescape(entry, &proof.entry_bytes) ||
      absl::Base64Escape(proof.entry_bytes) != entry) {
    return BadField("entry", "is not canonical base64");
  }
  LEDGER_ASSIGN_OR_RETURN(proof.leaf_hash, HexField(doc, "leafHash"));
  LEDGER_ASSIGN_OR_RETURN(proof.tree_size, NumberField(doc, "treeSize"));
  LEDGER_ASSIGN_OR_RETURN(proof.inclusion, HashList(doc, "inclusion"));
  LEDGER_ASSIGN_OR_RETURN(proof.checkpoint, StringField(doc, "checkpoint"));
  // The tlog-proof parser's check of the checkpoint, so that both forms
  // accept the same proofs: without it a JSON proof whose note the
  // tlog-proof form refuses (a signature line that is not base64) parsed,
  // and its own tlogProof text, printed back, did not.
  auto note = log::ParseNote(proof.checkpoint);
  auto checkpoint = note.ok() ? log::ParseCheckpoint(note->text)
                              : absl::StatusOr<log::Checkpoint>(note.status());
  if (!checkpoint.ok()) {
    return BadField("checkpoint", absl::StrCat("is not a signed checkpoint: ",
                                               checkpoint.status().message()));
  }
  LEDGER_RETURN_IF_ERROR(CheckTlogProof(doc, proof));
  return parsed;
}

}  // namespace ledger::audit
