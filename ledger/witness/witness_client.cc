#include "ledger/witness/witness_client.h"

#include <httplib.h>

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "ledger/base/http_error.h"
#include "ledger/base/status_macros.h"
#include "ledger/witness/add_checkpoint.h"
#include "ledger/witness/cosignature.h"
#include "ledger/witness/witness.h"

namespace ledger::witness {

namespace {

// At most this much of a witness's error body is quoted in an error.
constexpr size_t kMaxQuotedBody = 300;

std::string Quote(std::string_view body) {
  std::string quoted(body.substr(0, kMaxQuotedBody));
  while (!quoted.empty() && (quoted.back() == '\n' || quoted.back() == ' ')) quoted.pop_back();
  if (body.size() > kMaxQuotedBody) quoted += "...";
  return quoted.empty() ? "(empty body)" : absl::StrCat("\"", quoted, "\"");
}

void SetTimeouts(httplib::Client& http, absl::Duration remaining) {
  // Whole milliseconds, rounded up: cpp-httplib waits in milliseconds,
  // truncating, and a wait that ends before the deadline would be reported
  // as a broken connection instead of a witness too slow to answer.
  const int64_t millis = absl::ToInt64Milliseconds(absl::Ceil(remaining, absl::Milliseconds(1)));
  const int64_t micros = std::max<int64_t>(1, millis) * 1000;
  const time_t seconds = static_cast<time_t>(micros / 1000000);
  const time_t usec = static_cast<time_t>(micros % 1000000);
  http.set_connection_timeout(seconds, usec);
  http.set_read_timeout(seconds, usec);
  http.set_write_timeout(seconds, usec);
}

}  // namespace

absl::StatusOr<CheckpointToCosign> PrepareCheckpoint(std::string_view note) {
  CheckpointToCosign c;
  c.note = std::string(note);
  LEDGER_ASSIGN_OR_RETURN(log::Note parsed, log::ParseNote(note));
  c.text = parsed.text;
  LEDGER_ASSIGN_OR_RETURN(c.checkpoint, log::ParseCheckpoint(parsed.text));
  return c;
}

absl::StatusOr<std::unique_ptr<WitnessClient>> WitnessClient::Create(const PolicyWitness& witness) {
  const std::string& url = witness.url;
  if (url.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "witness ", witness.name, " has no URL: give its submission prefix at the end of its "
        "`witness` line (e.g. https://witness.example.org)"));
  }
  std::string rest;
  std::string scheme;
  if (url.rfind("http://", 0) == 0) {
    scheme = "http://";
  } else if (url.rfind("https://", 0) == 0) {
    scheme = "https://";
  } else {
    return absl::InvalidArgumentError(absl::StrCat("witness ", witness.name, " URL \"", url,
                                                   "\" must start with http:// or https://"));
  }
  rest = url.substr(scheme.size());
  const size_t slash = rest.find('/');
  const std::string authority = rest.substr(0, slash);
  std::string path = slash == std::string::npos ? "" : rest.substr(slash);
  if (authority.empty() || authority.find('@') != std::string::npos ||
      path.find_first_of("?#") != std::string::npos) {
    return absl::InvalidArgumentError(absl::StrCat(
        "witness ", witness.name, " URL \"", url,
        "\" is not a submission prefix: give scheme://host[:port][/path], without user, "
        "query or fragment"));
  }
  while (!path.empty() && path.back() == '/') path.pop_back();
  auto http = std::make_unique<httplib::Client>(absl::StrCat(scheme, authority));
  if (!http->is_valid()) {
    return absl::InvalidArgumentError(
        absl::StrCat("witness ", witness.name, " URL \"", url, "\" is not a valid HTTP URL"));
  }
  http->set_keep_alive(true);  // the spec's SHOULD: one connection per witness
  // A POST goes out as two writes (headers, body): with Nagle's algorithm the
  // body waits for the witness's delayed ACK of the headers, ~40 ms a request.
  http->set_tcp_nodelay(true);
  return std::unique_ptr<WitnessClient>(
      new WitnessClient(witness, std::move(http), path + "/add-checkpoint", nullptr));
}

std::unique_ptr<WitnessClient> WitnessClient::CreateWithTransport(const PolicyWitness& witness,
                                                                  Transport transport) {
  return std::unique_ptr<WitnessClient>(
      new WitnessClient(witness, nullptr, "/add-checkpoint", std::move(transport)));
}

WitnessClient::WitnessClient(PolicyWitness witness, std::unique_ptr<httplib::Client> http,
                             std::string path, Transport transport)
    : witness_(std::move(witness)),
      http_(std::move(http)),
      path_(std::move(path)),
      transport_(std::move(transport)) {}

WitnessClient::~WitnessClient() = default;

std::string WitnessClient::Name() const {
  return absl::StrCat("witness ", witness_.name, " (", witness_.url, ")");
}

