// atomic_file.cpp: write-temp, fsync, rename, fsync-directory, with POSIX calls.
#include "core/base/atomic_file.h"

#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "core/base/error.h"

namespace ev {

namespace {

std::string sys_error(const std::string& what, const std::string& path, int err) {
  return what + " " + shown(path) + ": " + std::strerror(err);
}

// The directory part of a path ("." when there is none), for the directory fsync.
std::string dir_of(const std::string& path) {
  const std::size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

// Closes a descriptor on every path out of a function.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

// The path a write must replace: `path` itself, or the file a chain of
// symbolic links ends at (which need not exist yet).
std::string follow_links(std::string path) {
  for (int hops = 0; hops < 40; ++hops) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) return path;
    char target[PATH_MAX];
    const ssize_t n = ::readlink(path.c_str(), target, sizeof target - 1);
    if (n < 0) throw Error(sys_error("cannot read the link", path, errno));
    const std::string t(target, std::size_t(n));
    path = !t.empty() && t[0] == '/' ? t : dir_of(path) + "/" + t;
  }
  throw Error(sys_error("cannot write", path, ELOOP));
}

// Reads up to n bytes, retrying interrupted reads. Returns the count (0 at the end).
std::size_t read_some(int fd, char* buf, std::size_t n, const std::string& path) {
  for (;;) {
    const ssize_t got = ::read(fd, buf, n);
    if (got >= 0) return std::size_t(got);
    if (errno != EINTR) throw Error(sys_error("cannot read", path, errno));
  }
}

// Appends the file's bytes to *out until its end or until *out holds `limit` bytes.
void read_upto(int fd, std::string* out, std::size_t limit, const std::string& path) {
  char buf[1 << 16];
  while (out->size() < limit) {
    const std::size_t n = read_some(fd, buf, std::min(sizeof buf, limit - out->size()), path);
    if (n == 0) return;
    out->append(buf, n);
  }
}

// True when the file has no more bytes.
bool at_end(int fd, const std::string& path) {
  char c;
  return read_some(fd, &c, 1, path) == 0;
}

int open_for_reading(const std::string& path) {
  if (path.empty()) throw Error("no file name given (an empty path)");
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw Error(sys_error("cannot open", path, errno));
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    ::close(fd);
    throw Error(shown(path) + " is a folder, not a file");
  }
  return fd;
}

}  // namespace

void check_replaceable(const std::string& path) {
  if (path.empty()) throw Error("cannot write a file with an empty name");
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || S_ISREG(st.st_mode)) return;
  const char* what = S_ISDIR(st.st_mode)    ? "a folder"
                     : S_ISFIFO(st.st_mode) ? "a pipe"
                     : S_ISSOCK(st.st_mode) ? "a socket"
                                            : "a device";
  throw Error("cannot write " + shown(path) + ": it is " + what + ", not a regular file; it was left as it was");
}

void write_file_atomic(const std::string& given, std::string_view bytes) {
  if (given.empty()) throw Error("cannot write a file with an empty name");
  const std::string path = follow_links(given);
  check_replaceable(given);
  struct stat old {};
  const bool exists = ::stat(path.c_str(), &old) == 0;
  const std::string dir = dir_of(path);
  // A name of our own per process and call: concurrent saves never share a temporary.
  static std::atomic<unsigned> counter{0};
  const std::string tmp = path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter++);

  Fd f;
  f.fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (f.fd < 0) throw Error(sys_error("cannot create", tmp, errno));
  auto fail = [&](const char* what, const std::string& name) {
    const int err = errno;
    ::unlink(tmp.c_str());
    throw Error(sys_error(what, name, err));
  };
  if (exists && ::fchmod(f.fd, old.st_mode & 07777) != 0) fail("cannot set the permissions of", tmp);
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(f.fd, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("cannot write", tmp);
    }
    done += std::size_t(n);
  }
  // The data must be on disk before the rename makes it visible under the real name.
  if (::fsync(f.fd) != 0) fail("cannot sync", tmp);
  const int fd = f.fd;
  f.fd = -1;
  if (::close(fd) != 0) fail("cannot close", tmp);
  if (::rename(tmp.c_str(), path.c_str()) != 0) fail("cannot rename the new file over", path);

  // The rename itself lives in the directory: sync it so it survives a power cut.
  Fd d;
  d.fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (d.fd < 0) throw Error(sys_error("cannot open directory", dir, errno));
  if (::fsync(d.fd) != 0 && errno != EINVAL) throw Error(sys_error("cannot sync directory", dir, errno));
}

std::string read_file_bytes(const std::string& path, std::size_t max_bytes) {
  Fd f;
  f.fd = open_for_reading(path);
  struct stat st {};
  if (::fstat(f.fd, &st) == 0 && S_ISREG(st.st_mode) && std::uint64_t(st.st_size) > max_bytes)
    throw Error(shown(path) + " is too large (" + std::to_string(st.st_size) + " bytes; the limit is " +
                std::to_string(max_bytes) + ")");
  std::string bytes;
  if (S_ISREG(st.st_mode)) bytes.reserve(std::size_t(st.st_size));
  read_upto(f.fd, &bytes, max_bytes, path);
  if (bytes.size() == max_bytes && !at_end(f.fd, path))
    throw Error(shown(path) + " is too large (over " + std::to_string(max_bytes) + " bytes, the limit)");
  return bytes;
}

