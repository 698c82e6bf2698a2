// app_cli_test: runs the real embedviz program with its flags, headless
// (EGL surfaceless) and, where xvfb-run is installed, in a window under Xvfb:
// --frames, --play/--steps, --size, --stats and --screenshot do what they say,
// and bad options or data end with one line on stderr and a failing status.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/base/rng.h"
#include "process.h"
#include "test_data.h"

using ev::testing::count_lines;
using ev::testing::Outcome;
using ev::testing::quote;
using nlohmann::json;

namespace {

class AppCli : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(tmp_.ok()); }

  // Runs embedviz with `args` (already quoted), after `prefix` (a wrapper such
  // as xvfb-run), with its config and data directories in the test's own.
  Outcome run(const std::string& args, const std::string& prefix = "") {
    const std::string env = "XDG_CONFIG_HOME=" + quote(tmp_.file("config")) + " XDG_DATA_HOME=" +
                            quote(tmp_.file("share")) + " ";
    return ev::testing::run_command(env + prefix + quote(EMBEDVIZ_APP_EXE) + " " + args, tmp_.file("stderr.txt"));
  }

  // Eighty synthetic names, one a line: a valid, small data set.
  std::string small_data() {
    std::string text;
    for (const std::string& w : ev::testdata::synthetic_names(80)) text += w + "\n";
    return tmp_.write("small.txt", text);
  }

  json read_json(const std::string& path) {
    std::ifstream f(path);
    if (!f) return json();
    return json::parse(f, nullptr, false);
  }

  // The run ended well and wrote its stats file, read into *stats.
  ::testing::AssertionResult ran_with_stats(const Outcome& r, const std::string& path, json* stats) {
    if (!r.exited) return ::testing::AssertionFailure() << "killed by a signal; " << r.err;
    if (r.status != 0) return ::testing::AssertionFailure() << "exit status " << r.status << "; " << r.err;
    *stats = read_json(path);
    if (!stats->is_object()) return ::testing::AssertionFailure() << "no stats written to " << path;
    return ::testing::AssertionSuccess();
  }

  // True when a headless run failed only because this machine has no EGL/GL.
  static bool no_gl(const Outcome& r) {
    return r.exited && r.status != 0 &&
           (r.err.find("EGL") != std::string::npos || r.err.find("OpenGL") != std::string::npos);
  }

  ev::testing::TempDir tmp_;
};

// Width and height from a PNG file's IHDR chunk; {0, 0} when it is not a PNG.
std::pair<std::uint32_t, std::uint32_t> png_size(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  unsigned char h[24] = {};
  if (!f.read(reinterpret_cast<char*>(h), sizeof h)) return {0, 0};
  const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  for (int i = 0; i < 8; ++i)
    if (h[i] != sig[i]) return {0, 0};
  auto be32 = [&](int o) {
    return std::uint32_t(h[o]) << 24 | std::uint32_t(h[o + 1]) << 16 | std::uint32_t(h[o + 2]) << 8 | h[o + 3];
  };
  return {be32(16), be32(20)};
}

TEST_F(AppCli, HelpNamesTheFlags) {
  const Outcome r = run("--help");
  ASSERT_TRUE(r.exited);
  EXPECT_EQ(r.status, 0);
  for (const char* flag : {"--data", "--play", "--frames", "--steps", "--screenshot", "--stats", "--size", "--headless",
                           "--fps", "--model", "--film-play"})
    EXPECT_NE(r.out.find(flag), std::string::npos) << flag << " not in --help:\n" << r.out;
}

TEST_F(AppCli, HeadlessFramesWriteStatsAndAScreenshotOfTheAskedSize) {
  const std::string stats = tmp_.file("stats.json"), png = tmp_.file("shot.png");
  const Outcome r = run("--headless --frames 7 --size 640x400 --data " + quote(small_data()) + " --stats " +
                        quote(stats) + " --screenshot " + quote(png));
  if (no_gl(r)) GTEST_SKIP() << "no headless OpenGL here: " << r.err;
  json j;
  ASSERT_TRUE(ran_with_stats(r, stats, &j));
  EXPECT_EQ(j["frames"], 7);
  EXPECT_EQ(j["width"], 640);
  EXPECT_EQ(j["height"], 400);
  EXPECT_GT(j["frame_ms_p50"].get<double>(), 0.0);
  EXPECT_GE(j["frame_ms_p95"].get<double>(), j["frame_ms_p50"].get<double>());
  EXPECT_EQ(j["train_steps"], 0) << "trained without --play";
  const auto [w, h] = png_size(png);
  EXPECT_EQ(w, 640u);
  EXPECT_EQ(h, 400u);
}

