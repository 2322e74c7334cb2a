#include "ledger/witness/add_checkpoint.h"

#include <algorithm>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "ledger/base/absl_view.h"

namespace ledger::witness {

namespace {

absl::Status Bad(std::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("malformed add-checkpoint request: ", std::string(what)));
}

// A decimal with no sign and no leading zero that fits in 64 bits.
bool ParseSize(std::string_view s, uint64_t* out) {
  if (s.empty() || s.size() > 20 || (s.size() > 1 && s[0] == '0')) return false;
  if (!std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) return false;
  return absl::SimpleAtoi(AbslView(s), out);
}

}  // namespace

absl::StatusOr<AddCheckpointRequest> ParseAddCheckpointRequest(std::string_view body) {
  if (body.size() > kMaxAddCheckpointBytes) {
    return Bad(absl::StrCat("the body is larger than ", kMaxAddCheckpointBytes, " bytes"));
  }
  AddCheckpointRequest request;
  size_t end = body.find('\n');
  if (end == body.npos) return Bad("the first line, `old <size>`, does not end in a newline");
  const std::string_view old_line = body.substr(0, end);
  if (old_line.substr(0, 4) != "old " || !ParseSize(old_line.substr(4), &request.old_size)) {
    return Bad("the first line must be `old <size>` (a decimal tree size, no leading zeros)");
  }
  body.remove_prefix(end + 1);
  for (size_t line = 2;; ++line) {
    end = body.find('\n');
    if (end == body.npos) {
      return Bad("no blank line separates the consistency proof from the checkpoint");
    }
    const std::string_view text = body.substr(0, end);
    body.remove_prefix(end + 1);
    if (text.empty()) break;
    if (request.proof.size() == kMaxProofLines) {
      return Bad(absl::StrCat("more than ", kMaxProofLines, " consistency proof lines"));
    }
    std::string raw;
    if (!absl::Base64Unescape(AbslView(text), &raw) ||
        raw.size() != 32 || absl::Base64Escape(raw) != text) {
      return Bad(absl::StrCat("line ", line, " is not a hash in canonical padded base64"));
    }
    log::Hash hash;
    std::copy(raw.begin(), raw.end(), hash.begin());
    request.proof.push_back(hash);
  }
  if (body.empty()) return Bad("the checkpoint is missing after the blank line");
  request.checkpoint = std::string(body);
  return request;
}

std::string FormatAddCheckpointRequest(const AddCheckpointRequest& request) {
  std::string out = absl::StrCat("old ", request.old_size, "\n");
  for (const log::Hash& h : request.proof) {
    absl::StrAppend(&out, absl::Base64Escape(absl::string_view(
                              reinterpret_cast<const char*>(h.data()), h.size())),
                    "\n");
  }
  absl::StrAppend(&out, "\n", request.checkpoint);
  return out;
}

absl::StatusOr<uint64_t> ParseTlogSize(std::string_view body) {
  uint64_t size = 0;
  if (body.empty() || body.back() != '\n' || !ParseSize(body.substr(0, body.size() - 1), &size)) {
    return absl::InvalidArgumentError("a text/x.tlog.size body is a decimal size and a newline");
  }
  return size;
}

}  // namespace ledger::witness
