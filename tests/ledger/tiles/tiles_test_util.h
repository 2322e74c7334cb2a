// Logs for the tile tests: a real log in a temp dir with n small entries,
// and a fetcher serving its tiles as a published log would, with room to
// tamper with what it serves.
#ifndef LEDGER_TESTS_LEDGER_TILES_TILES_TEST_UTIL_H_
#define LEDGER_TESTS_LEDGER_TILES_TILES_TEST_UTIL_H_

#include <map>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "google/protobuf/wrappers.pb.h"
#include "ledger/log/log.h"
#include "ledger/tiles/log_tiles.h"
#include "ledger/tiles/tile_fetcher.h"
#include "ledger/tiles/tile_path.h"
#include "tests/testing/status_matchers.h"

namespace ledger::tiles::testing {

// Appends entries [log->Size(), n) ("<prefix> <i>") in batches, unsynced.
inline void GrowLog(log::Log& log, uint64_t n, const std::string& prefix = "entry") {
  std::vector<log::AppendRequest> batch;
  for (uint64_t i = log.Size(); i < n; ++i) {
    google::protobuf::StringValue value;
    value.set_value(absl::StrCat(prefix, " ", i));
    log::AppendRequest request;
    request.stream = absl::StrCat("s/", i % 7);
    request.actor = "test";
    request.payload.PackFrom(value);
    batch.push_back(std::move(request));
    if (batch.size() == 100 || i + 1 == n) {
      auto appended = log.AppendBatch(batch);
      ASSERT_THAT(appended, ::ledger::testing::IsOk());
      batch.clear();
    }
  }
}

inline std::unique_ptr<log::Log> OpenLog(const std::string& path) {
  log::LogOptions options;
  options.path = path;
  options.sync = false;
  auto opened = log::Log::Open(options);
  EXPECT_THAT(opened, ::ledger::testing::IsOk());
  return opened.ok() ? *std::move(opened) : nullptr;
}

// Serves the tiles of `log`'s tree of `tree_size`; a path in `overrides`
// is served from there instead (tampering), an empty value as missing.
struct LogFetcher {
  const log::Log* log;
  uint64_t tree_size;
  std::map<std::string, std::string> overrides;
  int fetches = 0;

  TileFetcher Fetcher() {
    return [this](const std::string& path) -> absl::StatusOr<std::string> {
      ++fetches;
      if (auto it = overrides.find(path); it != overrides.end()) {
        if (it->second.empty()) return absl::NotFoundError(path + " is missing");
        return it->second;
      }
      auto tile = ParseTilePath(path);
      if (!tile.ok()) return tile.status();
      return LogTiles(*log).Read(*tile, tree_size);
    };
  }
};

}  // namespace ledger::tiles::testing

#endif  // LEDGER_TESTS_LEDGER_TILES_TILES_TEST_UTIL_H_