absl::StatusOr<WitnessClient::HttpReply> WitnessClient::Post(const std::string& body,
                                                             absl::Time deadline) {
  const absl::Duration remaining = deadline - absl::Now();
  if (remaining <= absl::ZeroDuration()) {
    return absl::DeadlineExceededError(absl::StrCat(Name(), " did not answer in time"));
  }
  if (http_ == nullptr) {
    if (!transport_) {
      return absl::FailedPreconditionError(
          absl::StrCat(Name(), ": this client was created without a transport"));
    }
    return transport_(body, deadline);
  }
  SetTimeouts(*http_, remaining);
  httplib::Result result = http_->Post(path_, body, "text/plain");
  if (!result) {
    const httplib::Error error = result.error();
    if (absl::Now() >= deadline) {
      http_->stop();  // a late answer must not be read as the next one
      return absl::DeadlineExceededError(
          absl::StrCat(Name(), " did not answer in time (", httplib::to_string(error), ")"));
    }
    if (error == httplib::Error::Read || error == httplib::Error::Write) {
      // Connected, but the exchange broke: the witness closed the connection
      // or did not answer in HTTP.
      http_->stop();  // the next request starts on a fresh connection
      return absl::UnavailableError(absl::StrCat(
          Name(), " closed the connection or sent no readable HTTP answer (",
          httplib::to_string(error), ")"));
    }
    return absl::UnavailableError(
        absl::StrCat(Name(), " cannot be reached: ", DescribeHttpError(error)));
  }
  // cpp-httplib reads no body after a 204 or 304: a body sent anyway would
  // be read as the next answer on this keep-alive connection. Drop it.
  if (result->status == 204 || result->status == 304 || result->status < 200) http_->stop();
  return HttpReply{result->status, result->body};
}

absl::StatusOr<CosignatureAnswer> WitnessClient::RequestCosignature(
    const CheckpointToCosign& checkpoint, const ConsistencyProofSource& proofs,
    absl::Time deadline) {
  const uint64_t new_size = checkpoint.checkpoint.tree_size;
  // The first attempt uses the size this client believes; a 409 corrects it
  // once.
  for (int attempt = 0; attempt < 2; ++attempt) {
    const uint64_t old_size = known_size_;
    if (old_size > new_size) {
      return absl::FailedPreconditionError(absl::StrCat(
          Name(), " has cosigned tree size ", old_size, " of this log, larger than this "
          "checkpoint's ", new_size, ": it has seen another (or a later) view of the log; "
          "compare its latest checkpoint with the ledger's before trusting either"));
    }
    AddCheckpointRequest request;
    request.old_size = old_size;
    request.checkpoint = checkpoint.note;
    if (old_size > 0 && old_size < new_size) {
      LEDGER_ASSIGN_OR_RETURN(request.proof, proofs(old_size, new_size));
    }
    LEDGER_ASSIGN_OR_RETURN(HttpReply reply, Post(FormatAddCheckpointRequest(request), deadline));
    switch (reply.status) {
      case 200: {
        auto note = log::ParseNote(checkpoint.note + reply.body);
        if (!note.ok()) {
          return absl::DataLossError(absl::StrCat(Name(), " answered 200 with a body that is "
                                                  "not signature lines: ", Quote(reply.body)));
        }
        for (const log::NoteSignature& line : note->signatures) {
          if (!witness_.key.Matches(line)) continue;
          auto timestamp = witness_.key.Verify(checkpoint.text, line.signature);
          if (!timestamp.ok()) {
            return absl::DataLossError(absl::StrCat(Name(), " answered with a cosignature that "
                                                    "does not verify: ",
                                                    timestamp.status().message()));
          }
          known_size_ = new_size;
          return CosignatureAnswer{line, *timestamp};
        }
        return absl::DataLossError(absl::StrCat(
            Name(), " answered 200 without a cosignature by its key ", witness_.key.Label(),
            " (check the key in the policy)"));
      }
      case 409: {
        auto size = ParseTlogSize(reply.body);
        if (!size.ok()) {
          return absl::InvalidArgumentError(absl::StrCat(
              Name(), " answered 409 without a tree size: ", Quote(reply.body)));
        }
        known_size_ = *size;
        if (attempt == 0 && *size != old_size) continue;
        return absl::FailedPreconditionError(absl::StrCat(
            Name(), " answered 409 (it cosigned tree size ", *size, ") twice; giving up"));
      }
      case 404:
        return absl::NotFoundError(absl::StrCat(
            Name(), " does not witness the log ", checkpoint.checkpoint.origin,
            ": its operator must add a `log` line with the ledger's verifier key: ",
            Quote(reply.body)));
      case 403:
        return absl::PermissionDeniedError(absl::StrCat(
            Name(), " trusts none of the checkpoint's signatures: its `log` line must hold "
            "the ledger's current verifier key: ", Quote(reply.body)));
      case 422:
        return absl::DataLossError(absl::StrCat(
            Name(), " refused the checkpoint of tree size ", new_size, " from size ", old_size,
            " as inconsistent with what it cosigned before (a different tree: a split view "
            "or a rewritten log): ", Quote(reply.body)));
      default:
        if (reply.status >= 100 && reply.status < 400) {
          // 204, 201, a redirect...: not an answer of the protocol, whose
          // only success is a 200 with the cosignature line.
          return absl::DataLossError(absl::StrCat(
              Name(), " answered HTTP ", reply.status,
              reply.body.empty() ? "" : absl::StrCat(" with ", Quote(reply.body)),
              " where a C2SP tlog-witness answers 200 with its cosignature: check that its "
              "URL in the policy is the witness's submission prefix"));
        }
        if (reply.status >= 500) {
          return absl::UnavailableError(
              absl::StrCat(Name(), " failed (HTTP ", reply.status, "): ", Quote(reply.body)));
        }
        return absl::InvalidArgumentError(
            absl::StrCat(Name(), " refused the request (HTTP ", reply.status, "): ",
                         Quote(reply.body)));
    }
  }
  return absl::InternalError("unreachable");  // the loop returns or continues once
}

}  // namespace ledger::witness
