// atomic_file_test: saves never replace what they should not (links are
// followed, special files refused and left as they were, permissions kept),
// and reads are bounded (pipes streamed, headers read before the rest).
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <thread>

#include "core/base/atomic_file.h"
#include "core/base/error.h"
#include "process.h"

namespace fs = std::filesystem;
using namespace ev;

namespace {

std::string slurp(const std::string& path) { return read_file_bytes(path, 1 << 20); }

// The message of the ev::Error `f` throws ("" when it throws none).
template <class F>
std::string error_of(F f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

class AtomicFile : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(tmp_.ok()); }
  ev::testing::TempDir tmp_;
};

}  // namespace

TEST_F(AtomicFile, ASymlinkStaysALinkAndItsTargetIsReplaced) {
  const std::string target = tmp_.write("target.txt", "old");
  const std::string link = tmp_.file("link.txt");
  fs::create_symlink("target.txt", link);  // relative, as users make them
  write_file_atomic(link, "new");
  EXPECT_TRUE(fs::is_symlink(link));
  EXPECT_EQ(slurp(target), "new");
  // A chain of links, the last one dangling: the file is made where it points.
  fs::create_directory(tmp_.file("sub"));
  fs::create_symlink(tmp_.file("sub/made.txt"), tmp_.file("sub/dangling"));
  fs::create_symlink("sub/dangling", tmp_.file("chain"));
  write_file_atomic(tmp_.file("chain"), "made");
  EXPECT_TRUE(fs::is_symlink(tmp_.file("chain")));
  EXPECT_TRUE(fs::is_symlink(tmp_.file("sub/dangling")));
  EXPECT_EQ(slurp(tmp_.file("sub/made.txt")), "made");
  // A loop of links is an error, not a hang.
  fs::create_symlink("loop2", tmp_.file("loop1"));
  fs::create_symlink("loop1", tmp_.file("loop2"));
  EXPECT_NE(error_of([&] { write_file_atomic(tmp_.file("loop1"), "x"); }), "");
}

TEST_F(AtomicFile, SpecialFilesAreRefusedAndLeftAsTheyWere) {
  const std::string fifo = tmp_.file("fifo");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0644), 0);
  fs::create_directory(tmp_.file("dir"));
  fs::create_symlink("/dev/null", tmp_.file("to-null"));
  const std::pair<std::string, const char*> cases[] = {
      {"/dev/null", "a device"}, {"/dev/full", "a device"}, {fifo, "a pipe"},
      {tmp_.file("dir"), "a folder"}, {tmp_.file("to-null"), "a device"}};
  for (const auto& [path, what] : cases) {
    const std::string m = error_of([&, p = path] { write_file_atomic(p, "data"); });
    EXPECT_NE(m.find(what), std::string::npos) << path << ": " << m;
    EXPECT_NE(m.find("left as it was"), std::string::npos) << m;
  }
  EXPECT_TRUE(fs::is_character_file("/dev/null"));
  EXPECT_TRUE(fs::is_character_file("/dev/full"));
  EXPECT_TRUE(fs::is_fifo(fifo));
  EXPECT_TRUE(fs::is_directory(tmp_.file("dir")));
  EXPECT_TRUE(fs::is_symlink(tmp_.file("to-null")));
  EXPECT_TRUE(fs::is_empty(tmp_.file("dir")));  // no temporary left behind
  EXPECT_NE(error_of([] { check_replaceable("/dev/full"); }), "");
  EXPECT_EQ(error_of([&] { check_replaceable(tmp_.file("new-file")); }), "");
}

TEST_F(AtomicFile, AReplacedFileKeepsItsPermissions) {
  const std::string p = tmp_.write("private.txt", "old");
  fs::permissions(p, fs::perms::owner_read | fs::perms::owner_write);
  write_file_atomic(p, "new");
  EXPECT_EQ(fs::status(p).permissions() & fs::perms::all, fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_EQ(slurp(p), "new");
}

// A write that fails part way (here: over the file-size limit, as a full disk
// would) reports it and leaves the old file whole.
TEST_F(AtomicFile, AFailedWriteLeavesTheOldFile) {
  const std::string p = tmp_.write("keep.txt", "the old content");
  const std::string big(1 << 20, 'x');
  std::string m;
  std::thread([&] {  // the limit is per process: a signal mask and the limit, then restored
    struct rlimit old {};
    ::getrlimit(RLIMIT_FSIZE, &old);
    struct rlimit small = old;
    small.rlim_cur = 4096;
    signal(SIGXFSZ, SIG_IGN);
    ::setrlimit(RLIMIT_FSIZE, &small);
    m = error_of([&] { write_file_atomic(p, big); });
    ::setrlimit(RLIMIT_FSIZE, &old);
    signal(SIGXFSZ, SIG_DFL);
  }).join();
  EXPECT_NE(m.find("cannot write"), std::string::npos) << m;
  EXPECT_EQ(slurp(p), "the old content");
  std::size_t files = 0;
  for (const auto& e : fs::directory_iterator(fs::path(p).parent_path())) files += e.is_regular_file();
  EXPECT_EQ(files, 1u) << "the temporary must be removed";
}

TEST_F(AtomicFile, SameFileSeesThroughLinksAndOtherSpellings) {
  const std::string p = tmp_.write("data.txt", "x");
  fs::create_symlink(p, tmp_.file("alias"));
  EXPECT_TRUE(same_file(p, tmp_.file("alias")));
  EXPECT_TRUE(same_file(p, tmp_.file("./data.txt")));
  EXPECT_FALSE(same_file(p, tmp_.write("other.txt", "x")));
  EXPECT_FALSE(same_file(p, tmp_.file("missing")));
  EXPECT_FALSE(same_file("", p));
}

TEST_F(AtomicFile, PipesAreReadAsStreamsWithinTheLimit) {
  const std::string fifo = tmp_.file("fifo");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0644), 0);
  std::thread writer([&] { std::ofstream(fifo) << std::string(100000, 'a'); });
  EXPECT_EQ(read_file_bytes(fifo, 1 << 20).size(), 100000u);
  writer.join();
  // The reader stops early: the writer sees a closed pipe (EPIPE, not a signal).
  signal(SIGPIPE, SIG_IGN);
  std::thread writer2([&] { std::ofstream(fifo) << std::string(100000, 'a'); });
  EXPECT_NE(error_of([&] { read_file_bytes(fifo, 1000); }).find("too large"), std::string::npos);
  writer2.join();
  signal(SIGPIPE, SIG_DFL);
  EXPECT_NE(error_of([&] { read_file_bytes(tmp_.file("missing"), 10); }).find("No such file"), std::string::npos);
}

