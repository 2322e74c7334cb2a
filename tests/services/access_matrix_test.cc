// Every RPC of LedgerService and CompactService, called by every kind of
// caller, answers with the documented code, and a refused call appends
// nothing. Callers: anonymous (TLS, no credentials), a wrong token, each
// role's token (auditor, recorder, admin), a client certificate from a CA
// the server does not trust (whose name is even one the access file lists),
// and a certificate from the trusted CA whose name is not listed.
//
// The documented codes (services/auth.h, the protos): no or unknown
// credentials UNAUTHENTICATED; a verified certificate without a role, or
// an auditor writing, PERMISSION_DENIED; a certificate the server's CA did
// not sign fails the TLS handshake, UNAVAILABLE. Access is checked before
// anything else, so a refused caller learns nothing about its request.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "google/protobuf/descriptor.h"
#include "tests/services/service_test_util.h"
#include "tests/services/test_certs.h"
#include "tests/testing/status_matchers.h"

using ::ledger::testing::IsOk;

namespace ledger::services {
namespace {

using compact::v1::CompactService;
using ledger::v1::LedgerService;
using namespace ledger::services::testing;  // NOLINT: test helpers
using namespace ::ledger::testing::events;  // NOLINT: test helpers
using Code = absl::StatusCode;

enum class Caller {
  kAnonymous,
  kWrongToken,
  kAuditor,
  kRecorder,
  kAdmin,
  kUntrustedCaCertificate,
  kUnlistedCertificate,
};

const char* Name(Caller caller) {
  switch (caller) {
    case Caller::kAnonymous: return "anonymous";
    case Caller::kWrongToken: return "wrong token";
    case Caller::kAuditor: return "auditor";
    case Caller::kRecorder: return "recorder";
    case Caller::kAdmin: return "admin";
    case Caller::kUntrustedCaCertificate: return "certificate from an untrusted CA";
    case Caller::kUnlistedCertificate: return "trusted certificate not listed";
  }
  return "?";
}

// What `caller` must get from an RPC that answers `allowed` to a caller
// allowed to make it.
Code Expected(Caller caller, bool writes, Code allowed) {
  switch (caller) {
    case Caller::kAnonymous:
    case Caller::kWrongToken: return Code::kUnauthenticated;
    case Caller::kUntrustedCaCertificate: return Code::kUnavailable;
    case Caller::kUnlistedCertificate: return Code::kPermissionDenied;
    case Caller::kAuditor: return writes ? Code::kPermissionDenied : allowed;
    case Caller::kRecorder:
    case Caller::kAdmin: return allowed;
  }
  return Code::kUnknown;
}

struct Rpc {
  const char* name;
  bool writes;
  // The code for a caller allowed to make it, with the request below.
  Code allowed;
  // Entries it appends when allowed.
  uint64_t appends;
  std::function<Code(LedgerClient&)> call;
};

Code CodeOf(const grpc::Status& status) { return static_cast<Code>(status.error_code()); }

// Reads a server stream to its end.
template <typename Reader, typename Message>
Code Drain(Reader reader, Message message) {
  while (reader->Read(&message)) {
  }
  return CodeOf(reader->Finish());
}

class AccessMatrixTest : public ::testing::Test {
 protected:
  AccessMatrixTest()
      : ca_(dir_.path()), untrusted_dir_(), untrusted_ca_(untrusted_dir_.path()) {}

  void SetUp() override {
    const PemFiles server = ca_.Issue("localhost", /*server=*/true);
    ServerOptions& o = server_.options();
    o.tls_cert_file = server.cert;
    o.tls_key_file = server.key;
    o.client_ca_file = ca_.ca_file();
    o.access_file = WritePrivateFile(dir_.Sub("access"),
                                     "token auditor audrey s3cret-auditor\n"
                                     "token recorder alice s3cret-recorder\n"
                                     "token admin root s3cret-admin\n"
                                     "cert recorder clerk.example\n");
    ASSERT_THAT(server_.Start(), IsOk());
    admin_ = Client(Caller::kAdmin);
    ASSERT_THAT(server_.SeedWorld(*admin_), IsOk());
  }

