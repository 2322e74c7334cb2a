#include "ledger/witness/policy.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "ledger/base/status_macros.h"

namespace ledger::witness {

namespace {

constexpr size_t kMaxPolicyBytes = 1 << 20;
constexpr size_t kMaxItems = 256;
constexpr char kNone[] = "none";

absl::Status LineError(size_t line, std::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("line ", line, ": ", std::string(what)));
}

std::vector<std::string_view> Fields(std::string_view line) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    const size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
  return out;
}

// tlog-policy's character set: tab, newline, 0x20-0x7E and 0x80-0xFF (so
// neither the other C0 controls nor DEL, 0x7F).
bool AllowedOctet(unsigned char c) { return c == '\t' || c == '\n' || (c >= 0x20 && c != 0x7f); }

// The parser's state: what is defined so far.
class Parser {
 public:
  explicit Parser(const PolicyParseOptions& options) : options_(options) {}

  absl::Status Line(size_t number, std::string_view line) {
    const std::vector<std::string_view> f = Fields(line);
    if (f.empty() || f[0][0] == '#') return absl::OkStatus();
    const auto err = [&](std::string_view what) { return LineError(number, what); };
    if (f[0] == "log") return Log(f, err);
    if (f[0] == "witness") return Witness(f, err);
    if (f[0] == "group") return Group(f, err);
    if (f[0] == "quorum") return Quorum(f, err);
    return err(absl::StrCat("unknown keyword \"", std::string(f[0]),
                            "\"; a policy line starts with log, witness, group or quorum"));
  }

  absl::Status Finish(std::vector<PolicyLog>* logs, std::vector<PolicyWitness>* witnesses,
                                std::vector<PolicyGroup>* groups, std::string* quorum) {
    if (!has_quorum_ && options_.require_quorum) {
      return absl::InvalidArgumentError(
          "the policy has no quorum line; add one, e.g. `quorum none` to require no "
          "cosignature or `quorum NAME` naming a witness or group");
    }
    *logs = std::move(logs_);
    *witnesses = std::move(witnesses_);
    *groups = std::move(groups_);
    *quorum = std::move(quorum_);
    return absl::OkStatus();
  }

 private:
  // tlog-policy forbids two logs, or two witnesses, with the same public
  // key; a log and a witness may share one.
  template <typename Err>
  absl::Status CheckNewKey(std::set<log::Ed25519PublicKey>& listed, const log::Ed25519PublicKey& key,
                           Err err) {
    if (!listed.insert(key).second) {
      return err("this public key is already listed (tlog-policy forbids duplicate keys)");
    }
    return absl::OkStatus();
  }

  template <typename Err>
  absl::Status Log(const std::vector<std::string_view>& f, Err err) {
    if (f.size() < 2 || f.size() > 3) return err("write `log <vkey> [<url>]`");
    if (logs_.size() >= kMaxItems) return err("more than 256 logs");
    auto key = log::NoteVerifier::FromKeyString(f[1]);
    if (!key.ok()) {
      return err(absl::StrCat("the log key is not an Ed25519 verifier key (type 0x01): ",
                              key.status().message()));
    }
    LEDGER_RETURN_IF_ERROR(CheckNewKey(log_keys_, key->public_key(), err));
    logs_.push_back({*std::move(key), f.size() == 3 ? std::string(f[2]) : ""});
    return absl::OkStatus();
  }

  template <typename Err>
  absl::Status CheckNewName(std::string_view name, Err err) {
    if (name == kNone) return err("the name \"none\" is reserved for `quorum none`");
    if (kinds_.count(std::string(name)) != 0) {
      return err(absl::StrCat("the name \"", std::string(name), "\" is already defined"));
    }
    return absl::OkStatus();
  }

  template <typename Err>
  absl::Status Witness(const std::vector<std::string_view>& f, Err err) {
    if (f.size() < 3 || f.size() > 4) return err("write `witness <name> <vkey> [<url>]`");
    if (witnesses_.size() >= kMaxItems) return err("more than 256 witnesses");
    LEDGER_RETURN_IF_ERROR(CheckNewName(f[1], err));
    auto key = CosignatureVerifier::FromKeyString(f[2]);
    if (!key.ok()) {
      return err(absl::StrCat("the witness key is not a cosignature key: ", key.status().message()));
    }
    LEDGER_RETURN_IF_ERROR(CheckNewKey(witness_keys_, key->public_key(), err));
    kinds_[std::string(f[1])] = true;
    witnesses_.push_back({std::string(f[1]), *std::move(key), f.size() == 4 ? std::string(f[3]) : ""});
    return absl::OkStatus();
  }

