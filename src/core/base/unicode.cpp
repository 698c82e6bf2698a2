// unicode.cpp: binary searches in the generated tables of unicode_tables.inc.
#include "core/base/unicode.h"

#include <algorithm>
#include <cstdint>
#include <iterator>

#include "core/base/text.h"  // utf8_length

namespace ev {

namespace {

struct LowerRun {
  std::uint32_t first, last;
  int stride, delta;
};

#include "core/base/unicode_tables.inc"

}  // namespace

CharClass char_class(char32_t c) {
  if (c < 0x80) {  // most text: no search
    if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') return CharClass::Letter;
    return c >= '0' && c <= '9' ? CharClass::Digit : CharClass::Separator;
  }
  if (c > 0x10FFFF) return CharClass::Other;
  const std::uint32_t key = std::uint32_t(c) << 3 | 7;  // past every run that starts at c
  const auto* run = std::upper_bound(std::begin(kClassRuns), std::end(kClassRuns), key) - 1;
  return CharClass(*run & 7);
}

char32_t to_lower(char32_t c) {
  if (c < 0x80) return c >= 'A' && c <= 'Z' ? c + 32 : c;
  const auto* end = std::end(kLowerRuns);
  const auto* run = std::upper_bound(std::begin(kLowerRuns), end, std::uint32_t(c),
                                     [](std::uint32_t v, const LowerRun& r) { return v < r.first; });
  if (run == std::begin(kLowerRuns)) return c;
  --run;
  if (c > run->last || (c - run->first) % std::uint32_t(run->stride) != 0) return c;
  return char32_t(std::int64_t(c) + run->delta);
}

bool is_ideograph(char32_t c) {
  return (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF) ||
         (c >= 0x20000 && c <= 0x3FFFF);
}

char32_t decode_utf8(std::string_view s, std::size_t i, std::size_t* length) {
  const std::size_t n = utf8_length(s, i);
  *length = std::max<std::size_t>(n, 1);
  if (n == 0) return 0xFFFD;  // a byte that is not UTF-8: no word holds it
  char32_t c = static_cast<unsigned char>(s[i]) & (n == 1 ? 0x7F : 0x7F >> n);
  for (std::size_t k = 1; k < n; ++k) c = c << 6 | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  return c;
}

void append_utf8(std::string* out, char32_t c) {
  if (c < 0x80) {
    out->push_back(char(c));
  } else if (c < 0x800) {
    out->push_back(char(0xC0 | c >> 6));
    out->push_back(char(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out->push_back(char(0xE0 | c >> 12));
    out->push_back(char(0x80 | (c >> 6 & 0x3F)));
    out->push_back(char(0x80 | (c & 0x3F)));
  } else {
    out->push_back(char(0xF0 | c >> 18));
    out->push_back(char(0x80 | (c >> 12 & 0x3F)));
    out->push_back(char(0x80 | (c >> 6 & 0x3F)));
    out->push_back(char(0x80 | (c & 0x3F)));
  }
}

}  // namespace ev
