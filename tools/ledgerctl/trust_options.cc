#include "tools/ledgerctl/trust_options.h"

#include <fstream>
#include <set>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "ledger/witness/cosignature.h"

namespace ledger::cli {

namespace {

constexpr size_t kMaxPolicyBytes = 1 << 20;

absl::StatusOr<std::string> ReadPolicyFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in.is_open()) return absl::NotFoundError(absl::StrCat("cannot open policy file ", path));
  std::ostringstream s;
  s << in.rdbuf();
  if (in.bad()) return absl::UnavailableError(absl::StrCat("cannot read policy file ", path));
  if (s.str().size() > kMaxPolicyBytes) {
    return absl::InvalidArgumentError(absl::StrCat(path, " is larger than 1 MiB: not a policy"));
  }
  return s.str();
}

// The policy names of the witnesses whose valid cosignatures `note` holds.
std::vector<std::string> Cosigners(const witness::Policy& policy, std::string_view note) {
  auto quorum = policy.EvaluateCosignatures(note);
  return quorum.ok() ? quorum->cosigned : std::vector<std::string>();
}

}  // namespace

void AddTrustOptions(CLI::App* app, TrustFlags* flags, CLI::Option* needs) {
  CLI::Option* origin =
      app->add_option("--origin", flags->origin,
                      "The log's origin, which every checkpoint must name (default: the "
                      "verifier key's name, as C2SP asks)");
  CLI::Option* policy =
      app->add_option("--policy", flags->policy_file,
                      "C2SP tlog-policy file: its logs are trusted keys too, and the checkpoint "
                      "must be cosigned by its quorum of witnesses")
          ->type_name("FILE");
  if (needs != nullptr) {
    origin->needs(needs);
    policy->needs(needs);
  }
}

absl::StatusOr<Trust> LoadTrust(const TrustFlags& flags) {
  Trust trust;
  for (const auto& text : flags.keys) {
    auto key = log::NoteVerifier::FromKeyString(text);
    if (!key.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--key \"", text, "\" is not a verifier key: ", key.status().message()));
    }
    trust.keys.push_back(*std::move(key));
  }
  if (!flags.policy_file.empty()) {
    auto text = ReadPolicyFile(flags.policy_file);
    if (!text.ok()) return text.status();
    auto policy = witness::Policy::Parse(*text);
    if (!policy.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(flags.policy_file, ": ", policy.status().message()));
    }
    for (const auto& key : policy->LogKeys()) trust.keys.push_back(key);
    trust.policy = *std::move(policy);
  }
  if (trust.keys.empty()) {
    return absl::InvalidArgumentError(
        "give the log's verifier key with --key NAME+KEYID+BASE64 (repeat it for rotated keys), "
        "or a policy file with a `log` line (--policy FILE)");
  }
  trust.origin = flags.origin;
  if (trust.origin.empty()) {
    std::set<std::string> names;
    for (const auto& key : trust.keys) names.insert(key.name());
    if (names.size() > 1) {
      return absl::InvalidArgumentError(absl::StrCat(
          "the trusted keys have different names (", absl::StrJoin(names, ", "),
          "), so the log's origin cannot be taken from them: give it with --origin"));
    }
    trust.origin = *names.begin();
    trust.origin_from_key = true;
  }
  return trust;
}

std::string ExplainCheckpointError(const Trust& trust, const absl::Status& status) {
  std::string message(status.message());
  if (trust.origin_from_key && status.code() == absl::StatusCode::kInvalidArgument &&
      message.find("origin") != std::string::npos) {
    absl::StrAppend(&message, " (without --origin, the origin must equal the verifier key's name \"",
                    trust.origin, "\", as C2SP asks verifiers to pin it; if the checkpoint's "
                    "origin really is this log's, pass it with --origin)");
  }
  return message;
}

WitnessVerdict CheckWitnesses(const Trust& trust, std::string_view note) {
  WitnessVerdict verdict;
  if (!trust.policy.has_value()) {
    verdict.summary =
        "only the operator's key was checked: no witness policy was given (--policy FILE), so "
        "nothing shows that others saw the same checkpoint";
    return verdict;
  }
  verdict.checked = true;
  verdict.cosigned = Cosigners(*trust.policy, note);
  auto checked = trust.policy->Check(note, trust.origin);
  const std::string by = verdict.cosigned.empty() ? std::string("no witness of the policy")
                                                  : absl::StrJoin(verdict.cosigned, ", ");
  if (!checked.ok()) {
    verdict.status = checked.status();
    verdict.summary = absl::StrCat("the witness policy is NOT satisfied: ", checked.status().message(),
                                   " (cosigned by: ", by, ")");
    return verdict;
  }
  verdict.summary = absl::StrCat("witness quorum \"", trust.policy->quorum(), "\" met; cosigned by ", by);
  return verdict;
}

nlohmann::json WitnessJson(const WitnessVerdict& verdict) {
  const char* quorum = !verdict.checked ? "not checked" : verdict.status.ok() ? "met" : "not met";
  return {{"quorum", quorum}, {"cosignedBy", verdict.cosigned}, {"witnesses", verdict.summary}};
}

}  // namespace ledger::cli
