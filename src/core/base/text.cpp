// text.cpp: UTF-8 validation, line splitting, and names shown in messages.
#include "core/base/text.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <new>

#include "core/base/error.h"

namespace ev {

std::size_t utf8_length(std::string_view s, std::size_t i) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned c = b(i);
  if (c < 0x80) return 1;
  std::size_t n;
  unsigned cp;
  if (c >= 0xC2 && c <= 0xDF) { n = 2; cp = c & 0x1F; }
  else if (c >= 0xE0 && c <= 0xEF) { n = 3; cp = c & 0x0F; }
  else if (c >= 0xF0 && c <= 0xF4) { n = 4; cp = c & 0x07; }
  else return 0;
  if (i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b(i + k) & 0x3F);
  }
  if (n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) return 0;
  if (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) return 0;
  return n;
}

int report_exception(const char* program) {
  try {
    throw;
  } catch (const Error& e) {
    std::fprintf(stderr, "%s: %s\n", program, e.what());
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "%s: out of memory (the run needs more than this machine can give)\n", program);
  } catch (const std::exception& e) {  // a thread that cannot start, and the like
    std::fprintf(stderr, "%s: %s\n", program, shown(e.what()).c_str());
  } catch (...) {
    std::fprintf(stderr, "%s: an unknown error\n", program);
  }
  return 1;
}

std::string shown(std::string_view name) {
  static const char* hex = "0123456789abcdef";
  std::string out;
  out.reserve(name.size());
  for (std::size_t i = 0; i < name.size();) {
    const auto c = static_cast<unsigned char>(name[i]);
    const std::size_t n = utf8_length(name, i);
    if (c == '\\') {
      out += "\\\\";
    } else if (n == 0 || c < 0x20 || c == 0x7F) {
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    } else {
      out.append(name.substr(i, n));
      i += n;
      continue;
    }
    ++i;
  }
  return out;
}

bool split_utf8(std::string_view s, std::vector<std::string>* out, std::size_t* bad_offset) {
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = utf8_length(s, i);
    if (n == 0) {
      if (bad_offset) *bad_offset = i;
      return false;
    }
    if (out) out->emplace_back(s.substr(i, n));
    i += n;
  }
  return true;
}

namespace {

// Splits a stream of bytes into checked lines. Bytes arrive in chunks; only
// the unfinished last line is kept between them.
class LineSplitter {
 public:
  LineSplitter(std::string name, const LineFn& on_line) : name_(std::move(name)), on_line_(on_line) {}

  void feed(std::string_view chunk) {
    if (chunk.empty()) return;
    any_bytes_ = true;
    std::size_t pos = 0;
    // The \n of a \r\n split between two chunks ends no second line.
    if (after_cr_ && chunk[0] == '\n') pos = 1;
    after_cr_ = false;
    while (pos < chunk.size()) {
      // A line ends at \n, \r\n or a lone \r (classic Mac OS files).
      const std::size_t end = chunk.find_first_of("\r\n", pos);
      if (end == std::string_view::npos) {
        // A NUL is refused as it arrives: /dev/zero has no line end to wait for.
        if (chunk.find('\0', pos) != std::string_view::npos) binary(number_ + 1);
        partial_.append(chunk.substr(pos));
        return;
      }
      if (partial_.empty()) {
        line(chunk.substr(pos, end - pos));
      } else {
        partial_.append(chunk.substr(pos, end - pos));
        line(partial_);
        partial_.clear();
      }
      pos = end + 1;
      if (chunk[end] == '\r') {
        if (pos == chunk.size()) after_cr_ = true;
        else if (chunk[pos] == '\n') ++pos;
      }
    }
  }

  void finish() {
    if (!any_bytes_) throw Error(shown(name_) + ": the file is empty");
    if (!partial_.empty()) line(partial_);
    partial_.clear();
    partial_.shrink_to_fit();
    if (lines_ == 0) throw Error(shown(name_) + ": the file has no non-empty lines");
  }

 private:
  void line(std::string_view s) {
    ++number_;
    if (number_ == 1 && s.substr(0, 3) == "\xEF\xBB\xBF") s.remove_prefix(3);
    if (s.find('\0') != std::string_view::npos) binary(number_);
    std::size_t bad = 0;
    if (!split_utf8(s, nullptr, &bad))
      throw Error(shown(name_) + ": line " + std::to_string(number_) + " is not valid UTF-8 (byte " +
                  std::to_string(bad + 1) + ")");
    if (s.empty()) return;
    ++lines_;
    on_line_(s, number_);
  }

  [[noreturn]] void binary(std::size_t number) const {
    throw Error(shown(name_) + ": line " + std::to_string(number) +
                " has a NUL byte; this looks like a binary file, not text");
  }

  std::string name_;
  const LineFn& on_line_;
  std::string partial_;
  std::size_t number_ = 0, lines_ = 0;
  bool any_bytes_ = false;
  bool after_cr_ = false;  // the last chunk ended with \r
};

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

std::vector<Line> parse_lines(std::string_view bytes, const std::string& name) {
  std::vector<Line> lines;
  const LineFn keep = [&](std::string_view s, std::size_t n) { lines.push_back({std::string(s), n}); };
  LineSplitter split(name, keep);
  split.feed(bytes);
  split.finish();
  return lines;
}

void for_each_line(const std::string& path, const LineFn& on_line, std::size_t max_bytes) {
  if (path.empty()) throw Error("no file name given (an empty path)");
  Fd f;
  f.fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (f.fd < 0) throw Error(shown(path) + ": cannot open the file: " + std::strerror(errno));
  LineSplitter split(path, on_line);
  std::string buf(std::size_t(1) << 20, '\0');
  std::size_t total = 0;
  for (;;) {
    const ssize_t n = ::read(f.fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EISDIR) throw Error(shown(path) + ": is a folder, not a text file");
    if (n < 0) throw Error(shown(path) + ": cannot read the file: " + std::strerror(errno));
    if (n == 0) break;
    total += std::size_t(n);
    if (total > max_bytes)
      throw Error(shown(path) + ": the file is over " + std::to_string(max_bytes >> 20) + " MiB, the limit");
    split.feed(std::string_view(buf.data(), std::size_t(n)));
  }
  split.finish();
}

std::vector<Line> read_lines(const std::string& path, std::size_t max_bytes) {
  std::vector<Line> lines;
  for_each_line(path, [&](std::string_view s, std::size_t n) { lines.push_back({std::string(s), n}); }, max_bytes);
  return lines;
}

std::string escape_token(std::string_view token, bool space) {
  std::string out;
  out.reserve(token.size());
  for (char c : token) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case ' ':
        if (space) out += "\\s";
        else out.push_back(c);
        break;
      default: out.push_back(c);
    }
  }
  return out;
}

std::string unescape_token(std::string_view field) {
  std::string out;
  out.reserve(field.size());
  for (std::size_t i = 0; i < field.size(); ++i) {
    if (field[i] != '\\' || i + 1 == field.size()) {
      out.push_back(field[i]);
      continue;
    }
    const char e = field[++i];
    switch (e) {
      case '\\': out.push_back('\\'); break;
      case 't': out.push_back('\t'); break;
      case 'n': out.push_back('\n'); break;
      case 'r': out.push_back('\r'); break;
      case 's': out.push_back(' '); break;
      default:
        out.push_back('\\');
        out.push_back(e);
    }
  }
  return out;
}

}  // namespace ev
