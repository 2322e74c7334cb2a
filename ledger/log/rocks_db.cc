#include "ledger/log/rocks_db.h"

#include <algorithm>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <rocksdb/file_system.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/memtablerep.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/table.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "ledger/base/next_step.h"
#include "ledger/base/status_macros.h"
#include "ledger/log/storage_format.h"

namespace ledger::log {

namespace {

const char* const kFamilies[] = {
    rocksdb::kDefaultColumnFamilyName.c_str(), format::kEntriesFamily,
    format::kMerkleFamily,  format::kStreamsFamily, format::kRequestsFamily,
    format::kSnapshotsFamily, format::kMetaFamily, format::kCheckpointsFamily};

// A stream-index key's stream part (the name and its NUL; see
// format::StreamKey), so that appends to one stream are inserted where the
// previous one went.
class StreamPrefix final : public rocksdb::SliceTransform {
 public:
  const char* Name() const override { return "CompactLedger.StreamPrefix"; }
  rocksdb::Slice Transform(const rocksdb::Slice& key) const override {
    return rocksdb::Slice(key.data(), key.size() - format::kStreamKeyVersionBytes);
  }
  bool InDomain(const rocksdb::Slice& key) const override {
    return format::IsStreamKey(std::string_view(key.data(), key.size()));
  }
};

// Buckets of the request-id memtable: a 64 MiB memtable holds about 600k
// ids, a few per bucket.
constexpr size_t kRequestIdBuckets = 1 << 18;

// Options of one column family, chosen for how the log writes and reads it
// (every append writes one key to each of entries, merkle, streams and
// requests, from the one commit thread):
// - merkle keys are (level, index) and each level grows in index order, and
//   stream-index keys are (stream, version) and each stream grows in version
//   order: a memtable insert hint per level and per stream makes an insert
//   start where the last one of its kind ended, instead of searching the
//   whole memtable;
// - request ids are the callers' and arrive in no order, and they are only
//   ever looked up whole (Get), never scanned: their memtable is a hash
//   table (each id is its own "prefix"), so that an insert costs a bucket
//   instead of a search of a skip list that holds hundreds of thousands of
//   random keys. Measured on the commit thread: 26 -> 21 us of CPU per
//   append over AppendStream, 30k -> 35k appends/s (bench/service_bench).
//   A scan of this family would need ReadOptions::total_order_seek;
// - every append with a request id looks it up first, and a new id is a
//   miss: bloom filters in the memtable and in the table files answer most
//   misses without a search or a block read.
rocksdb::ColumnFamilyOptions FamilyOptions(std::string_view name) {
  rocksdb::ColumnFamilyOptions options;
  if (name == format::kMerkleFamily) {
    options.memtable_insert_with_hint_prefix_extractor.reset(
        rocksdb::NewFixedPrefixTransform(1));
  } else if (name == format::kStreamsFamily) {
    options.memtable_insert_with_hint_prefix_extractor = std::make_shared<StreamPrefix>();
  } else if (name == format::kRequestsFamily) {
    options.prefix_extractor.reset(rocksdb::NewNoopTransform());
    options.memtable_factory.reset(rocksdb::NewHashLinkListRepFactory(kRequestIdBuckets));
    options.memtable_prefix_bloom_size_ratio = 0.02;
    rocksdb::BlockBasedTableOptions table;
    table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
    table.whole_key_filtering = true;
    options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  }
  return options;
}

absl::Status CheckFormat(RocksDb& db, bool fresh, RocksDb::Mode mode) {
  LEDGER_ASSIGN_OR_RETURN(auto format, db.Get(Family::kMeta, format::kFormatKey));
  if (format.has_value()) {
    if (*format == format::kFormatValue) return absl::OkStatus();
    return absl::FailedPreconditionError(absl::StrCat(
        db.path(), " holds format \"", *format, "\", this build reads \"",
        format::kFormatValue, "\"; open it with a build of Compact Ledger that reads that format"));
  }
  if (!fresh || mode == RocksDb::Mode::kReadOnly) {
    return WithNextStep(absl::FailedPreconditionError(absl::StrCat(
                            db.path(), " is a RocksDB database but not a Compact Ledger log "
                                       "(no format marker); give a ledger's directory instead")),
                        NextStep::kOtherDatabase);
  }
  RocksDb::Batch batch(db);
  batch.Put(Family::kMeta, format::kFormatKey, format::kFormatValue);
  return db.Write(batch, /*sync=*/true);
}

// RocksDB syncs the files and entries inside the database directory, but
// not the directory's own entry in its parent: until that is synced, a
// power cut can lose a new database, however many of its writes were
// synced.
absl::Status SyncParentDirectory(rocksdb::Env& env, const std::string& path) {
  std::filesystem::path dir_path = std::filesystem::absolute(path).lexically_normal();
  if (!dir_path.has_filename()) dir_path = dir_path.parent_path();  // "a/db/"
  const std::filesystem::path parent = dir_path.parent_path();
  std::unique_ptr<rocksdb::FSDirectory> dir;
  const std::string what = absl::StrCat("syncing ", parent.string(), ", the directory of ", path);
  LEDGER_RETURN_IF_ERROR(FromRocks(
      env.GetFileSystem()->NewDirectory(parent.string(), rocksdb::IOOptions(), &dir, nullptr),
      what));
  return FromRocks(dir->FsyncWithDirOptions(rocksdb::IOOptions(), nullptr,
                                            rocksdb::DirFsyncOptions()),
                   what);
}

}  // namespace

absl::Status FromRocks(const rocksdb::Status& status, std::string_view what) {
  if (status.ok()) return absl::OkStatus();
  std::string message = absl::StrCat(std::string(what), ": ", status.ToString());
  if (status.IsIOError() || status.IsBusy() || status.IsTimedOut()) {
    return absl::UnavailableError(message);
  }
  if (status.IsCorruption()) return absl::DataLossError(message);
  return absl::InternalError(message);
}

namespace {

// A file in `dir` that is not one RocksDB makes as it creates a database
// (an earlier attempt may have been cut short after some of them), if any.
std::optional<std::string> OtherFileIn(const std::string& dir) {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    const bool rocks = name == "LOCK" || name == "LOG" || name == "IDENTITY" ||
                       name.starts_with("LOG.old") || name.starts_with("OPTIONS-") ||
                       name.starts_with("MANIFEST-") || name.ends_with(".log") ||
                       name.ends_with(".sst") || name.ends_with(".dbtmp");
    if (!rocks) return name;
  }
  return std::nullopt;  // also when `dir` does not exist yet
}

}  // namespace

