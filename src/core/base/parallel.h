// parallel.h: one loop cut into contiguous ranges run at once, the first on
// the calling thread. For the training step at a large vocabulary, where a
// step is milliseconds and starting a thread is microseconds.
#pragma once

#include <functional>

namespace ev {

// Calls part(begin, end) on `parts` ranges covering [0, n) in order, each
// boundary a multiple of `align` (a range may be empty), at once: range 0 on
// this thread, the others on threads of their own; returns when all are done.
// An exception from a part is rethrown here once every part has finished
// (the first part's that threw); where a thread cannot be started, its range
// runs on this thread.
void parallel_ranges(int n, int parts, int align, const std::function<void(int, int)>& part);

}  // namespace ev
