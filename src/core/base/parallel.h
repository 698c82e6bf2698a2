// parallel.h: one loop cut into contiguous ranges run at once, the first on
// the calling thread, the others on workers kept from call to call. For the
// training step at a large vocabulary, where a step is a few milliseconds
// cut into several such loops: starting a thread for each would cost more
// than some of the loops themselves, waking a parked one costs little.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace ev {

// Workers that run the parts of parallel_ranges. Each worker, once its part is
// done, spins for a short while (tens of microseconds) in case the next region
// follows at once, then sleeps on a condition variable until it is given
// another. A call takes the idle workers it needs, starting new ones up to
// `max_workers`; what it cannot get (a full pool, a thread that cannot start,
// workers taken by calls on other threads) it runs on the calling thread.
// Destruction waits for the workers to end; no call may be running then.
class WorkerPool {
 public:
  explicit WorkerPool(int max_workers = 255);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // As parallel_ranges below, on this pool's workers.
  void run(int n, int parts, int align, const std::function<void(int, int)>& part);

  // Workers started so far (idle or busy).
  int workers() const;

  class Worker;

 private:
  std::vector<Worker*> claim(int wanted);
  void give_back(const std::vector<Worker*>& taken);

  const int max_workers_;
  mutable std::mutex lock_;
  std::vector<std::unique_ptr<Worker>> all_;  // owned, for the destructor
  std::vector<Worker*> idle_;                 // the last returned is taken first (its caches are warm)
};

// Calls part(begin, end) on `parts` ranges covering [0, n) in order, each
// boundary a multiple of `align` (a range may be empty), at once: range 0 on
// this thread, the others on the process's WorkerPool; returns when all are
// done. An exception from a part is rethrown here once every part has
// finished (the first part's that threw). A call made from inside a part (on
// a worker, or by the caller while it runs its own range) runs its ranges one
// after another on that thread: regions do not nest.
void parallel_ranges(int n, int parts, int align, const std::function<void(int, int)>& part);

}  // namespace ev
