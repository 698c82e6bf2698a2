// key_taps_test.cpp: a key pressed and released within one poll of events
// reads as down for exactly one frame; a key held across polls is left to the
// platform backend.
#include <gtest/gtest.h>

#include "app/key_taps.h"

namespace {

TEST(KeyTaps, ATapWithinOnePollIsDownForOneFrame) {
  ev::app::KeyTaps taps;
  bool down[512] = {};
  const int enter = 257;
  taps.press(enter);  // press and release before the frame: the backend left it up
  taps.release(enter);
  taps.begin_frame(down, 512);
  EXPECT_TRUE(down[enter]);
  taps.end_frame(down, 512);
  EXPECT_FALSE(down[enter]);
  taps.begin_frame(down, 512);  // the next frame: nothing more
  EXPECT_FALSE(down[enter]);
  taps.end_frame(down, 512);
}

TEST(KeyTaps, AKeyHeldAcrossPollsIsNotATap) {
  ev::app::KeyTaps taps;
  bool down[512] = {};
  taps.press(32);
  down[32] = true;  // the backend's state
  taps.begin_frame(down, 512);
  taps.end_frame(down, 512);
  EXPECT_TRUE(down[32]) << "held: untouched";
  taps.release(32);  // released in a later poll: the backend's release stands
  down[32] = false;
  taps.begin_frame(down, 512);
  EXPECT_FALSE(down[32]);
  taps.end_frame(down, 512);
}

TEST(KeyTaps, PressedAgainWithinThePollIsHeld) {
  ev::app::KeyTaps taps;
  bool down[512] = {};
  taps.press(65);
  taps.release(65);
  taps.press(65);
  down[65] = true;  // the backend's state after the second press
  taps.begin_frame(down, 512);
  taps.end_frame(down, 512);
  EXPECT_TRUE(down[65]) << "still held";
}

TEST(KeyTaps, KeysOutsideTheTableAreIgnored) {
  ev::app::KeyTaps taps;
  bool down[4] = {};
  taps.press(-1);
  taps.release(-1);
  taps.press(9);
  taps.release(9);
  taps.begin_frame(down, 4);
  taps.end_frame(down, 4);
  for (bool d : down) EXPECT_FALSE(d);
}

}  // namespace
