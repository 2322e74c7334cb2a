// RocksDb: the log's RocksDB database and its column families
// (storage_format.h). Internal to ledger/log, and the only header there that
// names RocksDB types: the log's files read and write through the typed
// API below (Get, Cursor, Batch, Write), so that a change of storage engine
// or of RocksDB options happens here and in rocks_db.cc alone. Converts
// rocksdb::Status to absl::Status at this boundary.
//
// Thread-safe as RocksDB is: concurrent reads and writes are allowed; the
// log's single-writer discipline is enforced by Log, not here. A Cursor and
// a Batch are thread-compatible (one thread at a time).
#ifndef LEDGER_LOG_ROCKS_DB_H_
#define LEDGER_LOG_ROCKS_DB_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace ledger::log {

// The column families of storage_format.h.
enum class Family { kEntries, kMerkle, kStreams, kRequests, kSnapshots, kMeta, kCheckpoints };

// rocksdb::Status -> absl::Status, prefixed with what was being done.
absl::Status FromRocks(const rocksdb::Status& status, std::string_view what);

class RocksDb {
 public:
  enum class Mode { kCreateIfMissing, kMustExist, kReadOnly };

  // How a cursor will move, which decides how RocksDB reads for it.
  enum class Scan {
    // Seeks here and there (point lookups, short ranges): RocksDB's
    // defaults.
    kRandom,
    // One long pass in key order (verification): read ahead, do not churn
    // the block cache, and skip RocksDB's block checksums, since every
    // stored byte is covered by a SHA-256 that the pass recomputes.
    kSequential,
  };

  // Opens (or, with kCreateIfMissing, creates) the database at `path`, in
  // `env` (null: RocksDB's default environment). A database it creates is
  // durable once Open returns: the directory's entry in its parent is
  // synced too. NotFound when the directory holds no database and creation
  // is not allowed, or when its parent directory does not exist (parents are
  // not made); FailedPrecondition when creating in a directory that holds
  // other files than RocksDB's own, or when it is not a Compact Ledger
  // database.
  static absl::StatusOr<std::unique_ptr<RocksDb>> Open(const std::string& path, Mode mode,
                                                       rocksdb::Env* env = nullptr);
  ~RocksDb();
  RocksDb(const RocksDb&) = delete;
  RocksDb& operator=(const RocksDb&) = delete;

  // An iterator over one column family, in key order. Unpositioned until a
  // Seek; key() and value() require Valid() and stay valid until the cursor
  // moves.
  class Cursor {
   public:
    void Seek(std::string_view key) { it_->Seek(Slice(key)); }
    // The last key at or before `key`.
    void SeekForPrev(std::string_view key) { it_->SeekForPrev(Slice(key)); }
    void SeekToFirst() { it_->SeekToFirst(); }
    void SeekToLast() { it_->SeekToLast(); }
    void Next() { it_->Next(); }
    void Prev() { it_->Prev(); }
    bool Valid() const { return it_->Valid(); }
    std::string_view key() const { return View(it_->key()); }
    std::string_view value() const { return View(it_->value()); }
    // OK unless a read failed (then Valid() is false): say `what` was read.
    absl::Status status(std::string_view what) const { return FromRocks(it_->status(), what); }

   private:
    friend class RocksDb;
    explicit Cursor(rocksdb::Iterator* it) : it_(it) {}
    static rocksdb::Slice Slice(std::string_view s) { return {s.data(), s.size()}; }
    static std::string_view View(const rocksdb::Slice& s) { return {s.data(), s.size()}; }
    std::unique_ptr<rocksdb::Iterator> it_;
  };

  // Writes to several column families, applied all at once by Write.
  class Batch {
   public:
    explicit Batch(const RocksDb& db) : db_(&db) {}
    void Put(Family family, std::string_view key, std::string_view value) {
      batch_.Put(db_->handle(family), Cursor::Slice(key), Cursor::Slice(value)).PermitUncheckedError();
    }
    void Delete(Family family, std::string_view key) {
      batch_.Delete(db_->handle(family), Cursor::Slice(key)).PermitUncheckedError();
    }
    // Marks the current end of the batch; RollbackToSavePoint takes out
    // everything added since the newest mark, PopSavePoint forgets it.
    void SetSavePoint() { batch_.SetSavePoint(); }
    void RollbackToSavePoint() { batch_.RollbackToSavePoint().PermitUncheckedError(); }
    void PopSavePoint() { batch_.PopSavePoint().PermitUncheckedError(); }

   private:
    friend class RocksDb;
    const RocksDb* db_;
    rocksdb::WriteBatch batch_;
  };

  // Value of `key`, nullopt when absent.
  absl::StatusOr<std::optional<std::string>> Get(Family family, std::string_view key) const;

  // A cursor over `family`, which must not outlive this database.
  Cursor NewCursor(Family family, Scan scan = Scan::kRandom) const;

  // Writes `batch` atomically; with `sync`, returns only once the WAL write
  // is on disk.
  absl::Status Write(Batch& batch, bool sync);

  const std::string& path() const { return path_; }

  // RocksDB itself and the handles of its families: for tests that tamper
  // with the store and benchmarks that flush, compact or read it raw. The
  // library goes through the API above.
  rocksdb::DB* db() const { return db_.get(); }
  rocksdb::ColumnFamilyHandle* handle(Family family) const {
    return families_[static_cast<size_t>(family) + 1];
  }
  rocksdb::ColumnFamilyHandle* entries() const { return handle(Family::kEntries); }
  rocksdb::ColumnFamilyHandle* merkle() const { return handle(Family::kMerkle); }
  rocksdb::ColumnFamilyHandle* streams() const { return handle(Family::kStreams); }
  rocksdb::ColumnFamilyHandle* requests() const { return handle(Family::kRequests); }
  rocksdb::ColumnFamilyHandle* snapshots() const { return handle(Family::kSnapshots); }
  rocksdb::ColumnFamilyHandle* meta() const { return handle(Family::kMeta); }
  rocksdb::ColumnFamilyHandle* checkpoints() const { return handle(Family::kCheckpoints); }

 private:
  RocksDb() = default;
  std::string path_;
  std::unique_ptr<rocksdb::DB> db_;
  // RocksDB's default family first (unused), then Family's in order.
  std::vector<rocksdb::ColumnFamilyHandle*> families_;
};

}  // namespace ledger::log

#endif  // LEDGER_LOG_ROCKS_DB_H_