TEST_F(AppCli, HeadlessPlayTrainsUntilSteps) {
  const std::string stats = tmp_.file("stats.json");
  const std::string png = tmp_.file("shot.png");
  const Outcome r = run("--headless --play --steps 400 --size 640x400 --data " + quote(small_data()) + " --stats " +
                        quote(stats) + " --screenshot " + quote(png));
  if (no_gl(r)) GTEST_SKIP() << "no headless OpenGL here: " << r.err;
  json j;
  ASSERT_TRUE(ran_with_stats(r, stats, &j));
  EXPECT_GE(j["train_steps"].get<std::int64_t>(), 400);
  EXPECT_GT(j["train_steps_per_s"].get<double>(), 0.0);
  EXPECT_GE(j["frames"].get<int>(), 1);
  EXPECT_EQ(png_size(png), std::make_pair(640u, 400u)) << "no picture of the last frame";
}

// --film-play shows the next kept step of the timeline every frame, so --stats
// times frames while scrubbing: a training run's timeline is walked frame by
// frame; a run that never trained keeps one step, and there is nothing to play.
TEST_F(AppCli, FilmPlayShowsANewKeptStepEveryFrame) {
  const std::string stats = tmp_.file("stats.json"), idle = tmp_.file("idle.json");
  const Outcome r = run("--headless --play --film-play --frames 40 --size 640x400 --data " + quote(small_data()) +
                        " --stats " + quote(stats));
  if (no_gl(r)) GTEST_SKIP() << "no headless OpenGL here: " << r.err;
  json j;
  ASSERT_TRUE(ran_with_stats(r, stats, &j));
  // From the first frames on the timeline holds more than one step, and each
  // frame draws another; only those frames are timed.
  EXPECT_GE(j["frames"].get<int>(), 30) << j.dump();
  EXPECT_LE(j["frames"].get<int>(), 40);
  EXPECT_GE(j["film_frames_shown"].get<int>(), j["frames"].get<int>() - 1) << j.dump();
  EXPECT_GT(j["frame_ms_p50"].get<double>(), 0.0);
  const Outcome r2 = run("--headless --film-play --frames 10 --size 640x400 --data " + quote(small_data()) +
                         " --stats " + quote(idle));
  ASSERT_TRUE(ran_with_stats(r2, idle, &j));
  EXPECT_EQ(j["film_frames_shown"], 0) << "a run at step 0 has no film";
  EXPECT_EQ(j["frames"], 0) << "and no frame of one to time";
  const Outcome r3 = run("--headless --frames 3 --size 640x400 --data " + quote(small_data()) + " --stats " + quote(idle));
  ASSERT_TRUE(ran_with_stats(r3, idle, &j));
  EXPECT_FALSE(j.contains("film_frames_shown")) << "only --film-play reports it";
}

// --model gpt trains the transformer with microgpt's optimizer.
TEST_F(AppCli, ModelFlagTrainsTheTransformer) {
  const std::string stats = tmp_.file("stats.json");
  const Outcome r = run("--headless --model gpt --play --steps 20 --size 640x400 --data " + quote(small_data()) +
                        " --stats " + quote(stats));
  if (no_gl(r)) GTEST_SKIP() << "no headless OpenGL here: " << r.err;
  json j;
  ASSERT_TRUE(ran_with_stats(r, stats, &j));
  EXPECT_EQ(j["model"], "gpt");
  EXPECT_EQ(j["optimizer"], "adam");
  EXPECT_GE(j["train_steps"].get<std::int64_t>(), 20);
}

// --sweep starts an experiment with the window: its runs train side by side
// to --sweep-steps and the stats file holds the results table.
TEST_F(AppCli, SweepFlagRunsAnExperiment) {
  const std::string stats = tmp_.file("stats.json");
  const Outcome r = run("--headless --sweep hidden=4,8,16 --sweep-steps 200 --jobs 2 --size 640x400 --data " +
                        quote(small_data()) + " --stats " + quote(stats));
  if (no_gl(r)) GTEST_SKIP() << "no headless OpenGL here: " << r.err;
  json j;
  ASSERT_TRUE(ran_with_stats(r, stats, &j));
  ASSERT_TRUE(j.contains("experiment")) << j.dump();
  ASSERT_EQ(j["experiment"].size(), 3u);
  EXPECT_EQ(j["experiment"][0]["value"], "4");
  EXPECT_EQ(j["experiment"][2]["value"], "16");
  for (const auto& run : j["experiment"]) {
    EXPECT_EQ(run["state"], "done") << run.dump();
    EXPECT_EQ(run["steps"].get<std::int64_t>(), 200) << run.dump();
    EXPECT_GT(run["val_loss"].get<double>(), 0.0) << run.dump();
  }
}

