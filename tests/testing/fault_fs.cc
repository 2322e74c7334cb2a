#include "tests/testing/fault_fs.h"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <utility>
#include <vector>

namespace ledger::testing {

namespace {

std::string Normal(const std::string& path) {
  std::string p = std::filesystem::path(path).lexically_normal().string();
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  return p;
}

std::string Parent(const std::string& normal_path) {
  const size_t slash = normal_path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return normal_path.substr(0, slash);
}

bool IsWal(const std::string& path) {
  return path.size() > 4 && path.compare(path.size() - 4, 4, ".log") == 0;
}

std::optional<std::string> ReadWhole(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

rocksdb::IOStatus PowerOff() { return rocksdb::IOStatus::IOError("simulated power cut"); }

}  // namespace

// A writable file whose appends and syncs FaultFs accounts for.
class FaultFs::File : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  File(FaultFs& fs, std::string path, std::unique_ptr<rocksdb::FSWritableFile> target)
      : FSWritableFileOwnerWrapper(std::move(target)), fs_(fs), path_(std::move(path)) {}
  const std::string& path() const { return path_; }
  rocksdb::FSWritableFile* real() { return target(); }

  rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                           rocksdb::IODebugContext* dbg) override {
    return fs_.Append(*this, data, options, dbg);
  }
  rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                           const rocksdb::DataVerificationInfo& /*info*/,
                           rocksdb::IODebugContext* dbg) override {
    return fs_.Append(*this, data, options, dbg);
  }
  rocksdb::IOStatus PositionedAppend(const rocksdb::Slice&, uint64_t, const rocksdb::IOOptions&,
                                     rocksdb::IODebugContext*) override {
    return rocksdb::IOStatus::NotSupported("FaultFs: PositionedAppend (direct I/O)");
  }
  rocksdb::IOStatus PositionedAppend(const rocksdb::Slice&, uint64_t, const rocksdb::IOOptions&,
                                     const rocksdb::DataVerificationInfo&,
                                     rocksdb::IODebugContext*) override {
    return rocksdb::IOStatus::NotSupported("FaultFs: PositionedAppend (direct I/O)");
  }
  rocksdb::IOStatus Truncate(uint64_t size, const rocksdb::IOOptions& options,
                             rocksdb::IODebugContext* dbg) override {
    return fs_.TruncateFile(*this, size, options, dbg);
  }
  rocksdb::IOStatus Sync(const rocksdb::IOOptions&, rocksdb::IODebugContext*) override {
    return fs_.Sync(*this);
  }
  rocksdb::IOStatus Fsync(const rocksdb::IOOptions&, rocksdb::IODebugContext*) override {
    return fs_.Sync(*this);
  }
  // Syncs a range without promising durability: nothing to account.
  rocksdb::IOStatus RangeSync(uint64_t, uint64_t, const rocksdb::IOOptions&,
                              rocksdb::IODebugContext*) override {
    return rocksdb::IOStatus::OK();
  }

 private:
  FaultFs& fs_;
  const std::string path_;
};

// A directory whose fsync makes the entries in it durable.
class FaultFs::Directory : public rocksdb::FSDirectoryWrapper {
 public:
  Directory(FaultFs& fs, std::string path, std::unique_ptr<rocksdb::FSDirectory> target)
      : FSDirectoryWrapper(std::move(target)), fs_(fs), path_(std::move(path)) {}
  rocksdb::IOStatus Fsync(const rocksdb::IOOptions&, rocksdb::IODebugContext*) override {
    return fs_.SyncDirectory(path_);
  }
  rocksdb::IOStatus FsyncWithDirOptions(const rocksdb::IOOptions&, rocksdb::IODebugContext*,
                                        const rocksdb::DirFsyncOptions&) override {
    return fs_.SyncDirectory(path_);
  }

 private:
  FaultFs& fs_;
  const std::string path_;
};

FaultFs::FaultFs() : FileSystemWrapper(rocksdb::FileSystem::Default()) {}

