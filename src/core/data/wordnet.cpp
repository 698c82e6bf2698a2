// wordnet.cpp: reading WordNet's data and index files (format: wndb(5WN)).
#include "core/data/wordnet.h"

#include <algorithm>
#include <filesystem>
#include <string_view>
#include <unordered_map>

#include "core/base/error.h"
#include "core/base/text.h"
#include "core/data/vocab.h"

namespace ev {

namespace {

constexpr const char* kParts[4] = {"noun", "verb", "adj", "adv"};

// The file of one part of speech, or a clear error when WordNet is not installed.
std::string wordnet_file(const std::string& dir, const char* kind, const char* part) {
  const std::string path = dir + "/" + kind + "." + part;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    throw Error("the WordNet corpus is missing: " + shown(path) +
                " does not exist; install Debian's wordnet-base package (apt install wordnet-base)");
  return path;
}

bool licence_line(std::string_view line) { return line.size() >= 2 && line[0] == ' ' && line[1] == ' '; }

// WordNet's detachment rules (morphy(7WN)): an inflected form's ending and
// what replaces it to give the lemma, per part of speech (bit of kParts).
struct Detachment {
  int part;
  std::string_view suffix, ending;
};
constexpr Detachment kDetachments[] = {
    {0, "s", ""},   {0, "ses", "s"}, {0, "xes", "x"}, {0, "zes", "z"}, {0, "ches", "ch"}, {0, "shes", "sh"},
    {0, "men", "man"}, {0, "ies", "y"}, {1, "s", ""}, {1, "ies", "y"}, {1, "es", "e"}, {1, "es", ""},
    {1, "ed", "e"}, {1, "ed", ""},   {1, "ing", "e"}, {1, "ing", ""}, {2, "er", ""},    {2, "est", ""},
    {2, "er", "e"}, {2, "est", "e"},
};

WordClass class_of(unsigned parts) {
  switch (parts) {
    case 0: return WordClass::None;
    case 1: return WordClass::Noun;
    case 2: return WordClass::Verb;
    case 4: return WordClass::Adjective;
    case 8: return WordClass::Adverb;
    default: return WordClass::Several;
  }
}

}  // namespace

const char* word_class_name(WordClass c) {
  switch (c) {
    case WordClass::None: return "none";
    case WordClass::Noun: return "noun";
    case WordClass::Verb: return "verb";
    case WordClass::Adjective: return "adjective";
    case WordClass::Adverb: return "adverb";
    case WordClass::Several: return "several";
  }
  return "?";
}

std::vector<std::string> wordnet_glosses(const std::string& dir) {
  std::vector<std::string> glosses;
  for (const char* part : kParts) {
    const std::string path = wordnet_file(dir, "data", part);
    for_each_line(path, [&](std::string_view line, std::size_t) {
      if (licence_line(line)) return;
      const std::size_t bar = line.find("| ");
      if (bar == std::string_view::npos) return;
      std::string_view gloss = line.substr(bar + 2);
      while (!gloss.empty() && (gloss.back() == ' ' || gloss.back() == '\t')) gloss.remove_suffix(1);
      if (!gloss.empty()) glosses.emplace_back(gloss);
    });
  }
  return glosses;
}

std::vector<WordClass> wordnet_classes(const Vocab& vocab, const std::string& dir) {
  // The lemmas that can decide a token's class: the token itself and what
  // each detachment rule makes of it, with the parts of speech each may give.
  struct Candidate {
    int token;
    unsigned parts;  // the parts of speech this lemma may lend the token
  };
  std::unordered_map<std::string, std::vector<Candidate>> wanted;
  wanted.reserve(std::size_t(vocab.size()) * 4);
  for (int id = 0; id < vocab.size(); ++id) {
    const std::string& w = vocab.token(id);
    wanted[w].push_back({id, 15u});
    for (const Detachment& d : kDetachments)
      if (w.size() > d.suffix.size() && w.compare(w.size() - d.suffix.size(), d.suffix.size(), d.suffix) == 0)
        wanted[w.substr(0, w.size() - d.suffix.size()) + std::string(d.ending)].push_back({id, 1u << d.part});
  }
  // Irregular forms (came, children, better): WordNet's exception lists, one
  // per part of speech, each line an inflected form and its lemmas, as its
  // own morphology reads them. A list that is missing adds nothing.
  for (unsigned p = 0; p < 4; ++p) {
    const std::string path = dir + "/" + kParts[p] + ".exc";
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) continue;
    for_each_line(path, [&](std::string_view line, std::size_t) {
      const std::size_t space = line.find(' ');
      if (space == std::string_view::npos) return;
      const int id = vocab.id(line.substr(0, space));
      if (id < 0) return;
      for (std::size_t at = space + 1; at < line.size();) {
        const std::size_t end = std::min(line.find(' ', at), line.size());
        if (end > at) wanted[std::string(line.substr(at, end - at))].push_back({id, 1u << p});
        at = end + 1;
      }
    });
  }
  std::vector<unsigned> parts(std::size_t(vocab.size()), 0);
  std::string lemma;
  for (unsigned p = 0; p < 4; ++p) {
    const std::string path = wordnet_file(dir, "index", kParts[p]);
    for_each_line(path, [&](std::string_view line, std::size_t) {
      if (licence_line(line)) return;
      lemma.assign(line.substr(0, line.find(' ')));
      const auto it = wanted.find(lemma);
      if (it == wanted.end()) return;
      for (const Candidate& c : it->second) parts[std::size_t(c.token)] |= c.parts & (1u << p);
    });
  }
  std::vector<WordClass> classes(parts.size());
  for (std::size_t i = 0; i < parts.size(); ++i) classes[i] = class_of(parts[i]);
  return classes;
}

}  // namespace ev
