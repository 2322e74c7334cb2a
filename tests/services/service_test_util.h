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
#include "tests/testing/events.h"
#include "tests/testing/temp_dir.h"

namespace ledger::services::testing {

namespace events = ::ledger::testing::events;

// SeedWorld records events::Source() (which registers kSource), bodies
// BodyId(0), BodyId(1), ... and these two compacts.
using events::kSource;
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
inline std::string BodyId(int i) { return absl::StrCat("body-", i); }

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
    *request.add_events()->mutable_event() = events::Source();
    for (int i = 0; i < bodies; ++i) {
      *request.add_events()->mutable_event() = events::Body(BodyId(i));
    }
    for (const char* id : {kCompact, kOtherCompact}) {
      // Undated: reports know the compact from its first dated fact on.
      compact::v1::Event registration = events::Compact(id);
      registration.clear_date();
      *request.add_events()->mutable_event() = registration;
    }
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
