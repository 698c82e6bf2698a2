// test_util.h: what the core tests share besides their data (test_data.h):
// the timeouts they wait with, waiting on a worker or a condition, temporary
// folders and reading a file whole. Test support only, not part of the program.
#pragma once

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "core/live/worker.h"

namespace ev::testing {

// How long a test waits for a worker to apply its commands: `Step N` keeps
// the step inspector's record of every update, which is slow under sanitizers.
inline constexpr std::chrono::seconds kIdleTimeout{300};
// How long a test polls or draws frames for something a run will do (reach
// its stop, finish an experiment, lay out a map).
inline constexpr std::chrono::seconds kUntilTimeout{120};

// Calls `done` every millisecond until it holds; false when `limit` passes first.
template <class F>
bool wait_until(F done, std::chrono::steady_clock::duration limit = kUntilTimeout) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

// Waits for the worker to be idle, with the parameters in its snapshot.
inline SnapshotPtr settle(Worker& w) {
  w.want_model();
  if (!w.wait_idle(kIdleTimeout)) ADD_FAILURE() << "the worker did not become idle";
  return w.snapshot();
}

// A whole file's bytes ("" when it cannot be read).
inline std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// A fresh folder under $TMPDIR (or /tmp) named after `stem`, left in place
// (a test that reads what it wrote afterwards removes it); throws when none can be made.
inline std::string temp_dir(const std::string& stem) {
  const char* base = std::getenv("TMPDIR");
  std::string tmpl = std::string(base && *base ? base : "/tmp") + "/" + stem + "_XXXXXX";
  if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed for " + tmpl);
  return tmpl;
}

// A fresh folder, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    try {
      path_ = temp_dir("embedviz_test");
    } catch (const std::runtime_error&) {
    }
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  bool ok() const { return !path_.empty(); }
  static std::string read(const std::string& path) { return read_file(path); }
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  // Writes bytes to the named file in the directory; returns its path.
  std::string write(const std::string& name, const std::string& bytes) const {
    std::ofstream(file(name), std::ios::binary) << bytes;
    return file(name);
  }

 private:
  std::string path_;
};

}  // namespace ev::testing