absl::StatusOr<std::unique_ptr<RocksDb>> RocksDb::Open(const std::string& path, Mode mode,
                                                       rocksdb::Env* env) {
  std::error_code ec;
  const bool exists = std::filesystem::exists(
      std::filesystem::path(path) / "CURRENT", ec);
  if (!exists && mode != Mode::kCreateIfMissing) {
    return WithNextStep(
        absl::NotFoundError(absl::StrCat("no ledger database at ", path,
                                         ": check the path, or create a ledger there first")),
        NextStep::kCreateLedger);
  }
  if (!exists) {
    // RocksDB makes the database's directory but not its parents; say so
    // before it answers with its own "While mkdir if missing".
    std::filesystem::path where = std::filesystem::absolute(path, ec);
    if (!where.has_filename()) where = where.parent_path();  // "dir/" names dir
    const std::filesystem::path parent = where.parent_path();
    if (!ec && !parent.empty() && !std::filesystem::is_directory(parent, ec)) {
      return absl::NotFoundError(absl::StrCat(
          "cannot create a ledger database at ", path, ": its parent directory ",
          parent.string(), " does not exist; create it first (mkdir -p ", parent.string(), ")"));
    }
    if (const std::optional<std::string> other = OtherFileIn(path); other.has_value()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "cannot create a ledger database in ", path, ": the directory holds other files (\"",
          *other, "\"), which would sit beside the database's, and be served with them if it "
          "is a published directory; give a new or empty directory"));
    }
  }
  rocksdb::DBOptions options;
  if (env != nullptr) options.env = env;
  if (exists) {
    // Refuse a foreign RocksDB before opening it for writing: opening would
    // add our column families to it.
    std::vector<std::string> names;
    LEDGER_RETURN_IF_ERROR(FromRocks(
        rocksdb::DB::ListColumnFamilies(options, path, &names),
        absl::StrCat("reading the column families of ", path)));
    if (std::find(names.begin(), names.end(), format::kMetaFamily) ==
        names.end()) {
      return WithNextStep(
          absl::FailedPreconditionError(absl::StrCat(
              path, " is a RocksDB database but not a Compact Ledger log (no \"",
              format::kMetaFamily, "\" column family); give a ledger's directory instead")),
          NextStep::kOtherDatabase);
    }
  }
  options.create_if_missing = true;
  options.create_missing_column_families = true;
  // The hash memtable of request ids takes one writer at a time; the log
  // has one (its commit thread) for appends anyway.
  options.allow_concurrent_memtable_write = false;
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const char* name : kFamilies) {
    descriptors.emplace_back(name, FamilyOptions(name));
  }
  std::unique_ptr<RocksDb> db(new RocksDb());
  db->path_ = path;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s =
      mode == Mode::kReadOnly
          ? rocksdb::DB::OpenForReadOnly(options, path, descriptors,
                                         &db->families_, &raw)
          : rocksdb::DB::Open(options, path, descriptors, &db->families_, &raw);
  db->db_.reset(raw);
  if (!s.ok()) {
    // RocksDB's lock: one writable open per database, across processes.
    if (s.IsIOError() && absl::StrContains(s.ToString(), "While lock file")) {
      return absl::UnavailableError(absl::StrCat(
          "the ledger database at ", path, " is open for writing in another process (a "
          "running `ledgerctl serve`, import or mirror): stop it first, or record through the "
          "server; reading commands (log, replay, verify, prove) work while it runs"));
    }
    return FromRocks(s, absl::StrCat("opening ledger database ", path));
  }
  LEDGER_RETURN_IF_ERROR(CheckFormat(*db, !exists, mode));
  if (!exists) LEDGER_RETURN_IF_ERROR(SyncParentDirectory(*options.env, path));
  return db;
}

