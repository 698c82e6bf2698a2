// priority.h: the scheduling priority of the calling thread. A window's frame
// loop, a live run's trainer and a live map share a small machine's cores. A
// live map always yields to training; where a window is drawn (the desktop
// app), the frame loop comes first: the trainer lowers its priority a little
// and the map's threads to the idle class, so each yields to what a person is
// watching. Tests and headless runs keep the trainer at the default.
#pragma once

namespace ev {

// Says that a window's frame loop comes first (the app sets it before any
// run or map starts; threads started later read it).
void put_frames_first(bool on);

// Niceness levels (Linux: 0 is the default, 19 the lowest priority).
int live_trainer_nice();  // 0; 5 with frames first
int live_map_nice();      // 10; 19 with frames first

// Lowers the calling thread's priority to `nice` (nothing elsewhere than
// Linux, for 0, or where it fails: the thread then runs as before).
void lower_this_thread(int nice);

// A live map's thread. With frames first, the idle class (Linux SCHED_IDLE,
// else nice 19): it runs only on a core nothing else wants, and the
// scheduler counts a core running only it as free, so the frame loop, waking
// for a frame, takes the map's core instead of preempting the trainer on the
// other. Otherwise nice 10 (tests and headless runs, where it must progress).
void lower_map_thread();

}  // namespace ev
