// text.h: UTF-8 decoding and line splitting for training files.
// Not for: tokenizing (vocab.h) or building examples (dataset.h).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace ev {

// Splits s into UTF-8 code points, each as its own string. Returns false (and
// sets *bad_offset to the byte offset) when s is not valid UTF-8.
bool split_utf8(std::string_view s, std::vector<std::string>* out, std::size_t* bad_offset);

// One line of a text file with its 1-based line number.
struct Line {
  std::string text;
  std::size_t number;
};

// Reads a text file as lines: accepts a UTF-8 BOM and CRLF endings, skips
// empty lines, rejects missing, empty, binary (NUL byte), too large and
// non-UTF-8 files with an ev::Error that names the file and line.
std::vector<Line> read_lines(const std::string& path, std::size_t max_bytes = std::size_t(1) << 30);

// Same rules, on bytes already in memory (the fuzzers and tests use this).
// `name` is used in messages.
std::vector<Line> parse_lines(std::string_view bytes, const std::string& name);

}  // namespace ev