  std::unique_ptr<LedgerClient> Client(Caller caller) {
    ClientOptions o;
    o.ca_file = ca_.ca_file();
    o.server_name = "localhost";
    o.timeout = absl::Seconds(10);
    switch (caller) {
      case Caller::kAnonymous: break;
      case Caller::kWrongToken: o.token = "s3cret-guess"; break;
      case Caller::kAuditor: o.token = "s3cret-auditor"; break;
      case Caller::kRecorder: o.token = "s3cret-recorder"; break;
      case Caller::kAdmin: o.token = "s3cret-admin"; break;
      case Caller::kUntrustedCaCertificate: {
        // The name is one the access file gives a role: only the CA differs.
        const PemFiles pem = untrusted_ca_.Issue("clerk.example", /*server=*/false);
        o.cert_file = pem.cert;
        o.key_file = pem.key;
        break;
      }
      case Caller::kUnlistedCertificate: {
        const PemFiles pem = ca_.Issue("stranger.example", /*server=*/false);
        o.cert_file = pem.cert;
        o.key_file = pem.key;
        break;
      }
    }
    return server_.Client(o);
  }

  // A body registration nobody made yet, and its stream.
  compact::v1::Event NewBody() { return Body(BodyId(next_body_++)); }
  std::string StreamOf(const compact::v1::Event& body) {
    return "body/" + body.body_registered().body_id();
  }

  std::vector<Rpc> Rpcs() {
    auto append_request = [this] {
      ledger::v1::AppendRequest r;
      const compact::v1::Event body = NewBody();
      r.set_stream(StreamOf(body));
      r.mutable_payload()->PackFrom(body);
      return r;
    };
    return {
        {"Append", true, Code::kOk, 1,
         [=](LedgerClient& c) {
           return c.Call(&LedgerService::Stub::Append, c.ledger(), append_request())
               .status()
               .code();
         }},
        {"AppendStream", true, Code::kOk, 1,
         [=](LedgerClient& c) {
           auto context = c.NewContext();
           auto stream = c.ledger().AppendStream(context.get());
           stream->Write(append_request());
           stream->WritesDone();
           ledger::v1::AppendStreamResponse response;
           bool appended = false;
           while (stream->Read(&response)) appended = appended || response.has_appended();
           const Code code = CodeOf(stream->Finish());
           // An allowed caller's request is answered in the stream.
           return code == Code::kOk && !appended ? Code::kInternal : code;
         }},
        {"RecordEvent", true, Code::kOk, 1,
         [this](LedgerClient& c) {
           compact::v1::RecordEventRequest r;
           *r.mutable_event() = NewBody();
           return c.Call(&CompactService::Stub::RecordEvent, c.compact(), r).status().code();
         }},
        {"RecordEvents", true, Code::kOk, 2,
         [this](LedgerClient& c) {
           compact::v1::RecordEventsRequest r;
           *r.add_events()->mutable_event() = NewBody();
           *r.add_events()->mutable_event() = NewBody();
           return c.Call(&CompactService::Stub::RecordEvents, c.compact(), r).status().code();
         }},
        // The typed commands with an empty request: an allowed caller is
        // told what is missing; any other is refused before that.
        {"RecordEndorsement", true, Code::kInvalidArgument, 0,
         [](LedgerClient& c) {
           return c.Call(&CompactService::Stub::RecordEndorsement, c.compact(), {})
               .status()
               .code();
         }},
        {"RecordAdoption", true, Code::kInvalidArgument, 0,
         [](LedgerClient& c) {
           return c.Call(&CompactService::Stub::RecordAdoption, c.compact(), {}).status().code();
         }},
        {"RecordSignature", true, Code::kInvalidArgument, 0,
         [](LedgerClient& c) {
           return c.Call(&CompactService::Stub::RecordSignature, c.compact(), {}).status().code();
         }},
        {"RecordSupersession", true, Code::kInvalidArgument, 0,
         [](LedgerClient& c) {
           return c.Call(&CompactService::Stub::RecordSupersession, c.compact(), {})
               .status()
               .code();
         }},
        {"RecordMediationStep", true, Code::kInvalidArgument, 0,
         [](LedgerClient& c) {
           return c.Call(&CompactService::Stub::RecordMediationStep, c.compact(), {})
               .status()
               .code();
         }},
        {"GetEntry", false, Code::kOk, 0,
         [](LedgerClient& c) {
           return c.Call(&LedgerService::Stub::GetEntry, c.ledger(), {}).status().code();
         }},
        {"ReadLog", false, Code::kOk, 0,
         [](LedgerClient& c) {
           auto context = c.NewContext();
           return Drain(c.ledger().ReadLog(context.get(), {}), ledger::v1::LogEntry());
         }},
        {"ReadStream", false, Code::kOk, 0,
         [](LedgerClient& c) {
           auto context = c.NewContext();
           ledger::v1::ReadStreamRequest r;
           r.set_stream(absl::StrCat("compact/", kCompact));
           return Drain(c.ledger().ReadStream(context.get(), r), ledger::v1::LogEntry());
         }},
        {"Subscribe", false, Code::kOk, 0,
         [](LedgerClient& c) {
           // Live until cancelled: an allowed caller gets the first entry.
           auto context = c.NewContext();
           auto reader = c.ledger().Subscribe(context.get(), {});
           ledger::v1::LogEntry entry;
           const bool got = reader->Read(&entry);
           if (got) context->TryCancel();
           const Code code = CodeOf(reader->Finish());
           return got ? Code::kOk : code;
         }},
        {"GetCheckpoint", false, Code::kOk, 0,
         [](LedgerClient& c) {
           return c.Call(&LedgerService::Stub::GetCheckpoint, c.ledger(), {}).status().code();
         }},
        {"ListCheckpoints", false, Code::kOk, 0,
         [](LedgerClient& c) {
           auto context = c.NewContext();
           return Drain(c.ledger().ListCheckpoints(context.get(), {}), ledger::v1::Checkpoint());
         }},
        {"GetInclusionProof", false, Code::kOk, 0,
         [](LedgerClient& c) {
           return c.Call(&LedgerService::Stub::GetInclusionProof, c.ledger(), {})
               .status()
               .code();
         }},
        {"GetConsistencyProof", false, Code::kOk, 0,
         [](LedgerClient& c) {
           ledger::v1::GetConsistencyProofRequest r;
           r.set_first_size(1);
           return c.Call(&LedgerService::Stub::GetConsistencyProof, c.ledger(), r)
               .status()
               .code();
         }},
        {"GetCompact", false, Code::kOk, 0,
         [](LedgerClient& c) {
           compact::v1::GetCompactRequest r;
           r.set_compact_id(kCompact);
           r.set_as_of("2006-12-31");
           return c.Call(&CompactService::Stub::GetCompact, c.compact(), r).status().code();
         }},
        {"ListCompacts", false, Code::kOk, 0,
         [](LedgerClient& c) {
           return c.Call(&CompactService::Stub::ListCompacts, c.compact(), {}).status().code();
         }},
        {"GetHistory", false, Code::kOk, 0,
         [](LedgerClient& c) {
           compact::v1::GetHistoryRequest r;
           r.set_compact_id(kCompact);
           return c.Call(&CompactService::Stub::GetHistory, c.compact(), r).status().code();
         }},
    };
  }

