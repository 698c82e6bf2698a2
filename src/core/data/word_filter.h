// word_filter.h: words a teacher keeps off the projector. A list, empty by
// default, kept in a file of one word a line; the samples the app shows carry
// each listed word masked. Not for: training (the model still learns every
// word, and the other views show the vocabulary as it is).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ev {

// What a masked word is shown as.
inline constexpr const char* kMaskedWord = "***";

// The words of `text` split at spaces, commas and line ends, lower-cased
// (ASCII), each once, in the order first given.
std::vector<std::string> parse_word_list(std::string_view text);

// The list as one line, the words separated by ", " (what the filter's field shows).
std::string word_list_text(const std::vector<std::string>& words);

// Reads a list file (missing or unreadable: the empty list).
std::vector<std::string> read_word_list(const std::string& path);

// Writes the list, one word a line, atomically (creating the folder); throws
// ev::Error when it cannot.
void write_word_list(const std::string& path, const std::vector<std::string>& words);

// `text` with every listed word replaced by kMaskedWord: whole words between
// spaces, in any case, punctuation around a word kept ("Damn!" -> "***!").
std::string mask_words(std::string_view text, const std::vector<std::string>& words);

}  // namespace ev