TEST_F(AppCli, BadOptionsAreRefusedWithOneLine) {
  for (const char* args : {"--size 10x10", "--size wide", "--emb 0", "--emb 1025", "--fps -1", "--lr 0", "--frames -5",
                           "--no-such-flag", "--model nope", "--sweep hidden=x", "--sweep nope=1", "--jobs 0"}) {
    const Outcome r = run(std::string("--headless ") + args);
    ASSERT_TRUE(r.exited) << args << ": killed by a signal; " << r.err;
    EXPECT_EQ(r.status, 2) << args << ": " << r.err;
    EXPECT_EQ(count_lines(r.err), 1u) << args << ":\n" << r.err;
    EXPECT_EQ(r.err.rfind("embedviz: ", 0), 0u) << args << ": " << r.err;
  }
}

TEST_F(AppCli, HeadlessBadDataFailsNamingTheFile) {
  const std::string missing = tmp_.file("no-such-file.txt");
  std::string binary(4096, '\0');
  ev::Rng rng(9);
  for (char& c : binary) c = char(rng.below(256));
  const std::string bin = tmp_.write("noise.bin", binary);
  const std::string empty = tmp_.write("empty.txt", "");
  // The file given with --data, or as the one argument (how a desktop opens a file with the app).
  for (const auto& [flag, path] : {std::pair<std::string, std::string>{"--data ", missing}, {"--data ", bin},
                                   {"--data ", empty}, {"", missing}, {"", bin}}) {
    const std::string stats = tmp_.file("stats.json");
    const Outcome r = run("--headless --frames 3 " + flag + quote(path) + " --stats " + quote(stats));
    if (no_gl(r)) GTEST_SKIP() << "no headless OpenGL here: " << r.err;
    ASSERT_TRUE(r.exited) << path << ": killed by a signal; " << r.err;
    EXPECT_EQ(r.status, 1) << path << ": " << r.err;
    EXPECT_EQ(count_lines(r.err), 1u) << r.err;
    EXPECT_NE(r.err.find(path.substr(path.rfind('/') + 1)), std::string::npos) << r.err;
    EXPECT_FALSE(std::ifstream(stats).good()) << "stats written for a run that did not happen";
  }
}

// An output that could not be written is refused with the options, before a
// frame is drawn or a step trained: a missing folder, a folder's name, the data,
// two outputs that are one file.
TEST_F(AppCli, UnwritableOutputsAreRefusedBeforeAnyWork) {
  const std::string dir = tmp_.file("missing-dir"), data = small_data();
  const std::string stats = tmp_.file("stats.json");
  for (const std::string& args : {"--stats " + quote(dir + "/s.json"), "--screenshot " + quote(dir + "/s.png"),
                                  "--screenshot " + quote(tmp_.file("")), "--screenshot " + quote(data),
                                  "--screenshot " + quote(stats) + " --stats " + quote(tmp_.file("./stats.json")),
                                  "--record " + quote(dir + "/r.gif"), "--record " + quote(data),
                                  "--record " + quote(tmp_.file(""))}) {
    const Outcome r = run("--headless --play --steps 1000000 --data " + quote(data) + " " + args);
    ASSERT_TRUE(r.exited) << args << ": killed by a signal; " << r.err;
    EXPECT_EQ(r.status, 2) << args << ": " << r.err;
    EXPECT_EQ(count_lines(r.err), 1u) << r.err;
  }
  EXPECT_FALSE(std::filesystem::exists(dir));
  EXPECT_FALSE(std::filesystem::exists(stats));
}

// --record writes the run as a GIF of the asked size and frame count.
TEST_F(AppCli, RecordWritesTheRunAsAGif) {
  const std::string gif = tmp_.file("run.gif");
  const Outcome r = run("--headless --play --steps 300 --size 320x240 --record-frames 12 --record " + quote(gif) +
                        " --data " + quote(small_data()));
  if (no_gl(r)) GTEST_SKIP() << "no headless OpenGL here: " << r.err;
  ASSERT_TRUE(r.exited) << r.err;
  ASSERT_EQ(r.status, 0) << r.err;
  const std::string bytes = ev::testing::TempDir::read(gif);
  ASSERT_GT(bytes.size(), 13u);
  EXPECT_EQ(bytes.substr(0, 6), "GIF89a");
  EXPECT_EQ(std::uint8_t(bytes[6]) | std::uint8_t(bytes[7]) << 8, 320);  // the logical screen's size
  EXPECT_EQ(std::uint8_t(bytes[8]) | std::uint8_t(bytes[9]) << 8, 240);
  std::size_t frames = 0;  // image descriptors follow each graphic control extension
  for (std::size_t at = bytes.find("\x21\xF9\x04"); at != std::string::npos; at = bytes.find("\x21\xF9\x04", at + 1))
    ++frames;
  EXPECT_EQ(frames, 12u);
}

