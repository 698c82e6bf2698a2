// text.h: UTF-8 decoding and line splitting for training files, and how names
// from outside are shown in messages (error.h's shown()).
// Not for: tokenizing (vocab.h) or building examples (dataset.h).
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace ev {

// Length of the UTF-8 sequence starting at s[i], or 0 when it is invalid
// (overlong forms, surrogates and code points past U+10FFFF are invalid).
std::size_t utf8_length(std::string_view s, std::size_t i);

// Splits s into UTF-8 code points, each as its own string. Returns false (and
// sets *bad_offset to the byte offset) when s is not valid UTF-8.
bool split_utf8(std::string_view s, std::vector<std::string>* out, std::size_t* bad_offset);

// One line of a text file with its 1-based line number.
struct Line {
  std::string text;
  std::size_t number;
};

// Called with each non-empty line (without its line ending) and its number.
using LineFn = std::function<void(std::string_view text, std::size_t number)>;

// The default limit on a training file's size.
constexpr std::size_t kMaxTextBytes = std::size_t(1) << 30;

// Streams a text file line by line: accepts a UTF-8 BOM and LF, CRLF or CR endings,
// skips empty lines, rejects missing, unreadable, empty, binary (NUL byte), too
// large and non-UTF-8 files with an ev::Error that names the file and line.
// Pipes and other streams are read to their end (up to max_bytes); only the
// line being read is held, never the whole file.
void for_each_line(const std::string& path, const LineFn& on_line, std::size_t max_bytes = kMaxTextBytes);

// Reads a whole text file as lines, with for_each_line's rules.
std::vector<Line> read_lines(const std::string& path, std::size_t max_bytes = kMaxTextBytes);

// Same rules, on bytes already in memory (the fuzzers and tests use this).
// `name` is used in messages.
std::vector<Line> parse_lines(std::string_view bytes, const std::string& name);

// Escapes a token for one TSV or word2vec field: backslash, tab, newline,
// carriage return and space become \\ \t \n \r \s, so a field never splits
// (word2vec splits on spaces; the Projector on tabs and newlines). `space`
// false leaves spaces as they are (TSV fields may hold them).
std::string escape_token(std::string_view token, bool space);
// The inverse of escape_token (unknown escapes are kept as they are).
std::string unescape_token(std::string_view field);

}  // namespace ev
