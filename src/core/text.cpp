// text.cpp: UTF-8 validation and line splitting.
#include "text.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "error.h"

namespace ev {

// Length of the UTF-8 sequence starting at s[i], or 0 when it is invalid
// (overlong forms, surrogates and code points past U+10FFFF are invalid).
static std::size_t utf8_length(std::string_view s, std::size_t i) {
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

std::vector<Line> parse_lines(std::string_view bytes, const std::string& name) {
  if (bytes.empty()) throw Error(name + ": the file is empty");
  if (bytes.substr(0, 3) == "\xEF\xBB\xBF") bytes.remove_prefix(3);
  std::vector<Line> lines;
  std::size_t number = 0;
  std::size_t pos = 0;
  while (pos < bytes.size()) {
    std::size_t end = bytes.find('\n', pos);
    if (end == std::string_view::npos) end = bytes.size();
    ++number;
    std::string_view line = bytes.substr(pos, end - pos);
    pos = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find('\0') != std::string_view::npos)
      throw Error(name + ": line " + std::to_string(number) + " has a NUL byte; this looks like a binary file, not text");
    std::size_t bad = 0;
    if (!split_utf8(line, nullptr, &bad))
      throw Error(name + ": line " + std::to_string(number) + " is not valid UTF-8 (byte " + std::to_string(bad + 1) + ")");
    if (line.empty()) continue;
    lines.push_back({std::string(line), number});
  }
  if (lines.empty()) throw Error(name + ": the file has no non-empty lines");
  return lines;
}

std::vector<Line> read_lines(const std::string& path, std::size_t max_bytes) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw Error(path + ": is a folder, not a text file");
  std::ifstream f(path, std::ios::binary);
  if (!f) throw Error(path + ": cannot open the file (does it exist?)");
  f.seekg(0, std::ios::end);
  const std::streamoff size = f.tellg();
  if (size < 0) throw Error(path + ": cannot read the file (is it a directory?)");
  if (std::size_t(size) > max_bytes)
    throw Error(path + ": the file is " + std::to_string(size >> 20) + " MiB; the limit is " +
                std::to_string(max_bytes >> 20) + " MiB");
  f.seekg(0);
  std::string bytes(std::size_t(size), '\0');
  if (size > 0 && !f.read(bytes.data(), size)) throw Error(path + ": cannot read the file");
  return parse_lines(bytes, path);
}

}  // namespace ev