// Options CLI11 alone would take, and pairs that could never do what they say.
TEST_F(AppCli, StrictOptionsAreRefused) {
  const std::string data = quote(small_data());
  const std::vector<std::string> cases = {"--size 1600x1000junk", "--size 1600x", "--fps nan", "--fps inf",
                                          "--lr nan", "--seed -1", "--data ''", "--stats ''", "--screenshot ''",
                                          "--frames 0 --screenshot " + quote(tmp_.file("f.png")),
                                          "--steps 10 --data " + data, "--frames 2 --stats /dev/full",
                                          "--frames 2 --screenshot /dev/null",
                                          "--frames 2 --data " + data + " --stats " + data,
                                          "--record " + quote(tmp_.file("f.gif")),
                                          "--play --record " + quote(tmp_.file("f.gif")),
                                          "--play --steps 10 --record-frames 1 --record " + quote(tmp_.file("f.gif")),
                                          "--play --steps 10 --size 8000x8000 --record " + quote(tmp_.file("f.gif"))};
  for (const std::string& args : cases) {
    const Outcome r = run("--headless " + args);
    ASSERT_TRUE(r.exited) << args << ": killed by a signal; " << r.err;
    EXPECT_EQ(r.status, 2) << args << ": " << r.err;
    EXPECT_EQ(count_lines(r.err), 1u) << args << ":\n" << r.err;
  }
  EXPECT_FALSE(std::ifstream(tmp_.file("f.png")).good());
  EXPECT_TRUE(std::filesystem::is_character_file("/dev/full"));
  EXPECT_EQ(ev::testing::TempDir::read(tmp_.file("small.txt")).size() > 0, true);
}

// A write that fails part way (the file-size limit stands in for a full
// disk) is an error, and the file already there is left whole.
TEST_F(AppCli, AFailedWriteKeepsTheOldFile) {
  const std::string shot = tmp_.write("shot.png", "an older picture");
  const Outcome r = run("--headless --frames 2 --data " + quote(small_data()) + " --screenshot " + quote(shot),
                        "ulimit -f 8; trap '' XFSZ; ");
  if (no_gl(r)) GTEST_SKIP() << "no headless OpenGL here: " << r.err;
  ASSERT_TRUE(r.exited) << "killed by a signal; " << r.err;
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_NE(r.err.find("shot.png"), std::string::npos) << r.err;
  EXPECT_EQ(ev::testing::TempDir::read(shot), "an older picture");
}

// A real window under Xvfb: frames are timed by phase, and bad data is
// reported on the terminal too while the window trains on the default data.
TEST_F(AppCli, WindowUnderXvfb) {
#ifdef EMBEDVIZ_SANITIZED
  GTEST_SKIP() << "the X libraries are not built for sanitizers";
#endif
  if (std::system("command -v xvfb-run >/dev/null 2>&1") != 0) GTEST_SKIP() << "xvfb-run not installed";
  const std::string xvfb = "xvfb-run -a -s '-screen 0 1024x768x24' ";
  const std::string stats = tmp_.file("stats.json");
  Outcome r = run("--frames 12 --fps 0 --size 800x500 --data " + quote(small_data()) + " --stats " + quote(stats), xvfb);
  json j;
  ASSERT_TRUE(ran_with_stats(r, stats, &j));
  EXPECT_EQ(j["frames"], 12);
  EXPECT_EQ(j["width"], 800);
  EXPECT_EQ(j["fps_limit"], 0.0);
  const double worst = j["frame_ms_max"].get<double>();
  for (const char* phase : {"ui_ms_p50", "render_ms_p50", "present_ms_p50"}) {
    ASSERT_TRUE(j.contains(phase)) << phase;
    EXPECT_GE(j[phase].get<double>(), 0.0) << phase;
    EXPECT_LE(j[phase].get<double>(), worst) << phase;
  }
  EXPECT_GT(j["render_ms_p50"].get<double>(), 0.0);

  // --steps ends the run: its last frame is still saved.
  const std::string png = tmp_.file("window.png");
  r = run("--play --steps 300 --size 800x500 --data " + quote(small_data()) + " --stats " + quote(stats) +
              " --screenshot " + quote(png),
          xvfb);
  ASSERT_TRUE(ran_with_stats(r, stats, &j));
  EXPECT_GE(j["train_steps"].get<std::int64_t>(), 300);
  EXPECT_EQ(png_size(png), std::make_pair(800u, 500u)) << "no picture of the last frame";

  const std::string missing = tmp_.file("no-such-file.txt");
  r = run("--frames 3 --size 800x500 --data " + quote(missing), xvfb);
  ASSERT_TRUE(r.exited) << r.err;
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("no-such-file.txt"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("default data"), std::string::npos) << r.err;
}