  ledger::testing::TempDir dir_;
  TestCa ca_;
  ledger::testing::TempDir untrusted_dir_;
  TestCa untrusted_ca_;
  TestServer server_;
  std::unique_ptr<LedgerClient> admin_;
  int next_body_ = 100;
};

TEST_F(AccessMatrixTest, EveryRpcAnswersEveryCallerWithTheDocumentedCode) {
  const std::vector<Rpc> rpcs = Rpcs();
  // Every method of both services is in the table.
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  EXPECT_EQ(rpcs.size(),
            static_cast<size_t>(
                pool->FindServiceByName(LedgerService::service_full_name())->method_count() +
                pool->FindServiceByName(CompactService::service_full_name())->method_count()));
  for (Caller caller : {Caller::kAnonymous, Caller::kWrongToken, Caller::kAuditor,
                        Caller::kRecorder, Caller::kAdmin, Caller::kUntrustedCaCertificate,
                        Caller::kUnlistedCertificate}) {
    auto client = Client(caller);
    for (const Rpc& rpc : rpcs) {
      SCOPED_TRACE(absl::StrCat(Name(caller), " calls ", rpc.name));
      const uint64_t before = server_.Size(*admin_);
      const Code expected = Expected(caller, rpc.writes, rpc.allowed);
      EXPECT_EQ(rpc.call(*client), expected);
      // Only an allowed call appends, and exactly what it asked for.
      EXPECT_EQ(server_.Size(*admin_), before + (expected == Code::kOk ? rpc.appends : 0));
    }
  }
}

}  // namespace
}  // namespace ledger::services
