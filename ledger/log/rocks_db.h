// RocksDB handle with the log's column families (storage_format.h). Internal
// to ledger/log: the only file set that sees RocksDB types. Converts
// rocksdb::Status to absl::Status at this boundary.
//
// Thread-safe as RocksDB is: concurrent reads and writes are allowed; the
// log's single-writer discipline is enforced by Log, not here.
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

class RocksDb {
 public:
  enum class Mode { kCreateIfMissing, kMustExist, kReadOnly };

  // Opens (or, with kCreateIfMissing, creates) the database at `path`, in
  // `env` (null: RocksDB's default environment). A database it creates is
  // durable once Open returns: the directory's entry in its parent is
  // synced too. NotFound when the directory holds no database and creation
  // is not allowed; FailedPrecondition when it is not a Compact Ledger
  // database.
  static absl::StatusOr<std::unique_ptr<RocksDb>> Open(const std::string& path, Mode mode,
                                                       rocksdb::Env* env = nullptr);
  ~RocksDb();
  RocksDb(const RocksDb&) = delete;
  RocksDb& operator=(const RocksDb&) = delete;

  rocksdb::DB* db() const { return db_.get(); }
  rocksdb::ColumnFamilyHandle* entries() const { return families_[1]; }
  rocksdb::ColumnFamilyHandle* merkle() const { return families_[2]; }
  rocksdb::ColumnFamilyHandle* streams() const { return families_[3]; }
  rocksdb::ColumnFamilyHandle* requests() const { return families_[4]; }
  rocksdb::ColumnFamilyHandle* snapshots() const { return families_[5]; }
  rocksdb::ColumnFamilyHandle* meta() const { return families_[6]; }
  rocksdb::ColumnFamilyHandle* checkpoints() const { return families_[7]; }

  // Value of `key`, nullopt when absent.
  absl::StatusOr<std::optional<std::string>> Get(
      rocksdb::ColumnFamilyHandle* family, std::string_view key) const;

  // Writes `batch` atomically; with `sync`, returns only once the WAL write
  // is on disk.
  absl::Status Write(rocksdb::WriteBatch* batch, bool sync);

  const std::string& path() const { return path_; }

 private:
  RocksDb() = default;
  std::string path_;
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> families_;
};

// rocksdb::Status -> absl::Status, prefixed with what was being done.
absl::Status FromRocks(const rocksdb::Status& status, std::string_view what);

}  // namespace ledger::log

#endif  // LEDGER_LOG_ROCKS_DB_H_