  template <typename Err>
  absl::Status Group(const std::vector<std::string_view>& f, Err err) {
    if (f.size() < 4) return err("write `group <name> all|any|<k> <member>...` with at least one member");
    if (groups_.size() >= kMaxItems) return err("more than 256 groups");
    if (f.size() - 3 > kMaxItems) return err("more than 256 members");
    LEDGER_RETURN_IF_ERROR(CheckNewName(f[1], err));
    PolicyGroup group{std::string(f[1]), 0, {}};
    std::set<std::string_view> seen;
    for (size_t i = 3; i < f.size(); ++i) {
      if (f[i] == kNone) return err("\"none\" cannot be a group member");
      if (kinds_.count(std::string(f[i])) == 0) {
        return err(absl::StrCat("member \"", std::string(f[i]),
                                "\" is not a witness or group defined on an earlier line"));
      }
      if (!seen.insert(f[i]).second) {
        return err(absl::StrCat("member \"", std::string(f[i]), "\" is listed twice"));
      }
      // tlog-policy: each name is a group member at most once in the whole
      // file, so that a witness counts towards the quorum in one way only.
      if (const auto in = member_of_.find(std::string(f[i])); in != member_of_.end()) {
        return err(absl::StrCat("\"", std::string(f[i]), "\" is already a member of group \"",
                                in->second,
                                "\"; a name can be a member of one group only (tlog-policy)"));
      }
      group.members.emplace_back(f[i]);
    }
    const size_t n = group.members.size();
    if (f[2] == "all") {
      group.threshold = n;
    } else if (f[2] == "any") {
      group.threshold = 1;
    } else {
      const bool digits = std::all_of(f[2].begin(), f[2].end(), [](char c) { return c >= '0' && c <= '9'; });
      uint64_t k = 0;
      if (!digits || (f[2].size() > 1 && f[2][0] == '0') ||
          !absl::SimpleAtoi(absl::string_view(f[2].data(), f[2].size()), &k) || k < 1 || k > n) {
        return err(absl::StrCat("the threshold \"", std::string(f[2]),
                                "\" must be all, any, or a decimal k with 1 <= k <= ", n,
                                " (the number of members)"));
      }
      group.threshold = static_cast<size_t>(k);
    }
    for (const std::string& member : group.members) member_of_[member] = group.name;
    kinds_[group.name] = false;
    groups_.push_back(std::move(group));
    return absl::OkStatus();
  }

  template <typename Err>
  absl::Status Quorum(const std::vector<std::string_view>& f, Err err) {
    if (f.size() != 2) return err("write `quorum <name>` or `quorum none`");
    if (has_quorum_) return err("a second quorum line; a policy has exactly one");
    if (f[1] != kNone && kinds_.count(std::string(f[1])) == 0) {
      return err(absl::StrCat("the quorum \"", std::string(f[1]),
                              "\" is not a witness or group defined on an earlier line"));
    }
    has_quorum_ = true;
    quorum_ = std::string(f[1]);
    return absl::OkStatus();
  }

  const PolicyParseOptions& options_;
  std::vector<PolicyLog> logs_;
  std::vector<PolicyWitness> witnesses_;
  std::vector<PolicyGroup> groups_;
  std::map<std::string, bool> kinds_;  // name -> is a witness (else a group)
  std::map<std::string, std::string> member_of_;  // name -> the group it is a member of
  std::set<log::Ed25519PublicKey> log_keys_;
  std::set<log::Ed25519PublicKey> witness_keys_;
  std::string quorum_;
  bool has_quorum_ = false;
};

}  // namespace

absl::StatusOr<Policy> Policy::Parse(std::string_view text, const PolicyParseOptions& options) {
  if (text.size() > kMaxPolicyBytes) {
    return absl::InvalidArgumentError("the policy is larger than 1 MiB");
  }
  Parser parser(options);
  size_t number = 0;
  while (!text.empty()) {
    ++number;
    const size_t end = text.find('\n');
    if (end == text.npos) {
      return LineError(number, "the last line does not end in a newline");
    }
    const std::string_view line = text.substr(0, end);
    for (unsigned char c : line) {
      if (!AllowedOctet(c)) {
        return LineError(number, absl::StrCat("control character 0x", absl::Hex(c, absl::kZeroPad2),
                                              " (only tab and newline are allowed; DOS line "
                                              "endings are not)"));
      }
    }
    LEDGER_RETURN_IF_ERROR(parser.Line(number, line));
    text.remove_prefix(end + 1);
  }
  Policy policy;
  LEDGER_RETURN_IF_ERROR(
      parser.Finish(&policy.logs_, &policy.witnesses_, &policy.groups_, &policy.quorum_));
  return policy;
}

std::vector<log::NoteVerifier> Policy::LogKeys() const {
  std::vector<log::NoteVerifier> out;
  for (const auto& l : logs_) out.push_back(l.key);
  return out;
}

std::vector<CosignatureVerifier> Policy::WitnessKeys() const {
  std::vector<CosignatureVerifier> out;
  for (const auto& w : witnesses_) out.push_back(w.key);
  return out;
}

