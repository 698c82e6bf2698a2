// init_vectors.cpp: streaming readers of word2vec text and the Projector's
// TSV pair, kept to the rows a vocabulary needs.
#include "core/models/init_vectors.h"

#include <sys/stat.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>

#include "core/base/error.h"
#include "core/base/text.h"  // unescape_token

namespace ev {

namespace {

// 17000 -> "17,000".
std::string grouped(std::size_t n) {
  std::string digits = std::to_string(n), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

// Lines of a stream, without their "\n" or "\r\n", each checked for length and
// for bytes no text file holds (binary data: word2vec's binary format, say).
class Lines {
 public:
  Lines(std::istream& in, const std::string& name) : in_(in), name_(name) {}

  bool next(std::string& line) {
    for (;;) {
      const std::size_t nl = buf_.find('\n', pos_);
      if (nl != std::string::npos || (eof_ && pos_ < buf_.size())) {
        const std::size_t end = nl == std::string::npos ? buf_.size() : nl;
        ++number_;
        check_length(end - pos_, number_);
        line.assign(buf_, pos_, end - pos_);
        pos_ = nl == std::string::npos ? buf_.size() : nl + 1;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (number_ == 1 && line.compare(0, 3, "\xEF\xBB\xBF") == 0) line.erase(0, 3);  // a UTF-8 byte order mark
        check_text(line);
        return true;
      }
      if (eof_) return false;
      check_length(buf_.size() - pos_, number_ + 1);
      buf_.erase(0, pos_);
      pos_ = 0;
      char chunk[1 << 16];
      in_.read(chunk, sizeof chunk);
      if (in_.bad()) throw Error("cannot read " + shown(name_));
      buf_.append(chunk, std::size_t(in_.gcount()));
      if (in_.gcount() == 0 || in_.eof()) eof_ = true;
    }
  }
  std::size_t number() const { return number_; }
  [[noreturn]] void fail(const std::string& what) const {
    throw Error(shown(name_) + " line " + std::to_string(number_) + ": " + what);
  }

 private:
  void check_length(std::size_t n, std::size_t line) const {
    if (n <= kMaxVectorLineBytes) return;
    throw Error(shown(name_) + " line " + std::to_string(line) + " is over " + grouped(kMaxVectorLineBytes) +
                " bytes long: not a file of vectors");
  }
  void check_text(const std::string& line) const {
    for (unsigned char c : line)
      if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7F)
        fail("binary data, not text (word2vec's binary format is not read: save the vectors as text)");
  }

  std::istream& in_;
  const std::string& name_;
  std::string buf_;
  std::size_t pos_ = 0;
  std::size_t number_ = 0;
  bool eof_ = false;
};

bool blank(const std::string& s) { return s.find_first_not_of(" \t") == std::string::npos; }

// Splits on runs of the separators.
std::vector<std::string> fields(const std::string& line, const char* seps) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while ((i = line.find_first_not_of(seps, i)) != std::string::npos) {
    const std::size_t j = std::min(line.find_first_of(seps, i), line.size());
    out.push_back(line.substr(i, j - i));
    i = j;
  }
  return out;
}

// One finite float, the whole field.
bool to_float(const std::string& field, float* out) {
  char* end = nullptr;
  errno = 0;
  const float v = std::strtof(field.c_str(), &end);
  if (end == field.c_str() || *end != '\0' || !std::isfinite(v)) return false;
  *out = v;
  return true;
}

// A header's count: digits only, up to 18 of them (more is refused as a
// header, not read as a token and its vector).
bool to_count(const std::string& field, std::size_t* out, const Lines& lines) {
  if (field.empty() || field.find_first_not_of("0123456789") != std::string::npos) return false;
  if (field.size() > 18) lines.fail("the header's count " + shown(field.substr(0, 40)) + " is too large");
  *out = std::size_t(std::stoull(field));
  return true;
}

// Collects the vectors of the vocabulary's tokens as they stream past.
struct Collector {
  const Vocab& vocab;
  int dim;
  TokenVectors out;
  std::vector<bool> seen;