// A huge file is judged by its header: refused without reading the rest.
TEST_F(AtomicFile, AHeaderIsReadBeforeTheRest) {
  const std::string p = tmp_.file("huge");
  { std::ofstream(p) << "HEAD"; }
  fs::resize_file(p, std::uintmax_t(6) << 30);  // sparse: 6 GiB that take no disk
  static int calls = 0;
  const auto refuse = [](std::string_view h, const std::string&) -> std::uint64_t {
    ++calls;
    if (h != "HEAD") throw Error("bad header");
    throw Error("header read: " + std::to_string(h.size()) + " bytes");
  };
  EXPECT_EQ(error_of([&] { read_file_with_header(p, 4, refuse); }), "header read: 4 bytes");
  EXPECT_EQ(calls, 1);
  const auto ten = [](std::string_view, const std::string&) -> std::uint64_t { return 10; };
  EXPECT_NE(error_of([&] { read_file_with_header(p, 4, ten); }).find("unexpected bytes"), std::string::npos);
  EXPECT_NE(error_of([&] { read_file_with_header(tmp_.write("short", "HEADabc"), 4, ten); }).find("truncated"),
            std::string::npos);
  EXPECT_EQ(read_file_with_header(tmp_.write("exact", "HEAD0123456789"), 4, ten), "HEAD0123456789");
}

// The one check every writer calls before its work: folders made or not,
// inputs (only the flag allowed to may replace one), outputs apart.
TEST_F(AtomicFile, OutputsAreCheckedBeforeAnyWork) {
  const std::string data = tmp_.write("data.txt", "a\n");
  const std::vector<Input> inputs = {{data, "the training data", ""}, {tmp_.file("s.evs"), "the session", "--save"}};
  EXPECT_EQ(error_of([&] { check_outputs({{"--out", tmp_.file("new/x.csv"), true}}, inputs); }), "");
  EXPECT_FALSE(fs::exists(tmp_.file("new"))) << "the check made a folder";
  EXPECT_NE(error_of([&] { check_outputs({{"--out", tmp_.file("new/x.csv"), false}}, inputs); }).find("does not exist"),
            std::string::npos);
  EXPECT_NE(error_of([&] { check_outputs({{"--out", tmp_.file("./data.txt"), true}}, inputs); }).find("training data"),
            std::string::npos);
  EXPECT_EQ(error_of([&] { check_outputs({{"--save", tmp_.file("s.evs"), false}}, inputs); }), "");
  EXPECT_NE(error_of([&] { check_outputs({{"--out", tmp_.file("s.evs"), false}}, inputs); }).find("the session"),
            std::string::npos);
  EXPECT_NE(error_of([&] {
              check_outputs({{"--a", tmp_.file("x"), false}, {"--b", tmp_.file("sub/../x"), true}}, inputs);
            }).find("the same file"),
            std::string::npos);
  EXPECT_NE(error_of([&] { check_outputs({{"--out", data + "/x", true}}, inputs); }).find("is not a folder"),
            std::string::npos);
  EXPECT_NE(error_of([&] { check_outputs({{"--out", tmp_.file(""), true}}, inputs); }).find("names a folder"),
            std::string::npos);
  const std::string full = error_of([&] { check_outputs({{"--out", "/dev/full", true}}, inputs); });
  EXPECT_NE(full.find("--out"), std::string::npos) << full;
  EXPECT_NE(full.find("not a regular file"), std::string::npos) << full;
  EXPECT_EQ(error_of([&] { check_outputs({}, inputs); }), "");
  // Folders whose permission bits allow writing (to root, as here) but whose
  // file system makes no files: refused too, naming the folder.
  for (const char* target : {"/proc/self/x.evs", "/sys/x.evs", "/proc/x.evs", "/sys/kernel/x.evs"}) {
    const std::string e = error_of([&] { check_outputs({{"--save-session", target, false}}, inputs); });
    EXPECT_NE(e.find("--save-session"), std::string::npos) << target << ": " << e;
    EXPECT_NE(e.find("nothing was done"), std::string::npos) << target << ": " << e;
    EXPECT_NE(e.find(fs::path(target).parent_path().string()), std::string::npos) << target << ": " << e;
    EXPECT_EQ(e.find('\n'), std::string::npos) << e;
  }
  // The check's trial file is removed: the folder holds what it held.
  std::size_t files = 0;
  for (const auto& entry : fs::directory_iterator(fs::path(data).parent_path())) files += entry.exists();
  EXPECT_EQ(error_of([&] { check_outputs({{"--out", tmp_.file("y.csv"), false}}, inputs); }), "");
  std::size_t after = 0;
  for (const auto& entry : fs::directory_iterator(fs::path(data).parent_path())) after += entry.exists();
  EXPECT_EQ(after, files);
}
