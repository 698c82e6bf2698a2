// parallel.cpp: see parallel.h. A worker hands its part back through an
// atomic state (idle -> given -> idle) that the caller spins on first and
// then waits for on a condition variable; the spins are bounded in time, so
// an idle program's workers sleep.
#include "core/base/parallel.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <system_error>
#include <thread>

namespace ev {

namespace {

// True on a pool's workers, and on a caller while it runs its own ranges:
// a region started there runs on that thread alone.
thread_local bool t_in_part = false;

// Spins until ready() or `budget` has passed; true if ready.
template <class Ready>
bool spin_until(const Ready& ready, std::chrono::microseconds budget) {
  const auto until = std::chrono::steady_clock::now() + budget;
  for (int i = 1;; ++i) {
    if (ready()) return true;
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();  // the spin-wait hint (Intel SDM, PAUSE)
#endif
    if (i % 64 == 0 && std::chrono::steady_clock::now() >= until) return ready();
  }
}

// A worker spins this long for its next part before it sleeps: the regions
// of a training step follow each other within tens of microseconds.
constexpr std::chrono::microseconds kWorkerSpin{100};
// The caller spins this long for a worker's part to end before it sleeps.
constexpr std::chrono::microseconds kCallerSpin{2000};

enum State : int { kIdle = 0, kGiven = 1 };

// Boundaries of `parts` ranges of [0, n) at multiples of `align`, as even as that allows.
std::vector<int> boundaries(int n, int parts, int align) {
  std::vector<int> at(std::size_t(parts) + 1, n);
  at[0] = 0;
  for (int p = 1; p < parts; ++p) {
    const long long even = (static_cast<long long>(n) * p) / parts;
    at[std::size_t(p)] = std::min(n, int((even + align / 2) / align * align));
  }
  return at;
}

}  // namespace

class WorkerPool::Worker {
 public:
  Worker() : thread_([this] { loop(); }) {}  // throws std::system_error when no thread can start
  ~Worker() {
    {
      const std::lock_guard<std::mutex> hold(m_);
      stop_ = true;
    }
    wake_.notify_one();
    thread_.join();
  }
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Starts part(begin, end) on this worker's thread.
  void give(const std::function<void(int, int)>* part, int begin, int end) {
    {
      const std::lock_guard<std::mutex> hold(m_);
      part_ = part, begin_ = begin, end_ = end, failed_ = nullptr;
      state_.store(kGiven, std::memory_order_release);
    }
    wake_.notify_one();
  }

  // Waits for the part given to end; its exception, if it threw.
  std::exception_ptr wait() {
    const auto idle = [this] { return state_.load(std::memory_order_acquire) == kIdle; };
    if (!spin_until(idle, kCallerSpin)) {
      std::unique_lock<std::mutex> hold(m_);
      done_.wait(hold, idle);
    }
    return failed_;
  }

 private:
  void loop() {
    t_in_part = true;
    const auto given = [this] { return state_.load(std::memory_order_acquire) == kGiven; };
    for (;;) {
      spin_until(given, kWorkerSpin);
      std::unique_lock<std::mutex> hold(m_);
      wake_.wait(hold, [&] { return given() || stop_; });
      if (!given()) return;  // stopped
      hold.unlock();
      try {
        (*part_)(begin_, end_);
      } catch (...) {
        failed_ = std::current_exception();
      }
      hold.lock();
      state_.store(kIdle, std::memory_order_release);
      hold.unlock();
      done_.notify_one();
    }
  }

  std::mutex m_;
  std::condition_variable wake_, done_;   // a part given (or stop); a part done
  std::atomic<int> state_{kIdle};
  const std::function<void(int, int)>* part_ = nullptr;
  int begin_ = 0, end_ = 0;
  std::exception_ptr failed_;
  bool stop_ = false;
  std::thread thread_;  // last: it starts once the members above exist
};

WorkerPool::WorkerPool(int max_workers) : max_workers_(std::max(0, max_workers)) {}

WorkerPool::~WorkerPool() = default;  // each Worker joins its thread

int WorkerPool::workers() const {
  const std::lock_guard<std::mutex> hold(lock_);
  return int(all_.size());
}

std::vector<WorkerPool::Worker*> WorkerPool::claim(int wanted) {
  std::vector<Worker*> taken;
  const std::lock_guard<std::mutex> hold(lock_);
  while (int(taken.size()) < wanted && !idle_.empty()) {
    taken.push_back(idle_.back());
    idle_.pop_back();
  }
  while (int(taken.size()) < wanted && int(all_.size()) < max_workers_) {
    try {
      all_.push_back(std::make_unique<Worker>());
    } catch (const std::system_error&) {
      break;  // no thread: the caller runs the part
    }
    taken.push_back(all_.back().get());
  }
  return taken;
}

void WorkerPool::give_back(const std::vector<Worker*>& taken) {
  const std::lock_guard<std::mutex> hold(lock_);
  for (auto w = taken.rbegin(); w != taken.rend(); ++w) idle_.push_back(*w);
}

void WorkerPool::run(int n, int parts, int align, const std::function<void(int, int)>& part) {
  parts = std::max(1, std::min(parts, n));
  if (parts == 1) return part(0, n);
  const std::vector<int> at = boundaries(n, parts, std::max(1, align));
  const std::vector<Worker*> taken = t_in_part ? std::vector<Worker*>() : claim(parts - 1);
  const int given = int(taken.size());
  for (int p = 1; p <= given; ++p) taken[std::size_t(p) - 1]->give(&part, at[std::size_t(p)], at[std::size_t(p) + 1]);
  // Range 0, then those no worker took, here; each part's exception kept.
  std::vector<std::exception_ptr> failed(static_cast<std::size_t>(parts));
  const bool was_in_part = t_in_part;
  t_in_part = true;
  for (int p = 0; p < parts; p = p == 0 ? given + 1 : p + 1) {
    try {
      part(at[std::size_t(p)], at[std::size_t(p) + 1]);
    } catch (...) {
      failed[std::size_t(p)] = std::current_exception();
    }
  }
  t_in_part = was_in_part;
  for (int p = 1; p <= given; ++p) failed[std::size_t(p)] = taken[std::size_t(p) - 1]->wait();
  give_back(taken);
  for (const std::exception_ptr& e : failed)
    if (e) std::rethrow_exception(e);
}

void parallel_ranges(int n, int parts, int align, const std::function<void(int, int)>& part) {
  // Never destroyed: a thread still running at exit may call here after
  // static destructors have begun; the parked workers end with the process.
  static WorkerPool* const pool = new WorkerPool();
  pool->run(n, parts, align, part);
}

}  // namespace ev
