#include "bench/bench_ledgers.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "google/protobuf/util/json_util.h"

namespace ledger::bench {
namespace {

using ::compact::v1::Event;

[[noreturn]] void Fail(const std::string& what, const absl::Status& status) {
  std::fprintf(stderr, "%s: %s\n", what.c_str(), status.ToString().c_str());
  std::abort();
}

Event Parse(const std::string& json) {
  Event event;
  const auto parsed = google::protobuf::util::JsonStringToMessage(json, &event);
  if (!parsed.ok()) Fail("bad benchmark event " + json, absl::InternalError(parsed.ToString()));
  return event;
}

const char kCite[] = R"("citations": [{"sourceId": "minutes", "quote": "resolved"}])";

std::string BenchDir() {
  const char* env = std::getenv("LEDGER_BENCH_DIR");
  return std::string(env ? env : "/tmp/ledger-bench");
}

}  // namespace

std::vector<Event> SetupCommands() {
  return {Parse(R"({"sourceRegistered": {"sourceId": "minutes", "title": "Minutes",)"
                R"( "date": {"edtf": "2006"}}})"),
          Parse(R"({"bodyRegistered": {"bodyId": "board", "name": "Board",)"
                R"( "classification": "CLASSIFICATION_BOARD"}, )" + std::string(kCite) + "}"),
          Parse(R"({"compactRegistered": {"compactId": "c", "title": "Compact",)"
                R"( "scope": "SCOPE_COUNTY"}, "date": {"edtf": "2006-04"}, )" +
                std::string(kCite) + "}")};
}

Event Endorsement(int i, const std::string& compact_id) {
  static const char* kDates[] = {"2006-04-04", "2006-05", "2006", "[2006-06..2011-09]",
                                 "2007-22", "2008-03-01", "[..2009-01]"};
  return Parse(R"({"decision": {"kind": "DECISION_KIND_ENDORSE", "action": {"kind": )"
               R"("ACTION_KIND_ENDORSE_COMPACT", "compactId": ")" + compact_id +
               R"("}}, "actor": {"bodyId": )"
               R"("board"}, "date": {"edtf": ")" + std::string(kDates[i % 7]) + R"("}, )" +
               std::string(kCite) + "}");
}

std::string LedgerPath(const std::string& name, int events) {
  return BenchDir() + "/" + name + "-" + std::to_string(events);
}

std::unique_ptr<CompactLedger> OpenLedger(const std::string& path, bool sync) {
  log::LogOptions options;
  options.path = path;
  options.sync = sync;
  auto opened = CompactLedger::Open(options);
  if (!opened.ok()) Fail("opening " + path, opened.status());
  return *std::move(opened);
}

namespace {

// Records `events` (after the set-up commands) in batches of 1,000 into a
// new ledger at LedgerPath(name, size), unless a finished one is there.
template <typename MakeEvent>
void Build(const std::string& name, int size, std::vector<Event> setup, int events,
           MakeEvent make_event) {
  const std::string path = LedgerPath(name, size);
  const std::string ready = path + ".ready";
  if (std::filesystem::exists(ready)) return;
  std::filesystem::remove_all(path);
  std::filesystem::create_directories(BenchDir());
  auto ledger = OpenLedger(path, /*sync=*/false);  // set-up only
  if (auto recorded = ledger->Record(setup, "bench"); !recorded.ok()) {
    Fail("recording the set-up", recorded.status());
  }
  for (int done = 0; done < events;) {
    std::vector<Event> batch;
    for (; done < events && batch.size() < 1000; ++done) batch.push_back(make_event(done));
    if (auto recorded = ledger->Record(batch, "bench"); !recorded.ok()) {
      Fail("recording endorsements", recorded.status());
    }
  }
  std::FILE* f = std::fopen(ready.c_str(), "w");
  if (f != nullptr) std::fclose(f);
}

std::string OtherCompact(int i) { return "o" + std::to_string(i % 100); }

}  // namespace

void EnsureLedger(const std::string& name, int events) {
  Build(name, events, SetupCommands(), events - 1, [](int i) { return Endorsement(i + 1); });
}

void EnsureWideLedger(const std::string& name, int events) {
  std::vector<Event> setup = SetupCommands();
  for (int i = 0; i < 100; ++i) {
    setup.push_back(Parse(R"({"compactRegistered": {"compactId": ")" + OtherCompact(i) +
                          R"(", "title": "Other", "scope": "SCOPE_COUNTY"}, "date": )"
                          R"({"edtf": "2006-04"}, )" + std::string(kCite) + "}"));
  }
  const int rest = events - static_cast<int>(setup.size());
  const int every = std::max(1, rest / 1000);
  Build(name, events, std::move(setup), rest, [every](int i) {
    return i % every == 0 ? Endorsement(i) : Endorsement(i, OtherCompact(i));
  });
}

}  // namespace ledger::bench
