// wordnet.h: the default word corpus, the glosses (definitions) of WordNet 3.0
// as Debian's wordnet-base installs them, and each word's parts of speech from
// its index files, kept as token classes (as vowels and consonants are for
// characters). Not for: tokenizing (vocab.h) or building the data set (dataset.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ev {

class Vocab;

// Where Debian's wordnet-base puts the database.
constexpr const char* kWordNetDir = "/usr/share/wordnet";

// A word's parts of speech in WordNet: one, several, or none (function words,
// numbers, words WordNet does not list).
enum class WordClass : std::uint8_t { None, Noun, Verb, Adjective, Adverb, Several };
constexpr int kWordClasses = 6;
const char* word_class_name(WordClass c);

// Every synset's gloss, the text after "| " on each line of data.noun,
// data.verb, data.adj and data.adv (in that order), without trailing blanks;
// the licence header (lines starting with two spaces) is skipped. Throws
// ev::Error naming the missing file and the package when WordNet is absent.
std::vector<std::string> wordnet_glosses(const std::string& dir = kWordNetDir);

// Each token's class from index.noun, index.verb, index.adj and index.adv: a
// token is a noun when it, or the lemma WordNet's morphological rules give for
// it ("dogs" -> "dog"), is listed in index.noun; and so on.
std::vector<WordClass> wordnet_classes(const Vocab& vocab, const std::string& dir = kWordNetDir);

}  // namespace ev
