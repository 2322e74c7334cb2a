// A real LedgerServer on 127.0.0.1:<any port> over a temp database, a real
// client, and a small world of sources, bodies and one compact to record
// against. For the integration tests of services/.
#ifndef LEDGER_TESTS_SERVICES_SERVICE_TEST_UTIL_H_
#define LEDGER_TESTS_SERVICES_SERVICE_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "services/client.h"
#include "services/server.h"
#include "tests/testing/temp_dir.h"

namespace ledger::services::testing {

inline constexpr char kSource[] = "test-source";
inline constexpr char kCompact[] = "test-compact";
inline constexpr char kOtherCompact[] = "old-compact";

// Writes an access file (or any secret) readable by its owner only, as the
// server requires; returns `path`.
inline std::string WritePrivateFile(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
  chmod(path.c_str(), 0600);
  return path;
}

// "body-<i>".
inline std::string Body(int i) { return absl::StrCat("body-", i); }

inline compact::v1::Citation Cite(const std::string& quote = "the source says so") {
  compact::v1::Citation c;
  c.set_source_id(kSource);
  c.set_locator("§1");
  c.set_quote(quote);
  return c;
}

inline compact::v1::Event SourceEvent() {
  compact::v1::Event e;
  auto* s = e.mutable_source_registered();
  s->set_source_id(kSource);
  s->set_title("A test source");
  s->mutable_date()->set_edtf("2006-01-01");
  return e;
}

inline compact::v1::Event BodyEvent(int i) {
  compact::v1::Event e;
  auto* b = e.mutable_body_registered();
  b->set_body_id(Body(i));
  b->set_name(absl::StrCat("Body ", i));
  b->set_classification(compact::v1::CLASSIFICATION_COUNCIL);
  *e.add_citations() = Cite();
  return e;
}

inline compact::v1::Event CompactEvent(const std::string& id) {
  compact::v1::Event e;
  auto* c = e.mutable_compact_registered();
  c->set_compact_id(id);
  c->set_title(absl::StrCat("Compact ", id));
  c->set_scope(compact::v1::SCOPE_COUNTY);
  *e.add_citations() = Cite();
  return e;
}

// Body `body` endorses kCompact on `date`.
inline compact::v1::Event Endorsement(int body, const std::string& note = "",
                                      const std::string& date = "2006-04-04") {
  compact::v1::Event e;
  e.mutable_decision()->set_kind(compact::v1::DECISION_KIND_ENDORSE);
  e.mutable_decision()->mutable_action()->set_kind(compact::v1::ACTION_KIND_ENDORSE_COMPACT);
  e.mutable_decision()->mutable_action()->set_compact_id(kCompact);
  e.mutable_actor()->set_body_id(Body(body));
  e.mutable_date()->set_edtf(date);
  e.set_note(note);
  *e.add_citations() = Cite();
  return e;
}

inline ledger::v1::ExpectedVersion Exact(uint64_t version) {
  ledger::v1::ExpectedVersion v;
  v.set_kind(ledger::v1::ExpectedVersion::KIND_EXACT);
  v.set_version(version);
  return v;
}

// Owns a temp dir, a server on it and a client of it.
class TestServer {
 public:
  explicit TestServer(ServerOptions options = {}) : options_(std::move(options)) {
    if (options_.db.empty()) options_.db = dir_.Sub("db");
    options_.log = &log_;
  }

  absl::Status Start() {
    auto server = LedgerServer::Start(options_);
    if (!server.ok()) return server.status();
    server_ = *std::move(server);
    options_.listen = server_->address();  // a restart binds the same port
    return absl::OkStatus();
  }
  void Stop() { server_.reset(); }

  std::unique_ptr<LedgerClient> Client(ClientOptions options = {}) const {
    options.target = server_->address();
    return *LedgerClient::Connect(options);
  }

  // Records a source, `bodies` bodies and kCompact (and kOtherCompact).
  absl::Status SeedWorld(LedgerClient& client, int bodies = 4) const {
    compact::v1::RecordEventsRequest request;
    *request.add_events()->mutable_event() = SourceEvent();
    for (int i = 0; i < bodies; ++i) *request.add_events()->mutable_event() = BodyEvent(i);
    *request.add_events()->mutable_event() = CompactEvent(kCompact);
    *request.add_events()->mutable_event() = CompactEvent(kOtherCompact);
    auto result = client.Call(&compact::v1::CompactService::Stub::RecordEvents,
                              client.compact(), request);
    return result.status();
  }

  uint64_t Size(LedgerClient& client) const {
    auto head = client.Call(&ledger::v1::LedgerService::Stub::GetCheckpoint, client.ledger(),
                            ledger::v1::GetCheckpointRequest());
    return head.ok() ? head->tree_size() : UINT64_MAX;
  }

  LedgerServer& server() { return *server_; }
  ServerOptions& options() { return options_; }
  const ledger::testing::TempDir& dir() const { return dir_; }
  std::string log_text() const { return log_.str(); }

 private:
  ledger::testing::TempDir dir_;
  std::ostringstream log_;
  ServerOptions options_;
  std::unique_ptr<LedgerServer> server_;
};

}  // namespace ledger::services::testing

#endif  // LEDGER_TESTS_SERVICES_SERVICE_TEST_UTIL_H_
