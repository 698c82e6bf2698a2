// word_filter.cpp: the word list, its file and the masking of samples.
#include "core/data/word_filter.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

#include "core/base/atomic_file.h"
#include "core/base/files.h"

namespace ev {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = char(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool is_punct(char c) { return std::ispunct(static_cast<unsigned char>(c)) != 0; }

}  // namespace

std::vector<std::string> parse_word_list(std::string_view text) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < text.size()) {
    const auto sep = [&](char c) { return c == ' ' || c == ',' || c == '\n' || c == '\r' || c == '\t'; };
    while (i < text.size() && sep(text[i])) ++i;
    std::size_t j = i;
    while (j < text.size() && !sep(text[j])) ++j;
    if (j > i) {
      std::string w = lower(text.substr(i, j - i));
      if (std::find(out.begin(), out.end(), w) == out.end()) out.push_back(std::move(w));
    }
    i = j;
  }
  return out;
}

std::string word_list_text(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& w : words) out += (out.empty() ? "" : ", ") + w;
  return out;
}

std::vector<std::string> read_word_list(const std::string& path) {
  std::ifstream in(path);
  if (!in) return {};
  std::ostringstream all;
  all << in.rdbuf();
  return parse_word_list(all.str());
}

void write_word_list(const std::string& path, const std::vector<std::string>& words) {
  std::string text;
  for (const std::string& w : words) text += w + "\n";
  make_parent_dirs(path);
  write_file_atomic(path, text);
}

std::string mask_words(std::string_view text, const std::vector<std::string>& words) {
  if (words.empty()) return std::string(text);
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] == ' ') {
      out += text[i++];
      continue;
    }
    std::size_t j = i;
    while (j < text.size() && text[j] != ' ') ++j;
    // The word without the punctuation around it.
    std::size_t a = i, b = j;
    while (a < b && is_punct(text[a])) ++a;
    while (b > a && is_punct(text[b - 1])) --b;
    const bool listed = b > a && std::find(words.begin(), words.end(), lower(text.substr(a, b - a))) != words.end();
    if (listed) {
      out.append(text.substr(i, a - i));
      out += kMaskedWord;
      out.append(text.substr(b, j - b));
    } else {
      out.append(text.substr(i, j - i));
    }
    i = j;
  }
  return out;
}

}  // namespace ev