std::shared_ptr<rocksdb::Env> FaultFs::NewEnv(const std::shared_ptr<FaultFs>& fs) {
  return std::shared_ptr<rocksdb::Env>(rocksdb::NewCompositeEnv(fs).release());
}

void FaultFs::CutPower() {
  std::lock_guard<std::mutex> lock(mu_);
  power_off_ = true;
}

PowerCutLoss FaultFs::DropUnsyncedData() {
  std::lock_guard<std::mutex> lock(mu_);
  PowerCutLoss loss;
  std::error_code ec;
  for (const auto& [path, state] : files_) {
    if (!state.entry_durable) {
      ++loss.entries_removed;
      loss.bytes_dropped += state.size;
      if (state.replaced.has_value()) {
        std::ofstream(path, std::ios::binary | std::ios::trunc) << *state.replaced;
      } else {
        std::filesystem::remove(path, ec);
      }
      continue;
    }
    const uint64_t size = std::filesystem::file_size(path, ec);
    if (!ec && size > state.synced) {
      std::filesystem::resize_file(path, state.synced, ec);
      ++loss.files_truncated;
      loss.bytes_dropped += size - state.synced;
    }
  }
  for (const auto& [dir, durable] : new_dirs_) {
    if (!durable && std::filesystem::remove_all(dir, ec) > 0) ++loss.entries_removed;
  }
  files_.clear();
  new_dirs_.clear();
  power_off_ = false;
  return loss;
}

void FaultFs::InjectError(Op op, const rocksdb::IOStatus& error) {
  std::lock_guard<std::mutex> lock(mu_);
  (op == Op::kWalAppend ? wal_append_error_ : wal_sync_error_) = error;
}

void FaultFs::ClearErrors() {
  std::lock_guard<std::mutex> lock(mu_);
  wal_append_error_.reset();
  wal_sync_error_.reset();
}

uint64_t FaultFs::injected_failures() const {
  std::lock_guard<std::mutex> lock(mu_);
  return injected_failures_;
}

void FaultFs::HoldWalSyncs() {
  std::lock_guard<std::mutex> lock(mu_);
  hold_wal_syncs_ = true;
}

void FaultFs::ReleaseWalSyncs() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    hold_wal_syncs_ = false;
  }
  held_changed_.notify_all();
}

bool FaultFs::WaitForHeldWalSync(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock<std::mutex> lock(mu_);
  return held_changed_.wait_until(lock, deadline, [this] { return held_wal_syncs_ > 0; });
}

uint64_t FaultFs::wal_syncs() const {
  std::lock_guard<std::mutex> lock(mu_);
  return wal_syncs_;
}

rocksdb::IOStatus FaultFs::CheckPowerLocked() const {
  return power_off_ ? PowerOff() : rocksdb::IOStatus::OK();
}

rocksdb::IOStatus FaultFs::NewWritableFile(const std::string& fname,
                                           const rocksdb::FileOptions& options,
                                           std::unique_ptr<rocksdb::FSWritableFile>* result,
                                           rocksdb::IODebugContext* dbg) {
  const std::string path = Normal(fname);
  std::lock_guard<std::mutex> lock(mu_);
  if (auto s = CheckPowerLocked(); !s.ok()) return s;
  std::error_code ec;
  const bool existed = std::filesystem::exists(path, ec);
  std::unique_ptr<rocksdb::FSWritableFile> file;
  rocksdb::IOStatus s = target()->NewWritableFile(path, options, &file, dbg);
  if (!s.ok()) return s;
  // A file that already had a durable name keeps it (emptied).
  auto [it, added] = files_.try_emplace(path);
  if (added) it->second.entry_durable = existed;
  it->second.size = 0;
  it->second.synced = 0;
  result->reset(new File(*this, path, std::move(file)));
  return s;
}

