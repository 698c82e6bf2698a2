// process.h: runs a program through the shell for tests of the real
// executables, capturing its exit status, stdout and stderr.
#pragma once

#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "test_util.h"  // TempDir

namespace ev::testing {

struct Outcome {
  bool exited = false;  // false: killed by a signal (a crash)
  int status = -1;      // exit status when exited
  std::string out, err;
};

// Single-quotes s for the shell.
inline std::string quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// Runs `command` (already quoted) with stdin from /dev/null; stderr goes
// through err_path, a file the caller owns.
inline Outcome run_command(const std::string& command, const std::string& err_path) {
  const std::string cmd = command + " 2>" + quote(err_path) + " </dev/null";
  Outcome r;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  char buf[4096];
  std::size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  const int st = pclose(p);
  r.exited = WIFEXITED(st);
  r.status = r.exited ? WEXITSTATUS(st) : -1;
  std::ifstream e(err_path);
  std::stringstream ss;
  ss << e.rdbuf();
  r.err = ss.str();
  return r;
}

inline std::size_t count_lines(const std::string& s) {
  std::size_t n = 0;
  for (char c : s) n += c == '\n';
  return n + (!s.empty() && s.back() != '\n');
}

}  // namespace ev::testing
