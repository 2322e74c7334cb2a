#include "ledger/log/rocks_db.h"

#include <algorithm>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "ledger/base/status_macros.h"
#include "ledger/log/storage_format.h"

namespace ledger::log {

namespace {

const char* const kFamilies[] = {
    rocksdb::kDefaultColumnFamilyName.c_str(), format::kEntriesFamily,
    format::kMerkleFamily,  format::kStreamsFamily, format::kRequestsFamily,
    format::kSnapshotsFamily, format::kMetaFamily, format::kCheckpointsFamily};

absl::Status CheckFormat(RocksDb& db, bool fresh, RocksDb::Mode mode) {
  LEDGER_ASSIGN_OR_RETURN(auto format, db.Get(db.meta(), format::kFormatKey));
  if (format.has_value()) {
    if (*format == format::kFormatValue) return absl::OkStatus();
    return absl::FailedPreconditionError(absl::StrCat(
        db.path(), " holds format \"", *format, "\", this build reads \"",
        format::kFormatValue, "\"; use a matching ledgerctl"));
  }
  if (!fresh || mode == RocksDb::Mode::kReadOnly) {
    return absl::FailedPreconditionError(absl::StrCat(
        db.path(), " is a RocksDB database but not a Compact Ledger log "
                   "(no format marker); point --db at a ledger directory"));
  }
  rocksdb::WriteBatch batch;
  batch.Put(db.meta(), format::kFormatKey, format::kFormatValue);
  return db.Write(&batch, /*sync=*/true);
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

absl::StatusOr<std::unique_ptr<RocksDb>> RocksDb::Open(const std::string& path,
                                                       Mode mode) {
  std::error_code ec;
  const bool exists = std::filesystem::exists(
      std::filesystem::path(path) / "CURRENT", ec);
  if (!exists && mode != Mode::kCreateIfMissing) {
    return absl::NotFoundError(absl::StrCat(
        "no ledger database at ", path,
        "; check --db, or create one with `ledgerctl demo --db ", path, "`"));
  }
  rocksdb::DBOptions options;
  if (exists) {
    // Refuse a foreign RocksDB before opening it for writing: opening would
    // add our column families to it.
    std::vector<std::string> names;
    LEDGER_RETURN_IF_ERROR(FromRocks(
        rocksdb::DB::ListColumnFamilies(options, path, &names),
        absl::StrCat("reading the column families of ", path)));
    if (std::find(names.begin(), names.end(), format::kMetaFamily) ==
        names.end()) {
      return absl::FailedPreconditionError(absl::StrCat(
          path, " is a RocksDB database but not a Compact Ledger log (no \"",
          format::kMetaFamily, "\" column family); point --db at a ledger "
          "directory"));
    }
  }
  options.create_if_missing = true;
  options.create_missing_column_families = true;
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const char* name : kFamilies) {
    descriptors.emplace_back(name, rocksdb::ColumnFamilyOptions());
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
    return FromRocks(s, absl::StrCat("opening ledger database ", path));
  }
  LEDGER_RETURN_IF_ERROR(CheckFormat(*db, !exists, mode));
  return db;
}

RocksDb::~RocksDb() {
  if (db_ == nullptr) return;
  for (auto* family : families_) db_->DestroyColumnFamilyHandle(family);
  db_->Close();
}

absl::StatusOr<std::optional<std::string>> RocksDb::Get(
    rocksdb::ColumnFamilyHandle* family, std::string_view key) const {
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), family,
                               rocksdb::Slice(key.data(), key.size()), &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  LEDGER_RETURN_IF_ERROR(FromRocks(s, "reading the ledger"));
  return std::optional<std::string>(std::move(value));
}

absl::Status RocksDb::Write(rocksdb::WriteBatch* batch, bool sync) {
  rocksdb::WriteOptions options;
  options.sync = sync;
  return FromRocks(db_->Write(options, batch), "writing to the ledger");
}

}  // namespace ledger::log
