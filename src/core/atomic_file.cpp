// atomic_file.cpp: write-temp, fsync, rename, fsync-directory, with POSIX calls.
#include "atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

#include "error.h"

namespace ev {

namespace {

std::string sys_error(const std::string& what, const std::string& path, int err) {
  return what + " " + path + ": " + std::strerror(err);
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

}  // namespace

void write_file_atomic(const std::string& path, std::string_view bytes) {
  if (path.empty()) throw Error("cannot write a file with an empty name");
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
  f.fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (f.fd < 0) throw Error(sys_error("cannot open", path, errno));
  struct stat st {};
  if (::fstat(f.fd, &st) != 0) throw Error(sys_error("cannot read", path, errno));
  if (!S_ISREG(st.st_mode)) throw Error(path + " is not a regular file");
  if (std::uint64_t(st.st_size) > max_bytes)
    throw Error(path + " is too large (" + std::to_string(st.st_size) + " bytes; the limit is " +
                std::to_string(max_bytes) + ")");
  std::string bytes(std::size_t(st.st_size), '\0');
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::read(f.fd, &bytes[done], bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw Error(sys_error("cannot read", path, errno));
    if (n == 0) break;  // the file shrank while we read it
    done += std::size_t(n);
  }
  bytes.resize(done);
  return bytes;
}

}  // namespace ev
