// FaultFs: a RocksDB file system for tests that simulates what a power cut
// and a failing disk do to a database.
//
// Writes go through to the real files (they play the page cache: a process
// that reopens the database reads them), while FaultFs remembers, for every
// file written since it was created, how much of it has been synced and
// whether its directory entry has been made durable (the directory fsynced
// after the file was created or renamed into it). CutPower() turns the
// machine off: every later write, sync, create, rename or delete fails with
// an I/O error, so nothing the process does afterwards reaches "disk". Once
// the database is closed, DropUnsyncedData() does to the files what the
// power cut did: a file is cut back to its synced length; a file whose
// directory entry was never synced disappears (or, when it was renamed over
// another file, the other file comes back); a directory created and never
// synced into its parent disappears with its contents. The file system then
// works normally again, tracking from scratch.
//
// Syncs are simulated, not performed (no fsync reaches the real disk), so a
// database opened with and without sync costs the same here.
//
// Error injection: InjectError(kWalAppend, e) makes every append to a
// write-ahead log file (a name ending in ".log") fail with `e`, writing
// nothing; InjectError(kWalSync, e) makes every sync of one fail with `e`
// after its data was written (in the "page cache", not synced), which is
// what a failed fsync leaves. ClearErrors() ends both.
//
// Holding: between HoldWalSyncs() and ReleaseWalSyncs() every sync of a
// write-ahead log waits (its data written, not yet synced), so that a test
// can keep appends in flight, unacknowledged, for as long as it needs.
//
// Not modelled: data of a file deleted without a directory sync coming back,
// link(), random-access read-write files, and recycled log files (refused).
//
// Thread-safety: all methods may be called concurrently; one mutex
// serializes the writes and syncs of every file it tracks.
#ifndef LEDGER_TESTS_TESTING_FAULT_FS_H_
#define LEDGER_TESTS_TESTING_FAULT_FS_H_

#include <cstdint>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <rocksdb/env.h>
#include <rocksdb/file_system.h>

namespace ledger::testing {

// What DropUnsyncedData did.
struct PowerCutLoss {
  // Files cut back to their synced length, and the bytes cut.
  uint64_t files_truncated = 0;
  uint64_t bytes_dropped = 0;
  // Files and directories whose directory entry was never synced.
  uint64_t entries_removed = 0;
};

class FaultFs : public rocksdb::FileSystemWrapper {
 public:
  enum class Op { kWalAppend, kWalSync };

  // Wraps RocksDB's default (POSIX) file system.
  FaultFs();
  const char* Name() const override { return "LedgerFaultFs"; }

  // A RocksDB environment using this file system (for LogOptions::env).
  static std::shared_ptr<rocksdb::Env> NewEnv(const std::shared_ptr<FaultFs>& fs);

  // The power goes off: from now on every mutating call fails.
  void CutPower();
  // Applies the power cut to the files and turns the power back on.
  // Requires CutPower() first and no open writable file (the database
  // closed).
  PowerCutLoss DropUnsyncedData();

  // Every later `op` on a write-ahead log fails with `error` until
  // ClearErrors().
  void InjectError(Op op, const rocksdb::IOStatus& error);
  void ClearErrors();
  // How many calls failed because of an injected error.
  uint64_t injected_failures() const;
  // Syncs of write-ahead log files that succeeded.
  uint64_t wal_syncs() const;

  // From now on WAL syncs wait until ReleaseWalSyncs().
  void HoldWalSyncs();
  // Lets the held syncs (and later ones) go on.
  void ReleaseWalSyncs();
  // Waits until a WAL sync is held or `deadline` passes; true when one is.
  bool WaitForHeldWalSync(std::chrono::steady_clock::time_point deadline);

  rocksdb::IOStatus NewWritableFile(const std::string& fname, const rocksdb::FileOptions& options,
                                    std::unique_ptr<rocksdb::FSWritableFile>* result,
                                    rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus ReopenWritableFile(const std::string& fname,
                                       const rocksdb::FileOptions& options,
                                       std::unique_ptr<rocksdb::FSWritableFile>* result,
                                       rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus ReuseWritableFile(const std::string& fname, const std::string& old_fname,
                                      const rocksdb::FileOptions& options,
                                      std::unique_ptr<rocksdb::FSWritableFile>* result,
                                      rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus NewDirectory(const std::string& name, const rocksdb::IOOptions& options,
                                 std::unique_ptr<rocksdb::FSDirectory>* result,
                                 rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus RenameFile(const std::string& src, const std::string& target,
                               const rocksdb::IOOptions& options,
                               rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus DeleteFile(const std::string& fname, const rocksdb::IOOptions& options,
                               rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus CreateDir(const std::string& dirname, const rocksdb::IOOptions& options,
                              rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus CreateDirIfMissing(const std::string& dirname,
                                       const rocksdb::IOOptions& options,
                                       rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus Truncate(const std::string& fname, size_t size,
                             const rocksdb::IOOptions& options,
                             rocksdb::IODebugContext* dbg) override;

 private:
  class File;
  class Directory;
  // A file written since tracking began.
  struct FileState {
    uint64_t size = 0;
    uint64_t synced = 0;
    // Its name survives a power cut.
    bool entry_durable = false;
    // The file it was renamed over, whose contents a power cut brings back.
    std::optional<std::string> replaced;
  };

  // Fails when the power is off. Requires mu_.
  rocksdb::IOStatus CheckPowerLocked() const;
  // Calls of a file (see File).
  rocksdb::IOStatus Append(File& file, const rocksdb::Slice& data,
                           const rocksdb::IOOptions& options, rocksdb::IODebugContext* dbg);
  rocksdb::IOStatus Sync(File& file);
  rocksdb::IOStatus TruncateFile(File& file, uint64_t size, const rocksdb::IOOptions& options,
                                 rocksdb::IODebugContext* dbg);
  rocksdb::IOStatus SyncDirectory(const std::string& name);
  rocksdb::IOStatus TrackNewDir(const std::string& dirname, bool existed);

  mutable std::mutex mu_;
  bool power_off_ = false;                          // guarded by mu_
  std::map<std::string, FileState> files_;          // guarded by mu_
  std::map<std::string, bool> new_dirs_;            // guarded by mu_; value: entry durable
  std::optional<rocksdb::IOStatus> wal_append_error_;  // guarded by mu_
  std::optional<rocksdb::IOStatus> wal_sync_error_;    // guarded by mu_
  uint64_t injected_failures_ = 0;                  // guarded by mu_
  uint64_t wal_syncs_ = 0;                          // guarded by mu_
  bool hold_wal_syncs_ = false;                     // guarded by mu_
  uint64_t held_wal_syncs_ = 0;                     // guarded by mu_
  std::condition_variable held_changed_;
};

}  // namespace ledger::testing

#endif  // LEDGER_TESTS_TESTING_FAULT_FS_H_
