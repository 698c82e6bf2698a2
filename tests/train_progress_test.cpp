// train_progress_test: embedviz-train shows its progress on one updating line
// when stderr is a terminal (run here on a pseudo-terminal from forkpty), and
// prints no progress at all when stderr is a pipe or a file.
#include <gtest/gtest.h>
#include <pty.h>  // forkpty
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <fcntl.h>
#include <string>
#include <vector>

#include "process.h"
#include "test_data.h"

using ev::testing::quote;

namespace {

struct PtyRun {
  int status = -1;
  std::string screen;  // everything the program wrote to the terminal
};

// Runs embedviz-train with `args` on a pseudo-terminal of `cols` columns, stdout to /dev/null.
PtyRun run_on_terminal(const std::vector<std::string>& args, unsigned short cols) {
  PtyRun r;
  winsize ws{};
  ws.ws_col = cols;
  ws.ws_row = 24;
  int master = -1;
  const pid_t pid = forkpty(&master, nullptr, nullptr, &ws);
  if (pid < 0) return r;
  if (pid == 0) {
    const int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, STDOUT_FILENO);
    std::vector<char*> argv{const_cast<char*>(EMBEDVIZ_TRAIN_EXE)};
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(EMBEDVIZ_TRAIN_EXE, argv.data());
    ::_exit(127);
  }
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(master, buf, sizeof buf);
    if (n > 0) r.screen.append(buf, std::size_t(n));
    else if (n < 0 && errno == EINTR) continue;
    else break;  // EIO once the program has closed the terminal
  }
  ::close(master);
  int st = 0;
  ::waitpid(pid, &st, 0);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

std::size_t count(const std::string& s, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
  return n;
}

class TrainProgress : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(tmp_.ok());
    std::string text;
    for (const std::string& w : ev::testdata::synthetic_names(400)) text += w + "\n";
    data_ = tmp_.write("names.txt", text);
  }
  // The line is updated every 0.2 s and always once at the end; 15,000 steps
  // take over half a second (far longer in sanitizer builds): several updates.
  std::vector<std::string> args(const char* steps = "15000") const {
    return {"--data", data_, "--steps", steps, "--hidden", "200"};
  }

  ev::testing::TempDir tmp_;
  std::string data_;
};

}  // namespace

TEST_F(TrainProgress, TerminalGetsOneUpdatingLine) {
  const PtyRun r = run_on_terminal(args(), 200);
  ASSERT_EQ(r.status, 0) << r.screen;
  // Updates rewrite the same line: each starts with '\r' and clears the rest.
  EXPECT_GE(count(r.screen, "\rstep "), 2u) << r.screen;
  // (and so does each line of the evaluation's stages, "\r  " and what it does)
  EXPECT_EQ(count(r.screen, "\rstep ") + count(r.screen, "\r  "), count(r.screen, "\x1b[K")) << r.screen;
  EXPECT_NE(r.screen.find(" left  "), std::string::npos) << r.screen;
  EXPECT_NE(r.screen.find("steps/s  loss "), std::string::npos) << r.screen;
  EXPECT_NE(r.screen.find("(batch "), std::string::npos) << r.screen;
  // The last update is the whole run, and the line is ended before what follows.
  const std::size_t last = r.screen.rfind("\rstep ");
  ASSERT_NE(last, std::string::npos);
  const std::string tail = r.screen.substr(last);
  EXPECT_EQ(tail.rfind("\rstep 15000/15000 (100%)  took ", 0), 0u) << tail;
  EXPECT_NE(tail.find("\x1b[K\r\nevaluating on "), std::string::npos) << tail;  // the terminal turns \n into \r\n
}

// On a narrow terminal the line leaves out whole fields to fit, so it never
// wraps onto a second line and never ends in a cut number ("lr 0.0").
TEST_F(TrainProgress, LineFitsANarrowTerminal) {
  for (unsigned short cols : {50, 80}) {
    const PtyRun r = run_on_terminal(args("2000"), cols);
    ASSERT_EQ(r.status, 0) << r.screen;
    std::size_t p = r.screen.find("\rstep ");
    ASSERT_NE(p, std::string::npos) << r.screen;
    for (; p != std::string::npos; p = r.screen.find("\rstep ", p + 1)) {
      const std::size_t end = r.screen.find("\x1b[K", p);
      ASSERT_NE(end, std::string::npos);
      const std::string line = r.screen.substr(p + 1, end - p - 1);
      EXPECT_LE(line.size(), std::size_t(cols - 1)) << line;
      EXPECT_NE(line.find("loss "), std::string::npos) << "the loss is kept: " << line;
      // Every field is whole: the line ends where a field ends.
      EXPECT_TRUE(std::isdigit(static_cast<unsigned char>(line.back())) || line.back() == ')' || line.back() == 's' ||
                  line.back() == 't')
          << line;
      if (const std::size_t b = line.find("(batch "); b != std::string::npos) {
        EXPECT_NE(line.find(')', b), std::string::npos) << line;
      }
      if (const std::size_t lr = line.find("lr "); lr != std::string::npos) {
        const std::string rate = line.substr(lr + 3);
        EXPECT_GT(std::stod(rate), 0.0) << "the rate printed whole: " << line;
      }
      if (cols == 50) {
        EXPECT_EQ(line.find("(batch "), std::string::npos) << "left out first: " << line;
      }
    }
  }
}

TEST_F(TrainProgress, PipeGetsNoProgress) {
  std::string cmd = quote(EMBEDVIZ_TRAIN_EXE);
  for (const std::string& a : args("2000")) cmd += " " + quote(a);  // a terminal would get at least the last update
  const auto r = ev::testing::run_command(cmd, tmp_.file("stderr.txt"));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err.find('\r'), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("\nstep "), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("steps/s"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("\x1b"), std::string::npos) << r.err;
  // What a pipe does get: what was trained and on what, then the result on stdout.
  EXPECT_NE(r.err.find("data: "), std::string::npos) << r.err;
  EXPECT_EQ(r.out.rfind("steps 2000  train ", 0), 0u) << r.out;
}

// --quiet keeps a terminal quiet too.
TEST_F(TrainProgress, QuietTerminalGetsNothing) {
  auto a = args("2000");
  a.push_back("--quiet");
  const PtyRun r = run_on_terminal(a, 200);
  ASSERT_EQ(r.status, 0) << r.screen;
  EXPECT_EQ(r.screen.find("\rstep "), std::string::npos) << r.screen;
  EXPECT_EQ(r.screen.find("steps/s"), std::string::npos) << r.screen;
}
