// ThreadSanitizer builds only: makes absl::Mutex and absl::CondVar visible
// to ThreadSanitizer.
//
// Debian's abseil is not built with -fsanitize=thread, so its Mutex (atomics
// and futexes inside libabsl_synchronization.so) orders nothing that TSan
// can see: every access to ABSL_GUARDED_BY data from two threads would be
// reported as a race, and a real race could hide among those reports. This
// file defines the Mutex and CondVar entry points in the test executable
// itself. The dynamic linker then binds every call to them (ours, and
// gRPC's, whose internal locks are absl::Mutex too) to these definitions,
// which call abseil's own and tell TSan what a lock means: acquire after
// the lock is taken, release before it is given up, and acquire before a
// Condition is evaluated (abseil may evaluate it on the thread that
// unlocks, or on the waiter before Await returns). A thread that gives up
// the lock reads the waiters' Condition objects, which they wrote before
// queueing themselves through abseil's unseen atomics: those reads (inline
// code of abseil's header) are ignored, while the condition's own code
// runs checked.
//
// Linked into the test executables by ledger_test() when LEDGER_TSAN is on;
// never part of a product binary.
#include <dlfcn.h>
#include <sanitizer/tsan_interface.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

// ThreadSanitizer's dynamic annotations (its runtime defines them).
extern "C" void AnnotateIgnoreReadsBegin(const char* file, int line);
extern "C" void AnnotateIgnoreReadsEnd(const char* file, int line);

namespace {

#define LEDGER_TSAN_STR2(x) #x
#define LEDGER_TSAN_STR(x) LEDGER_TSAN_STR2(x)

// abseil's own definition of the member whose Itanium mangled name ends in
// `tail` (after "_ZN4absl<inline namespace>").
template <typename Fn>
Fn Original(const char* tail) {
  const std::string ns = LEDGER_TSAN_STR(ABSL_OPTION_INLINE_NAMESPACE_NAME);
  const std::string name = "_ZN4absl" + std::to_string(ns.size()) + ns + tail;
  void* f = dlsym(RTLD_NEXT, name.c_str());
  if (f == nullptr) {
    // A test-build set-up error (another abseil ABI), not a runtime input.
    std::fprintf(stderr, "tsan_absl_sync: %s not found in abseil: %s\n", name.c_str(), dlerror());
    std::abort();
  }
  return reinterpret_cast<Fn>(f);
}

void Acquired(const void* mu) { __tsan_acquire(const_cast<void*>(mu)); }
void Releasing(const void* mu) { __tsan_release(const_cast<void*>(mu)); }

// Nesting depth of Giving scopes on this thread.
thread_local int giving_up = 0;

// While this thread gives up a lock inside abseil: reads are not checked.
class Giving {
 public:
  Giving() {
    if (giving_up++ == 0) AnnotateIgnoreReadsBegin(__FILE__, __LINE__);
  }
  ~Giving() {
    if (--giving_up == 0) AnnotateIgnoreReadsEnd(__FILE__, __LINE__);
  }
  Giving(const Giving&) = delete;
  Giving& operator=(const Giving&) = delete;
};

// The caller's condition, evaluated between an acquire and a release of
// its mutex (abseil evaluates it with the lock held, and may give the lock
// up right after), with its reads checked even when another thread
// evaluates it while giving up the lock.
struct Guarded {
  const absl::Mutex* mu;
  const absl::Condition* condition;
  static bool Eval(Guarded* g) {
    // The waiter wrote `g` and its condition before a release of `mu`.
    const absl::Mutex* mu = g->mu;
    Acquired(mu);
    if (giving_up > 0) AnnotateIgnoreReadsEnd(__FILE__, __LINE__);
    const bool met = g->condition->Eval();
    if (giving_up > 0) AnnotateIgnoreReadsBegin(__FILE__, __LINE__);
    Releasing(mu);
    return met;
  }
};

using MutexFn = void (*)(absl::Mutex*);
using TryFn = bool (*)(absl::Mutex*);
using WhenFn = void (*)(absl::Mutex*, const absl::Condition&);
using WhenTimeoutFn = bool (*)(absl::Mutex*, const absl::Condition&, absl::Duration);
using WhenDeadlineFn = bool (*)(absl::Mutex*, const absl::Condition&, absl::Time);
using WaitFn = void (*)(absl::CondVar*, absl::Mutex*);
using WaitTimeoutFn = bool (*)(absl::CondVar*, absl::Mutex*, absl::Duration);
using WaitDeadlineFn = bool (*)(absl::CondVar*, absl::Mutex*, absl::Time);

}  // namespace

