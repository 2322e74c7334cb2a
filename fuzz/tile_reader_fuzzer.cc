// The verifying reader of a published log (ledger/tiles/verified_tree.h,
// `ledgerctl verify-consistency --tiles`): hash tiles and entry bundles as
// fetched from an untrusted server, checked against a checkpoint's tree head.
//
// The log is fixed: 260 entries ("fuzz entry 0" ...), so its tree has a full
// level-0 tile, a partial one of width 4, a level-1 tile of width 1 and two
// entry bundles; an older checkpoint of size 5 has tile/0/000.p/5 and
// tile/entries/000.p/5. The input replaces one of these resources:
//
//   byte 0   bits 0-6: which resource (modulo their number);
//            bit 7: read the size-5 tree first and the 260 tree as its
//            successor (reusing it, checking the consistency proof)
//   rest     the resource's bytes as the server sends them
//
// Every other resource is served as published. The reader fetches the
// tree(s) and every entry bundle. Checks: it accepts everything exactly when
// the served bytes are the published ones (the checkpoint's root binds every
// hash, and each leaf hash every entry); then the entries it returns are the
// log's entries. Every refusal is DataLoss with a message (never a crash,
// another code, or an acceptance of altered bytes).
// fuzz/gen_seeds.sh writes the published resources as seeds.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "ledger/log/hash.h"
#include "ledger/log/log.h"
#include "ledger/log/merkle.h"
#include "ledger/tiles/tile_fetcher.h"
#include "ledger/tiles/tile_format.h"
#include "ledger/tiles/tile_path.h"
#include "ledger/tiles/verified_tree.h"

namespace {

using namespace ledger;

constexpr uint64_t kSize = 260;
constexpr uint64_t kOldSize = 5;

struct Published {
  std::vector<std::string> entries;
  std::vector<log::Hash> leaves;
  // Path -> bytes of both trees' tiles and bundles.
  std::map<std::string, std::string> files;
  std::vector<std::string> paths;  // the keys, in a fixed order
  // Paths of the size-5 tree only (its partial tiles), read only when the
  // older tree is read first.
  std::set<std::string> old_only;
  // The two trees' heads (computed once: the reference root of 260 leaves
  // would otherwise be most of an input's time).
  log::TreeHead old_head, head;
};

void AddTree(Published& p, uint64_t size) {
  for (uint32_t level = 0; level < tiles::TileLevels(size); ++level) {
    const uint64_t hashes = tiles::HashesAtLevel(level, size);
    for (uint64_t index = 0; index * tiles::kTileWidth < hashes; ++index) {
      const tiles::TileId tile = *tiles::TileInTree(false, level, index, size);
      std::vector<log::Hash> row;
      for (uint64_t i = 0; i < tile.width; ++i) {
        // Hash i of this tile: the perfect subtree of 256^level leaves.
        const uint64_t span = uint64_t{1} << (tiles::kTileHeight * level);
        const uint64_t first = (index * tiles::kTileWidth + i) * span;
        row.push_back(log::ReferenceRoot(std::span<const log::Hash>(p.leaves).subspan(first, span)));
      }
      p.files[tiles::TilePath(tile)] = tiles::EncodeHashTile(row);
    }
  }
  for (uint64_t index = 0; index * tiles::kTileWidth < size; ++index) {
    const tiles::TileId tile = *tiles::TileInTree(true, 0, index, size);
    std::string bundle;
    for (uint64_t i = 0; i < tile.width; ++i) {
      if (!tiles::AppendBundleEntry(p.entries[index * tiles::kTileWidth + i], bundle).ok()) {
        std::abort();
      }
    }
    p.files[tiles::TilePath(tile)] = bundle;
  }
}

const Published& Log() {
  static const Published* published = [] {
    auto* p = new Published;
    for (uint64_t i = 0; i < kSize; ++i) {
      p->entries.push_back(absl::StrCat("fuzz entry ", i));
      p->leaves.push_back(log::LeafHash(p->entries.back()));
    }
    AddTree(*p, kOldSize);
    // The trees share no resource: the older one has only partial tiles of
    // width 5, the newer none.
    for (const auto& [path, bytes] : p->files) p->old_only.insert(path);
    AddTree(*p, kSize);
    if (p->files.size() != p->old_only.size() + 5) std::abort();
    for (const auto& [path, bytes] : p->files) p->paths.push_back(path);
    const std::span<const log::Hash> leaves(p->leaves);
    p->old_head = {kOldSize, log::ReferenceRoot(leaves.first(kOldSize))};
    p->head = {kSize, log::ReferenceRoot(leaves)};
    return p;
  }();
  return *published;
}

const log::TreeHead& Head(uint64_t size) { return size == kSize ? Log().head : Log().old_head; }

// OK, or the refusal, which must be DataLoss with a message.
bool Refused(const absl::Status& status) {
  if (status.ok()) return false;
  if (status.code() != absl::StatusCode::kDataLoss || status.message().empty()) std::abort();
  return true;
}

// Reads the tree of `size` (after `previous`) and all its bundles; true when
// everything was accepted, and then checks the entries.
bool ReadTree(const tiles::TileFetcher& fetch, uint64_t size, const tiles::VerifiedTree* previous,
              tiles::VerifiedTree* out) {
  const log::TreeHead& head = Head(size);
  auto tree = tiles::VerifiedTree::Fetch(fetch, head, previous);
  if (Refused(tree.status())) return false;
  if (tree->size() != size || tree->root() != head.root) std::abort();
  bool accepted = true;
  for (uint64_t bundle = 0; bundle * tiles::kTileWidth < size; ++bundle) {
    auto entries = tree->FetchEntries(fetch, bundle);
    if (Refused(entries.status())) {
      accepted = false;
      continue;
    }
    for (uint64_t i = 0; i < entries->size(); ++i) {
      if ((*entries)[i] != Log().entries[bundle * tiles::kTileWidth + i]) std::abort();
    }
  }
  // Asking beyond the tree is NotFound, never a read past its hashes.
  if (tree->FetchEntries(fetch, (size + tiles::kTileWidth - 1) / tiles::kTileWidth).status().code() !=
      absl::StatusCode::kNotFound) {
    std::abort();
  }
  *out = std::move(*tree);
  return accepted;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const Published& published = Log();
  const std::string& replaced = published.paths[(data[0] & 0x7f) % published.paths.size()];
  const bool with_previous = (data[0] & 0x80) != 0;
  const std::string served(reinterpret_cast<const char*>(data + 1), size - 1);

  const tiles::TileFetcher fetch = [&](const std::string& path) -> absl::StatusOr<std::string> {
    if (path == replaced) return served;
    auto it = published.files.find(path);
    if (it == published.files.end()) std::abort();  // the reader asked for a tile no tree has
    return it->second;
  };

  bool accepted = true;
  tiles::VerifiedTree old_tree;
  if (with_previous) accepted = ReadTree(fetch, kOldSize, nullptr, &old_tree);
  tiles::VerifiedTree tree;
  if (accepted) accepted = ReadTree(fetch, kSize, with_previous ? &old_tree : nullptr, &tree);

  // Whether the replaced resource was read at all: the size-5 tree's tiles
  // only in the `with_previous` run.
  const bool read = with_previous || published.old_only.count(replaced) == 0;
  const bool honest = served == published.files.at(replaced);
  if (read && accepted != honest) std::abort();
  if (!read && !accepted) std::abort();
  return 0;
}