rocksdb::IOStatus FaultFs::ReopenWritableFile(const std::string& fname,
                                              const rocksdb::FileOptions& options,
                                              std::unique_ptr<rocksdb::FSWritableFile>* result,
                                              rocksdb::IODebugContext* dbg) {
  const std::string path = Normal(fname);
  std::lock_guard<std::mutex> lock(mu_);
  if (auto s = CheckPowerLocked(); !s.ok()) return s;
  std::error_code ec;
  const bool existed = std::filesystem::exists(path, ec);
  std::unique_ptr<rocksdb::FSWritableFile> file;
  rocksdb::IOStatus s = target()->ReopenWritableFile(path, options, &file, dbg);
  if (!s.ok()) return s;
  if (files_.count(path) == 0) {
    // Untracked until now: what it holds is durable.
    const uint64_t size = existed ? std::filesystem::file_size(path, ec) : 0;
    files_[path] = FileState{size, size, existed, std::nullopt};
  }
  result->reset(new File(*this, path, std::move(file)));
  return s;
}

rocksdb::IOStatus FaultFs::ReuseWritableFile(const std::string&, const std::string&,
                                             const rocksdb::FileOptions&,
                                             std::unique_ptr<rocksdb::FSWritableFile>*,
                                             rocksdb::IODebugContext*) {
  return rocksdb::IOStatus::NotSupported("FaultFs does not model recycled log files");
}

rocksdb::IOStatus FaultFs::NewDirectory(const std::string& name, const rocksdb::IOOptions& options,
                                        std::unique_ptr<rocksdb::FSDirectory>* result,
                                        rocksdb::IODebugContext* dbg) {
  std::unique_ptr<rocksdb::FSDirectory> dir;
  rocksdb::IOStatus s = target()->NewDirectory(name, options, &dir, dbg);
  if (s.ok()) result->reset(new Directory(*this, Normal(name), std::move(dir)));
  return s;
}

rocksdb::IOStatus FaultFs::RenameFile(const std::string& src, const std::string& target_name,
                                      const rocksdb::IOOptions& options,
                                      rocksdb::IODebugContext* dbg) {
  const std::string from = Normal(src);
  const std::string to = Normal(target_name);
  std::lock_guard<std::mutex> lock(mu_);
  if (auto s = CheckPowerLocked(); !s.ok()) return s;
  // What a power cut before the next directory sync brings back at `to`.
  std::optional<std::string> replaced;
  if (auto it = files_.find(to); it != files_.end()) {
    replaced = it->second.entry_durable ? ReadWhole(to) : it->second.replaced;
  } else {
    replaced = ReadWhole(to);
  }
  rocksdb::IOStatus s = target()->RenameFile(from, to, options, dbg);
  if (!s.ok()) return s;
  FileState moved;
  if (auto it = files_.find(from); it != files_.end()) {
    moved = it->second;
    files_.erase(it);
  } else {
    std::error_code ec;
    moved.size = moved.synced = std::filesystem::file_size(to, ec);
  }
  moved.entry_durable = false;
  moved.replaced = std::move(replaced);
  files_[to] = std::move(moved);
  return s;
}

rocksdb::IOStatus FaultFs::DeleteFile(const std::string& fname, const rocksdb::IOOptions& options,
                                      rocksdb::IODebugContext* dbg) {
  const std::string path = Normal(fname);
  std::lock_guard<std::mutex> lock(mu_);
  if (auto s = CheckPowerLocked(); !s.ok()) return s;
  rocksdb::IOStatus s = target()->DeleteFile(path, options, dbg);
  if (s.ok()) files_.erase(path);
  return s;
}

rocksdb::IOStatus FaultFs::TrackNewDir(const std::string& dirname, bool existed) {
  if (!existed) new_dirs_.emplace(Normal(dirname), false);
  return rocksdb::IOStatus::OK();
}