std::map<std::string, bool> Policy::Satisfied(const std::set<std::string>& cosigned) const {
  // Once per name, in definition order (a group names only earlier names):
  // groups sharing subgroups cost linear time, not exponential.
  std::map<std::string, bool> out;
  for (const auto& w : witnesses_) out[w.name] = cosigned.count(w.name) != 0;
  for (const auto& g : groups_) {
    size_t count = 0;
    for (const auto& m : g.members) count += out[m] ? 1 : 0;
    out[g.name] = count >= g.threshold;
  }
  return out;
}

QuorumResult Policy::Evaluate(const std::set<std::string>& cosigned) const {
  QuorumResult result;
  for (const auto& w : witnesses_) {
    if (cosigned.count(w.name) != 0) result.cosigned.push_back(w.name);
  }
  if (quorum_.empty()) {
    result.explanation = "the policy has no quorum line";
    return result;
  }
  std::map<std::string, bool> satisfied = Satisfied(cosigned);
  result.met = quorum_ == kNone || satisfied[quorum_];
  if (result.met) return result;
  const std::string who =
      result.cosigned.empty() ? "none of its witnesses" : absl::StrJoin(result.cosigned, ", ");
  for (const auto& g : groups_) {
    if (g.name != quorum_) continue;
    size_t count = 0;
    for (const auto& m : g.members) count += satisfied[m] ? 1 : 0;
    result.explanation = absl::StrCat("quorum group ", g.name, " needs ", g.threshold, " of ",
                                      absl::StrJoin(g.members, ", "), "; ", count,
                                      " witnessed (cosigned: ", who, ")");
    return result;
  }
  result.explanation = absl::StrCat("quorum witness ", quorum_, " did not cosign (cosigned: ", who, ")");
  return result;
}

std::set<std::string> Policy::CosignedBy(std::span<const VerifiedCosignature> cosignatures) const {
  std::set<std::string> cosigned;
  for (const auto& c : cosignatures) {
    for (const auto& w : witnesses_) {
      if (w.key.name() == c.witness && w.key.key_id() == c.key_id) cosigned.insert(w.name);
    }
  }
  return cosigned;
}

absl::StatusOr<QuorumResult> Policy::EvaluateCosignatures(std::string_view note) const {
  LEDGER_ASSIGN_OR_RETURN(log::Note parsed, log::ParseNote(note));
  LEDGER_ASSIGN_OR_RETURN(std::vector<VerifiedCosignature> valid,
                          VerifyCosignatures(parsed, WitnessKeys()));
  return Evaluate(CosignedBy(valid));
}

absl::StatusOr<CheckedCheckpoint> Policy::Check(std::string_view note,
                                                std::string_view expected_origin) const {
  LEDGER_ASSIGN_OR_RETURN(log::Note parsed, log::ParseNote(note));
  LEDGER_ASSIGN_OR_RETURN(log::Checkpoint claimed, log::ParseCheckpoint(parsed.text));
  const std::string origin = expected_origin.empty() ? claimed.origin : std::string(expected_origin);
  // tlog-policy: a log's key name is its origin.
  std::vector<log::NoteVerifier> keys;
  std::vector<std::string> names;
  for (const auto& l : logs_) {
    names.push_back(l.key.name());
    if (l.key.name() == origin) keys.push_back(l.key);
  }
  if (keys.empty()) {
    return absl::DataLossError(absl::StrCat(
        "the checkpoint's origin \"", origin, "\" is not a log of the policy (its logs: ",
        names.empty() ? "none" : absl::StrJoin(names, ", "), ")"));
  }
  CheckedCheckpoint out;
  LEDGER_ASSIGN_OR_RETURN(out.checkpoint, log::VerifyCheckpoint(note, keys, origin));
  LEDGER_ASSIGN_OR_RETURN(out.cosignatures, VerifyCosignatures(parsed, WitnessKeys()));
  out.quorum = Evaluate(CosignedBy(out.cosignatures));
  if (!out.quorum.met) {
    return absl::FailedPreconditionError(
        absl::StrCat("the checkpoint does not meet the policy's quorum: ", out.quorum.explanation));
  }
  return out;
}

absl::StatusOr<Policy> ReadPolicyFile(const std::string& path,
                                      const PolicyParseOptions& options) {
  std::ifstream in(path, std::ios::binary);
  if (!in.is_open()) return absl::NotFoundError(absl::StrCat("cannot open policy file ", path));
  // One byte over the limit is enough to refuse the file.
  std::string buffer(kMaxPolicyBytes + 1, '\0');
  in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
  if (in.bad()) return absl::UnavailableError(absl::StrCat("cannot read policy file ", path));
  buffer.resize(static_cast<size_t>(in.gcount()));
  if (buffer.size() > kMaxPolicyBytes) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": a policy file is at most 1 MiB"));
  }
  auto policy = Policy::Parse(buffer, options);
  if (!policy.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": ", policy.status().message()));
  }
  return policy;
}

}  // namespace ledger::witness