namespace absl {
ABSL_NAMESPACE_BEGIN

void Mutex::Lock() {
  static const auto original = Original<MutexFn>("5Mutex4LockEv");
  original(this);
  Acquired(this);
}

void Mutex::Unlock() {
  static const auto original = Original<MutexFn>("5Mutex6UnlockEv");
  Releasing(this);
  Giving giving;
  original(this);
}

bool Mutex::TryLock() {
  static const auto original = Original<TryFn>("5Mutex7TryLockEv");
  if (!original(this)) return false;
  Acquired(this);
  return true;
}

void Mutex::ReaderLock() {
  static const auto original = Original<MutexFn>("5Mutex10ReaderLockEv");
  original(this);
  Acquired(this);
}

void Mutex::ReaderUnlock() {
  static const auto original = Original<MutexFn>("5Mutex12ReaderUnlockEv");
  Releasing(this);
  Giving giving;
  original(this);
}

bool Mutex::ReaderTryLock() {
  static const auto original = Original<TryFn>("5Mutex13ReaderTryLockEv");
  if (!original(this)) return false;
  Acquired(this);
  return true;
}

void Mutex::LockWhen(const Condition& cond) {
  static const auto original = Original<WhenFn>("5Mutex8LockWhenERKNS0_9ConditionE");
  Guarded g{this, &cond};
  Releasing(this);  // publishes `g` to whoever evaluates it
  original(this, Condition(&Guarded::Eval, &g));
  Acquired(this);
}

void Mutex::ReaderLockWhen(const Condition& cond) {
  static const auto original = Original<WhenFn>("5Mutex14ReaderLockWhenERKNS0_9ConditionE");
  Guarded g{this, &cond};
  Releasing(this);  // publishes `g` to whoever evaluates it
  original(this, Condition(&Guarded::Eval, &g));
  Acquired(this);
}

bool Mutex::LockWhenWithTimeout(const Condition& cond, Duration timeout) {
  static const auto original =
      Original<WhenTimeoutFn>("5Mutex19LockWhenWithTimeoutERKNS0_9ConditionENS0_8DurationE");
  Guarded g{this, &cond};
  Releasing(this);  // publishes `g` to whoever evaluates it
  const bool met = original(this, Condition(&Guarded::Eval, &g), timeout);
  Acquired(this);
  return met;
}

bool Mutex::LockWhenWithDeadline(const Condition& cond, Time deadline) {
  static const auto original =
      Original<WhenDeadlineFn>("5Mutex20LockWhenWithDeadlineERKNS0_9ConditionENS0_4TimeE");
  Guarded g{this, &cond};
  Releasing(this);  // publishes `g` to whoever evaluates it
  const bool met = original(this, Condition(&Guarded::Eval, &g), deadline);
  Acquired(this);
  return met;
}

void Mutex::Await(const Condition& cond) {
  static const auto original = Original<WhenFn>("5Mutex5AwaitERKNS0_9ConditionE");
  Guarded g{this, &cond};
  Releasing(this);
  Giving giving;
  original(this, Condition(&Guarded::Eval, &g));
  Acquired(this);
}

bool Mutex::AwaitWithTimeout(const Condition& cond, Duration timeout) {
  static const auto original =
      Original<WhenTimeoutFn>("5Mutex16AwaitWithTimeoutERKNS0_9ConditionENS0_8DurationE");
  Guarded g{this, &cond};
  Releasing(this);
  Giving giving;
  const bool met = original(this, Condition(&Guarded::Eval, &g), timeout);
  Acquired(this);
  return met;
}

bool Mutex::AwaitWithDeadline(const Condition& cond, Time deadline) {
  static const auto original =
      Original<WhenDeadlineFn>("5Mutex17AwaitWithDeadlineERKNS0_9ConditionENS0_4TimeE");
  Guarded g{this, &cond};
  Releasing(this);
  Giving giving;
  const bool met = original(this, Condition(&Guarded::Eval, &g), deadline);
  Acquired(this);
  return met;
}

void CondVar::Wait(Mutex* mu) {
  static const auto original = Original<WaitFn>("7CondVar4WaitEPNS0_5MutexE");
  Releasing(mu);
  {
    Giving giving;
    original(this, mu);
  }
  Acquired(mu);
}

bool CondVar::WaitWithTimeout(Mutex* mu, Duration timeout) {
  static const auto original =
      Original<WaitTimeoutFn>("7CondVar15WaitWithTimeoutEPNS0_5MutexENS0_8DurationE");
  Releasing(mu);
  bool timed_out;
  {
    Giving giving;
    timed_out = original(this, mu, timeout);
  }
  Acquired(mu);
  return timed_out;
}

bool CondVar::WaitWithDeadline(Mutex* mu, Time deadline) {
  static const auto original =
      Original<WaitDeadlineFn>("7CondVar16WaitWithDeadlineEPNS0_5MutexENS0_4TimeE");
  Releasing(mu);
  bool timed_out;
  {
    Giving giving;
    timed_out = original(this, mu, deadline);
  }
  Acquired(mu);
  return timed_out;
}

ABSL_NAMESPACE_END
}  // namespace absl