// Clicks in a real window reach the buttons under the pointer: the frame's
// input comes from the window's events (the pointer moved by xdotool, each
// click a press and a release within one frame). Step 10, then Step: 11
// steps, at which --steps ends the run; a click that missed leaves the run at
// step 0 until --frames ends it.
TEST_F(AppCli, ClicksInTheWindowPressItsButtons) {
#ifdef EMBEDVIZ_SANITIZED
  GTEST_SKIP() << "the X libraries are not built for sanitizers";
#endif
  if (std::system("command -v xvfb-run >/dev/null 2>&1") != 0) GTEST_SKIP() << "xvfb-run not installed";
  if (std::system("command -v xdotool >/dev/null 2>&1") != 0) GTEST_SKIP() << "xdotool not installed";
  // The app in the background; once its window is mapped and has drawn a
  // second, two clicks on the Controls panel's buttons (800x500 layout).
  const std::string drive = tmp_.write("drive.sh",
                                       "\"$@\" &\n"
                                       "app=$!\n"
                                       "timeout 60 xdotool search --sync --onlyvisible --name '^embedviz$' >/dev/null\n"
                                       "sleep 1.5\n"
                                       "xdotool mousemove 197 83 click 1\n"  // Step 10
                                       "sleep 0.5\n"
                                       "xdotool mousemove 120 83 click 1\n"  // Step
                                       "wait $app\n");
  const std::string stats = tmp_.file("clicks.json");
  const Outcome r = run("--frames 3600 --steps 11 --size 800x500 --data " + quote(small_data()) + " --stats " + quote(stats),
                        "xvfb-run -a -s '-screen 0 1024x768x24' sh " + quote(drive) + " ");
  json j;
  ASSERT_TRUE(ran_with_stats(r, stats, &j));
  EXPECT_EQ(j["train_steps"].get<std::int64_t>(), 11);
  EXPECT_LT(j["frames"].get<int>(), 3600) << "the clicks did not reach the buttons";
}

}  // namespace

// A saved session opens at start (--session, or as the file given alone), and
// --projection tsne shows its map: the stats say when the first layout came.
TEST_F(AppCli, SessionOpensAtStartWithItsMap) {
  const std::string data = small_data(), session = tmp_.file("s.evs"), stats = tmp_.file("stats.json");
  const Outcome trained = ev::testing::run_command(quote(EMBEDVIZ_TRAIN_EXE) + " -q --data " + quote(data) +
                                                       " --steps 70 --save-session " + quote(session),
                                                   tmp_.file("train.txt"));
  ASSERT_EQ(trained.status, 0) << trained.err;
  for (const std::string& how : {"--session " + quote(session), quote(session)}) {
    const Outcome r = run("--headless " + how + " --projection tsne --frames 400 --size 800x500 --stats " + quote(stats));
    if (no_gl(r)) GTEST_SKIP() << "no headless OpenGL here: " << r.err;
    json j;
    ASSERT_TRUE(ran_with_stats(r, stats, &j));
    EXPECT_EQ(j["train_steps"].get<std::int64_t>(), 70) << how;
    ASSERT_TRUE(j.contains("map_first_layout_s")) << j.dump();
    EXPECT_GE(j["map_layouts"].get<int>(), 1);
  }
  // A missing or damaged session: one line naming it, before any window.
  const std::string damaged = tmp_.write("damaged.evs", "not a session");
  for (const std::string& bad : {tmp_.file("missing.evs"), damaged}) {
    const Outcome r = run("--headless --session " + quote(bad) + " --frames 3");
    EXPECT_EQ(r.status, 2) << r.err;
    EXPECT_EQ(ev::testing::count_lines(r.err), 1u) << r.err;
    EXPECT_NE(r.err.find("--session"), std::string::npos) << r.err;
  }
}