  Collector(const Vocab& v, int d, const char* format) : vocab(v), dim(d), seen(std::size_t(v.size()), false) {
    out.format = format;
    out.dim = d;
    out.vocab = std::size_t(v.size());
  }
  // The numbers of one vector, fields [first, end) of `f`; the token's row if it is new.
  void add(const std::string& token, const std::vector<std::string>& f, std::size_t first, const Lines& lines) {
    const std::size_t n = f.size() - first;
    if (n != std::size_t(dim))
      lines.fail("a vector of " + std::to_string(n) + " numbers; this model's embedding size (--emb) is " +
                 std::to_string(dim));
    const int id = vocab.id(token);
    const bool keep = id >= 0 && !seen[std::size_t(id)];
    const std::size_t at = out.values.size();
    if (keep) out.values.resize(at + std::size_t(dim));
    for (std::size_t j = 0; j < n; ++j) {
      float v = 0;
      if (!to_float(f[first + j], &v))
        lines.fail("number " + std::to_string(j + 1) + " (" + shown(f[first + j].substr(0, 40)) +
                   ") is not a finite number");
      if (keep) out.values[at + j] = v;
    }
    if (keep) {
      seen[std::size_t(id)] = true;
      out.ids.push_back(id);
    } else if (id >= 0 && out.repeated++ == 0) {
      out.first_repeated = token;
    }
    ++out.file_vectors;
  }
  TokenVectors finish(const std::string& name) {
    if (out.file_vectors == 0) throw Error(shown(name) + " holds no vectors");
    if (out.ids.empty())
      throw Error("none of the " + grouped(out.file_vectors) + " tokens of " + shown(name) +
                  " is in this run's vocabulary");
    return std::move(out);
  }
};

std::string dims_message(const std::string& name, std::size_t file_dim, int dim) {
  return shown(name) + " holds vectors of " + std::to_string(file_dim) +
         " numbers; this model's embedding size (--emb) is " + std::to_string(dim);
}

}  // namespace

std::string TokenVectors::summary() const {
  char pct[32];
  std::snprintf(pct, sizeof pct, "%.1f", vocab ? 100.0 * double(ids.size()) / double(vocab) : 0.0);
  std::string out = grouped(ids.size()) + " of " + grouped(vocab) + " tokens matched (" + pct + "%)";
  if (repeated > 0)
    out += "; " + grouped(repeated) + (repeated == 1 ? " vector" : " vectors") + " of a token already read (" +
           shown(first_repeated) + " the first) left out, each token's first kept";
  return out;
}

TokenVectors parse_word2vec(std::istream& in, const Vocab& vocab, int dim, const std::string& name) {
  Lines lines(in, name);
  Collector c(vocab, dim, "word2vec text");
  std::string line;
  std::size_t declared = 0;
  bool header = false, first = true, ended = false;
  while (lines.next(line)) {
    if (blank(line)) {
      ended = true;  // blank lines may only close the file
      continue;
    }
    if (ended) lines.fail("a vector after a blank line");
    const std::vector<std::string> f = fields(line, " \t");
    if (first) {
      first = false;
      std::size_t file_dim = 0;
      if (f.size() == 2 && to_count(f[0], &declared, lines) && to_count(f[1], &file_dim, lines)) {
        if (file_dim != std::size_t(dim)) throw Error(dims_message(name, file_dim, dim));
        header = true;
        continue;
      }
    }
    if (f.size() < 2) lines.fail("a token without a vector");
    c.add(unescape_token(f[0]), f, 1, lines);
    if (header && c.out.file_vectors > declared)
      lines.fail("more vectors than the " + grouped(declared) + " the header line announces");
  }
  if (header && c.out.file_vectors != declared)
    throw Error(shown(name) + ": the header line announces " + grouped(declared) + " vectors but " +
                grouped(c.out.file_vectors) + " follow (a cut-off file?)");
  return c.finish(name);
}

TokenVectors parse_projector_tsv(std::istream& vectors, std::istream& metadata, const Vocab& vocab, int dim,
                                 const std::string& vectors_name, const std::string& metadata_name) {
  Lines vl(vectors, vectors_name), ml(metadata, metadata_name);
  Collector c(vocab, dim, "Projector TSV");
  std::string vline, mline;
  bool first = true, header = false, v_ended = false;
  for (;;) {
    bool have_v = vl.next(vline);
    while (have_v && vline.empty()) {  // blank lines may only close the file
      v_ended = true;
      have_v = vl.next(vline);
    }
    if (have_v && v_ended) vl.fail("a vector after a blank line");
    bool have_m = ml.next(mline);
    if (first && have_m) {
      first = false;
      // The Projector's rule: a row with a tab is a header of column names.
      header = mline.find('\t') != std::string::npos;
      if (header) have_m = ml.next(mline);
    }
    if (!have_v) {
      while (have_m && blank(mline)) have_m = ml.next(mline);
      if (have_m)
        ml.fail("more rows than the " + grouped(c.out.file_vectors) + " vectors of " + shown(vectors_name));
      break;
    }
    if (!have_m)
      throw Error(shown(metadata_name) + " has " + grouped(c.out.file_vectors) + " rows" +
                  (header ? " after its header" : "") + "; " + shown(vectors_name) + " has more vectors");
    const std::string token = unescape_token(mline.substr(0, mline.find('\t')));
    std::vector<std::string> f = fields(vline, "\t");
    if (f.empty()) vl.fail("no numbers");
    c.add(token, f, 0, vl);
  }
  return c.finish(vectors_name);
}