std::string read_file_with_header(const std::string& path, std::size_t header,
                                  std::uint64_t (*length_of)(std::string_view, const std::string&)) {
  Fd f;
  f.fd = open_for_reading(path);
  std::string bytes;
  read_upto(f.fd, &bytes, header, path);
  const std::uint64_t rest = length_of(bytes, path);  // throws for a foreign or short header
  bytes.reserve(header + std::size_t(rest));
  read_upto(f.fd, &bytes, header + std::size_t(rest), path);
  if (bytes.size() == header + rest && !at_end(f.fd, path))
    throw Error(shown(path) + ": unexpected bytes after the " + std::to_string(rest) + " the header announces");
  if (bytes.size() != header + rest)
    throw Error(shown(path) + ": truncated: the payload should be " + std::to_string(rest) + " bytes but " +
                std::to_string(bytes.size() - header) + " follow the header");
  return bytes;
}

bool same_file(const std::string& a, const std::string& b) {
  struct stat sa {}, sb {};
  return !a.empty() && !b.empty() && ::stat(a.c_str(), &sa) == 0 && ::stat(b.c_str(), &sb) == 0 &&
         sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

namespace {

// "--flag path" as messages name an output.
std::string named(const Output& o) { return (o.flag.empty() ? "" : o.flag + " ") + shown(o.path); }

// access(2) answers from the permission bits, which root passes everywhere,
// also in /proc and /sys where no file can be made: a file is made in the
// folder for real (O_EXCL, a name of its own) and removed at once.
void probe_folder(const Output& o, const std::string& dir) {
  static std::atomic<unsigned> next{0};
  const std::string probe = dir + "/.embedviz-probe-" + std::to_string(::getpid()) + "-" + std::to_string(next++);
  const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    throw Error(named(o) + ": cannot make a file in the folder " + shown(dir) + ": " + std::strerror(errno) +
                "; nothing was done");
  ::close(fd);
  ::unlink(probe.c_str());
}

// The folder `path` will be written in must exist and take files, or (when it
// may be made) the nearest folder above it that exists must.
void check_folder(const Output& o) {
  namespace fs = std::filesystem;
  const fs::path parent = fs::path(o.path).parent_path();
  fs::path dir = parent.empty() ? fs::path(".") : parent;
  std::error_code ec;
  while (!fs::exists(dir, ec)) {
    if (!o.makes_folders)
      throw Error(named(o) + ": the folder " + shown(dir.string()) + " does not exist; nothing was done");
    if (!dir.has_parent_path() || dir.parent_path() == dir) break;
    dir = dir.parent_path();
  }
  if (!fs::exists(dir, ec)) dir = ".";  // a relative path whose every folder is missing
  if (!fs::is_directory(dir, ec))
    throw Error(named(o) + ": " + shown(dir.string()) + " is not a folder; nothing was done");
  if (::access(dir.c_str(), W_OK | X_OK) != 0)
    throw Error(named(o) + ": cannot write in the folder " + shown(dir.string()) + ": " + std::strerror(errno) +
                "; nothing was done");
  probe_folder(o, dir.string());
}

// A spelling of `path` that two names of one file (not yet made) share.
std::string identity(const std::string& path) {
  std::error_code ec;
  const std::filesystem::path p = std::filesystem::weakly_canonical(std::filesystem::absolute(path, ec), ec);
  return ec ? path : p.string();
}

}  // namespace

void check_outputs(const std::vector<Output>& outputs, const std::vector<Input>& inputs) {
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    const Output& o = outputs[i];
    if (o.path.empty()) throw Error((o.flag.empty() ? "" : o.flag + ": ") + "cannot write a file with an empty name");
    struct stat st {};
    if (o.path.back() == '/' || (::stat(o.path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)))
      throw Error(named(o) + " names a folder; give a file name");
    try {
      check_replaceable(o.path);
    } catch (const Error& e) {
      throw Error((o.flag.empty() ? "" : o.flag + ": ") + e.what());
    }
    for (const Input& in : inputs)
      if (!in.path.empty() && (same_file(o.path, in.path) || identity(o.path) == identity(in.path)) &&
          (in.replaced_by.empty() || in.replaced_by != o.flag))
        throw Error(named(o) + " is " + in.what + "; it will not be written over");
    for (std::size_t k = 0; k < i; ++k)
      if (same_file(o.path, outputs[k].path) || identity(o.path) == identity(outputs[k].path))
        throw Error(named(o) + " and " + named(outputs[k]) + " are the same file; give each its own");
    check_folder(o);
  }
}

}  // namespace ev
