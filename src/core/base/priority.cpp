// priority.cpp: setpriority on the calling thread's id (on Linux a thread
// has a niceness of its own).
#include "core/base/priority.h"

#include <atomic>

#ifdef __linux__
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

}  // namespace ev