rocksdb::IOStatus FaultFs::CreateDir(const std::string& dirname, const rocksdb::IOOptions& options,
                                     rocksdb::IODebugContext* dbg) {
  std::lock_guard<std::mutex> lock(mu_);
  if (auto s = CheckPowerLocked(); !s.ok()) return s;
  std::error_code ec;
  const bool existed = std::filesystem::exists(dirname, ec);
  rocksdb::IOStatus s = target()->CreateDir(dirname, options, dbg);
  if (s.ok()) TrackNewDir(dirname, existed);
  return s;
}

rocksdb::IOStatus FaultFs::CreateDirIfMissing(const std::string& dirname,
                                              const rocksdb::IOOptions& options,
                                              rocksdb::IODebugContext* dbg) {
  std::lock_guard<std::mutex> lock(mu_);
  if (auto s = CheckPowerLocked(); !s.ok()) return s;
  std::error_code ec;
  const bool existed = std::filesystem::exists(dirname, ec);
  rocksdb::IOStatus s = target()->CreateDirIfMissing(dirname, options, dbg);
  if (s.ok()) TrackNewDir(dirname, existed);
  return s;
}

rocksdb::IOStatus FaultFs::Truncate(const std::string& fname, size_t size,
                                    const rocksdb::IOOptions& options,
                                    rocksdb::IODebugContext* dbg) {
  const std::string path = Normal(fname);
  std::lock_guard<std::mutex> lock(mu_);
  if (auto s = CheckPowerLocked(); !s.ok()) return s;
  rocksdb::IOStatus s = target()->Truncate(path, size, options, dbg);
  if (auto it = files_.find(path); s.ok() && it != files_.end()) {
    it->second.size = size;
    it->second.synced = std::min<uint64_t>(it->second.synced, size);
  }
  return s;
}

rocksdb::IOStatus FaultFs::Append(File& file, const rocksdb::Slice& data,
                                  const rocksdb::IOOptions& options,
                                  rocksdb::IODebugContext* dbg) {
  std::lock_guard<std::mutex> lock(mu_);
  if (auto s = CheckPowerLocked(); !s.ok()) return s;
  if (wal_append_error_.has_value() && IsWal(file.path())) {
    ++injected_failures_;
    return *wal_append_error_;
  }
  rocksdb::IOStatus s = file.real()->Append(data, options, dbg);
  if (s.ok()) files_[file.path()].size += data.size();
  return s;
}

rocksdb::IOStatus FaultFs::Sync(File& file) {
  std::unique_lock<std::mutex> lock(mu_);
  const bool wal = IsWal(file.path());
  if (wal && hold_wal_syncs_) {
    ++held_wal_syncs_;
    held_changed_.notify_all();
    held_changed_.wait(lock, [this] { return !hold_wal_syncs_; });
    --held_wal_syncs_;
  }
  if (auto s = CheckPowerLocked(); !s.ok()) return s;
  if (wal_sync_error_.has_value() && wal) {
    ++injected_failures_;
    return *wal_sync_error_;
  }
  FileState& state = files_[file.path()];
  state.synced = state.size;
  if (wal) ++wal_syncs_;
  return rocksdb::IOStatus::OK();
}

rocksdb::IOStatus FaultFs::TruncateFile(File& file, uint64_t size,
                                        const rocksdb::IOOptions& options,
                                        rocksdb::IODebugContext* dbg) {
  std::lock_guard<std::mutex> lock(mu_);
  if (auto s = CheckPowerLocked(); !s.ok()) return s;
  rocksdb::IOStatus s = file.real()->Truncate(size, options, dbg);
  if (s.ok()) {
    FileState& state = files_[file.path()];
    state.size = size;
    state.synced = std::min(state.synced, size);
  }
  return s;
}

rocksdb::IOStatus FaultFs::SyncDirectory(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  if (auto s = CheckPowerLocked(); !s.ok()) return s;
  for (auto& [path, state] : files_) {
    if (Parent(path) == name) {
      state.entry_durable = true;
      state.replaced.reset();
    }
  }
  for (auto& [dir, durable] : new_dirs_) {
    if (Parent(dir) == name) durable = true;
  }
  return rocksdb::IOStatus::OK();
}

}  // namespace ledger::testing
