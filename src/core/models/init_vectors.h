// init_vectors.h: prior knowledge for the token table. Bengio et al. (2003):
// "the feature vectors associated with each word are learned, but they could
// be initialized using prior knowledge of semantic features." This reads
// vectors from word2vec's text format or the Embedding Projector's TSV pair
// (what export.h writes, and what either tool reads) for the tokens of a
// vocabulary, and sets those rows of a table (C, or a transformer's wte).
// Files are streamed: only the rows of tokens the vocabulary knows are kept.
// Not for: writing vectors (export.h) or choosing which table (the trainer).
#pragma once

#include <cstdint>
#include <istream>
#include <string>
#include <vector>

#include "core/models/params.h"
#include "core/data/vocab.h"

namespace ev {

// The vectors a file gives for the tokens of one vocabulary.
struct TokenVectors {
  std::string format;             // "word2vec text" or "Projector TSV"
  int dim = 0;                    // numbers per vector
  std::size_t file_vectors = 0;   // vectors in the file
  std::size_t vocab = 0;          // tokens in the vocabulary they were read for
  std::vector<std::int32_t> ids;  // the vocabulary's tokens that matched, each once, in file order
  std::vector<float> values;      // (ids.size(), dim), row-major: their vectors (a token's first in the file)
  std::size_t repeated = 0;       // vectors of a matched token after its first, left out
  std::string first_repeated;     // the first such token

  // "15,872 of 17,000 tokens matched (93.4%)", and the tokens given twice, if any.
  std::string summary() const;
};

// The longest line read (a vector of 1024 numbers fits many times over).
constexpr std::size_t kMaxVectorLineBytes = std::size_t(1) << 20;

// word2vec text: a "count dim" header line, then "token v1 ... vdim" per line
// (fields split by spaces or tabs; a trailing blank, as word2vec's own tool
// writes, is fine). A file without the header (GloVe's) is read too. Tokens
// are unescaped as export.h escapes them ("\s" is a space). Every vector must
// have `dim` finite numbers, and a header's count must be the number of lines.
// Throws ev::Error naming `name`, the line and the problem; also when no token
// matches. Safe on any input.
TokenVectors parse_word2vec(std::istream& in, const Vocab& vocab, int dim, const std::string& name);

// The Projector's pair: vectors.tsv (tab-separated numbers, no header) and
// metadata.tsv (one token a line; with several columns, a header row first and
// the token in the first column), with as many rows as vectors. Throws
// ev::Error like parse_word2vec.
TokenVectors parse_projector_tsv(std::istream& vectors, std::istream& metadata, const Vocab& vocab, int dim,
                                 const std::string& vectors_name, const std::string& metadata_name);

// Reads `path` for the vocabulary: a folder or a prefix holding vectors.tsv and
// metadata.tsv (as --export-tsv writes them), either file of such a pair
// (*vectors.tsv, *metadata.tsv), or else a word2vec text file. Anything but
// regular files (a pipe, a device) is refused. Throws ev::Error: one line.
TokenVectors read_init_vectors(const std::string& path, const Vocab& vocab, int dim);

// Sets the matched rows of `table` (V, dim). Throws ev::Error, changing
// nothing, when the shapes do not fit.
void set_token_rows(const TokenVectors& v, MatMap<float> table);

}  // namespace ev
