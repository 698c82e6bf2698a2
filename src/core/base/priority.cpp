// priority.cpp: setpriority and sched_setscheduler on the calling thread (on
// Linux a thread has a niceness and a scheduling class of its own).
#include "core/base/priority.h"

#include <atomic>

#ifdef __linux__
#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace ev {

namespace {
std::atomic<bool> frames_first{false};
}  // namespace

void put_frames_first(bool on) { frames_first.store(on); }
int live_trainer_nice() { return frames_first.load() ? 5 : 0; }
int live_map_nice() { return frames_first.load() ? 19 : 10; }

void lower_this_thread(int nice) {
#ifdef __linux__
  if (nice > 0) setpriority(PRIO_PROCESS, id_t(syscall(SYS_gettid)), nice);
#else
  (void)nice;
#endif
}

void lower_map_thread() {
  if (!frames_first.load()) return lower_this_thread(live_map_nice());
#ifdef __linux__
  sched_param p{};
  if (sched_setscheduler(0, SCHED_IDLE, &p) == 0) return;  // 0: the calling thread
#endif
  lower_this_thread(live_map_nice());
}

}  // namespace ev