RocksDb::~RocksDb() {
  if (db_ == nullptr) return;
  for (auto* family : families_) db_->DestroyColumnFamilyHandle(family);
  db_->Close();
}

absl::StatusOr<std::optional<std::string>> RocksDb::Get(Family family,
                                                       std::string_view key) const {
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), handle(family),
                               rocksdb::Slice(key.data(), key.size()), &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  LEDGER_RETURN_IF_ERROR(FromRocks(s, "reading the ledger"));
  return std::optional<std::string>(std::move(value));
}

RocksDb::Cursor RocksDb::NewCursor(Family family, Scan scan) const {
  rocksdb::ReadOptions options;
  if (scan == Scan::kSequential) {
    options.verify_checksums = false;
    options.readahead_size = 2 << 20;
    options.fill_cache = false;
  }
  return Cursor(db_->NewIterator(options, handle(family)));
}

absl::Status RocksDb::Write(Batch& batch, bool sync) {
  rocksdb::WriteOptions options;
  options.sync = sync;
  const rocksdb::Status s = db_->Write(options, &batch.batch_);
  if (!s.IsIOError()) return FromRocks(s, "writing to the ledger");
  // A failed write or sync leaves RocksDB refusing writes until the
  // database is reopened (docs/durability.md); tell the operator what to do.
  return absl::UnavailableError(absl::StrCat(
      "the ledger cannot write to ", path_, ": ",
      s.IsNoSpace() ? "the disk is full" : "an I/O error", " (", s.ToString(),
      "). Nothing of this append was acknowledged, and no append is taken until the "
      "server restarts: free disk space or repair the device, restart, then retry with "
      "the same request ids"));
}

}  // namespace ledger::log
