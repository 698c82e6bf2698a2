// session_crash_test: SIGKILL in the middle of saves never damages the file at
// the target path: it always loads, as the old or the new complete session.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <dirent.h>

#include "core/base/atomic_file.h"
#include "core/base/error.h"
#include "core/base/rng.h"
#include "core/io/session.h"
#include "test_data.h"

using namespace ev;

TEST(SessionCrash, KillDuringSaveLeavesACompleteFile) {
  auto data = testdata::synthetic_dataset(100);
  TrainConfig c;
  c.emb = 32;
  c.hidden = 2000;  // about 1.2 MB of parameters: each save takes a while
  Trainer t(data, c);
  const std::string a = encode_session(capture_session(t));
  ASSERT_TRUE(t.step().finite);
  const std::string b = encode_session(capture_session(t));
  ASSERT_NE(a, b);

  char tmpl[] = "/tmp/embedviz_crash_XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::string dir = tmpl, path = dir + "/run.evs";
  write_file_atomic(path, a);

  Rng rng(2024);
  int seen_b = 0;
  for (int round = 0; round < 25; ++round) {
    // The child says when its first save is complete, so the kill lands among
    // later saves however slowly the child starts (sanitizers, a loaded machine).
    int ready[2];
    ASSERT_EQ(pipe(ready), 0);
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      // Child: save the two sessions in turn until killed.
      close(ready[0]);
      for (int i = 0; i < 100000; ++i) {
        write_file_atomic(path, (i & 1) ? a : b);
        if (i == 0 && write(ready[1], "1", 1) != 1) _exit(1);
      }
      _exit(0);
    }
    close(ready[1]);
    char byte = 0;
    ASSERT_EQ(read(ready[0], &byte, 1), 1) << "the child ended before its first save";
    close(ready[0]);
    usleep(useconds_t(rng.below(30000)));
    ASSERT_EQ(kill(pid, SIGKILL), 0);
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);

    const std::string got = read_file_bytes(path, kMaxSessionBytes);
    ASSERT_TRUE(got == a || got == b) << "round " << round << ": the target holds " << got.size() << " bytes";
    seen_b += got == b;
    EXPECT_NO_THROW(parse_session(got, path));
  }
  EXPECT_GT(seen_b, 0) << "the child never completed a save: the test did not exercise anything";

  // Killed saves leave temporaries beside the target, never in its place.
  DIR* d = opendir(dir.c_str());
  ASSERT_NE(d, nullptr);
  while (dirent* e = readdir(d)) {
    const std::string name = e->d_name;
    if (name != "." && name != "..") std::remove((dir + "/" + name).c_str());
  }
  closedir(d);
  rmdir(dir.c_str());
}