namespace {

enum class Kind { Missing, File, Folder, Other };

Kind kind_of(const std::string& path, const char** what = nullptr) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return Kind::Missing;
  if (S_ISREG(st.st_mode) || S_ISFIFO(st.st_mode)) return Kind::File;  // a pipe is read as a stream, as --data's
  if (S_ISDIR(st.st_mode)) return Kind::Folder;
  if (what) *what = S_ISSOCK(st.st_mode) ? "a socket" : "a device";
  return Kind::Other;
}

void open_file(std::ifstream& f, const std::string& path) {
  const char* what = "";
  switch (kind_of(path, &what)) {
    case Kind::Missing: throw Error("cannot read vectors from " + shown(path) + ": no such file");
    case Kind::Folder: throw Error("cannot read vectors from " + shown(path) + ": it is a folder");
    case Kind::Other:
      throw Error("cannot read vectors from " + shown(path) + ": it is " + what + ", not a regular file");
    case Kind::File: break;
  }
  f.open(path, std::ios::binary);
  if (!f) throw Error("cannot open " + shown(path) + ": " + std::strerror(errno));
}

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

TokenVectors read_pair(const std::string& vectors, const std::string& metadata, const Vocab& vocab, int dim) {
  if (kind_of(metadata) == Kind::Missing)
    throw Error("cannot read vectors from " + shown(vectors) + ": its tokens, " + shown(metadata) +
                ", are missing (the Projector's metadata.tsv)");
  std::ifstream v, m;
  open_file(v, vectors);
  open_file(m, metadata);
  return parse_projector_tsv(v, m, vocab, dim, vectors, metadata);
}

}  // namespace

TokenVectors read_init_vectors(const std::string& path, const Vocab& vocab, int dim) {
  if (path.empty()) throw Error("no file of vectors given (an empty path)");
  const std::string vec = "vectors.tsv", meta = "metadata.tsv";
  const Kind k = kind_of(path);
  // A folder, or a prefix, as --export-tsv writes the pair.
  if (k == Kind::Folder) {
    const std::string base = ends_with(path, "/") ? path : path + "/";
    if (kind_of(base + vec) == Kind::Missing)
      throw Error("cannot read vectors from " + shown(path) + ": it is a folder without vectors.tsv");
    return read_pair(base + vec, base + meta, vocab, dim);
  }
  if (k == Kind::Missing && kind_of(path + vec) != Kind::Missing) return read_pair(path + vec, path + meta, vocab, dim);
  if (ends_with(path, vec)) return read_pair(path, path.substr(0, path.size() - vec.size()) + meta, vocab, dim);
  if (ends_with(path, meta)) return read_pair(path.substr(0, path.size() - meta.size()) + vec, path, vocab, dim);
  std::ifstream f;
  open_file(f, path);
  return parse_word2vec(f, vocab, dim, path);
}

void set_token_rows(const TokenVectors& v, MatMap<float> table) {
  if (table.cols() != v.dim)
    throw Error("vectors of " + std::to_string(v.dim) + " numbers do not fit a table of " +
                std::to_string(table.cols()) + " columns");
  if (v.values.size() != v.ids.size() * std::size_t(v.dim)) throw Error("the vectors read are inconsistent");
  for (std::int32_t id : v.ids)
    if (id < 0 || id >= table.rows()) throw Error("the vectors were read for another vocabulary");
  for (std::size_t i = 0; i < v.ids.size(); ++i)
    for (int j = 0; j < v.dim; ++j) table(v.ids[i], j) = v.values[i * std::size_t(v.dim) + std::size_t(j)];
}

}  // namespace ev
