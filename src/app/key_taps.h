// key_taps.h: keys pressed and released between two frames. Dear ImGui 1.86
// reads keys as held or not once a frame (io.KeysDown), so a quick tap (an
// Enter of 10 ms, a remote clicker's) that starts and ends within one poll of
// events is never seen: a search is never submitted. KeyTaps notes such taps
// from the platform's key events and holds each key down for one frame.
#pragma once

#include <algorithm>
#include <vector>

namespace ev::app {

class KeyTaps {
 public:
  // From the platform's key callback, in event order.
  void press(int key) {
    pressed_.push_back(key);
    taps_.erase(std::remove(taps_.begin(), taps_.end(), key), taps_.end());  // down again: held, not a tap
  }
  void release(int key) {
    if (std::find(pressed_.begin(), pressed_.end(), key) != pressed_.end()) taps_.push_back(key);
  }
  // After polling events, before the frame: the tapped keys read as down.
  void begin_frame(bool* keys_down, int count) {
    for (int k : taps_)
      if (k >= 0 && k < count) keys_down[k] = true;
    pressed_.clear();
  }
  // After the frame: they are up again (for the next frame to see the release).
  void end_frame(bool* keys_down, int count) {
    for (int k : taps_)
      if (k >= 0 && k < count) keys_down[k] = false;
    taps_.clear();
  }

 private:
  std::vector<int> pressed_;  // keys pressed since the last poll
  std::vector<int> taps_;     // and released again before it ended
};

}  // namespace ev::app
