// unicode.h: what the word tokenizer needs to know of a code point: its class
// (a letter of any script, a digit, a separator, something no word holds) and
// its lowercase, from Unicode's general categories (unicode_tables.inc).
// Not for: UTF-8 validation (text.h) or anything locale-dependent.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ev {

enum class CharClass {
  Separator,  // white space, punctuation, controls, ASCII's symbols: between words
  Letter,     // a letter of any script (L*) or a mark on one (M*)
  Digit,      // a decimal digit of any script (Nd)
  Other,      // a symbol, an emoji, another number (², ½), private use: no word holds it
  Ignored,    // an invisible format character (a joiner): neither breaks nor joins a word
};

CharClass char_class(char32_t c);
// The simple lowercase mapping (İ to i); c itself when it has none.
char32_t to_lower(char32_t c);
// A CJK ideograph: written without spaces, so each is a word of its own.
bool is_ideograph(char32_t c);

// Decodes the code point at s[i]; *length gets its bytes (a byte that is not
// UTF-8: 1, and U+FFFD).
char32_t decode_utf8(std::string_view s, std::size_t i, std::size_t* length);
// Appends c as UTF-8.
void append_utf8(std::string* out, char32_t c);

}  // namespace ev
