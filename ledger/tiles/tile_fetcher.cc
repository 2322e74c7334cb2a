#include "ledger/tiles/tile_fetcher.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "ledger/tiles/tile_path.h"

namespace ledger::tiles {

TileFetcher DirectoryFetcher(std::string directory) {
  return [directory = std::move(directory)](const std::string& path) -> absl::StatusOr<std::string> {
    if (path != kCheckpointPath && !ParseTilePath(path).ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("\"", path, "\" is neither the checkpoint nor a canonical tile path"));
    }
    const std::string file = directory + "/" + path;
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      if (errno == ENOENT) return absl::NotFoundError(absl::StrCat(file, " does not exist"));
      return absl::UnavailableError(absl::StrCat("cannot open ", file, ": ", std::strerror(errno)));
    }
    std::ostringstream bytes;
    bytes << in.rdbuf();
    if (in.bad()) return absl::UnavailableError(absl::StrCat("cannot read ", file));
    return std::move(bytes).str();
  };
}

}  // namespace ledger::tiles
