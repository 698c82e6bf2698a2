// export.cpp: text writers for the Projector, word2vec and CSV.
#include "core/io/export.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

#include "core/base/atomic_file.h"
#include "core/base/error.h"
#include "core/base/text.h"
#include "core/base/files.h"  // make_dirs, make_parent_dirs: exports create the folders they need

namespace ev {

namespace {

// Shortest text that reads back as the same float.
void append_float(std::string& out, float v) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*g", std::numeric_limits<float>::max_digits10, double(v));
  out += buf;
}

void append_row(std::string& out, const TableRef& C, Eigen::Index r, char sep) {
  for (Eigen::Index j = 0; j < C.cols(); ++j) {
    if (j) out.push_back(sep);
    append_float(out, C(r, j));
  }
}

void check_rows(const std::vector<std::string>& tokens, const TableRef& C) {
  if (Eigen::Index(tokens.size()) != C.rows())
    throw Error("cannot export " + std::to_string(C.rows()) + " vectors with " + std::to_string(tokens.size()) +
                " tokens");
}

}  // namespace

std::string projector_vectors_tsv(const TableRef& C) {
  std::string out;
  out.reserve(std::size_t(C.size()) * 14);
  for (Eigen::Index r = 0; r < C.rows(); ++r) {
    append_row(out, C, r, '\t');
    out.push_back('\n');
  }
  return out;
}

const char* char_class_name(std::string_view token, int id) {
  if (id == Vocab::kBoundary) return "boundary";
  if (token.size() != 1 || !std::isalpha(static_cast<unsigned char>(token[0]))) return "other";
  const char c = char(std::tolower(static_cast<unsigned char>(token[0])));
  return std::string_view("aeiou").find(c) != std::string_view::npos ? "vowel" : "consonant";
}

std::string projector_metadata_tsv(const Dataset& d) {
  const std::vector<std::string>& tokens = d.vocab.tokens();
  const bool words = d.tokenizer == Tokenizer::Word;
  const bool classes = !words || d.classes.size() == tokens.size();
  std::string out = words ? "word\tfrequency" : "token\tfrequency";
  if (classes) out += words ? "\tpart of speech" : "\tclass";
  out.push_back('\n');
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    out += escape_token(tokens[i], false);
    out.push_back('\t');
    out += std::to_string(i < d.counts.size() ? d.counts[i] : 0u);
    if (classes) {
      out.push_back('\t');
      out += !words ? char_class_name(tokens[i], int(i)) : i == 0 ? "boundary" : word_class_name(d.classes[i]);
    }
    out.push_back('\n');
  }
  return out;
}

void write_projector_tsv(const std::string& dir, const Dataset& d, const TableRef& C) {
  check_rows(d.vocab.tokens(), C);
  make_dirs(dir);
  const std::string base = dir.empty() || dir.back() == '/' ? dir : dir + "/";
  write_file_atomic(base + "vectors.tsv", projector_vectors_tsv(C));
  write_file_atomic(base + "metadata.tsv", projector_metadata_tsv(d));
}

namespace {

std::string csv_field(std::string_view f) {
  if (f.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(f);
  std::string out = "\"";
  for (char c : f) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

std::string token_class(const Dataset& d, std::size_t i) {
  const std::string& t = d.vocab.tokens()[i];
  if (d.tokenizer != Tokenizer::Word) return char_class_name(t, int(i));
  if (d.classes.size() != d.vocab.tokens().size()) return "";
  return i == 0 ? "boundary" : word_class_name(d.classes[i]);
}

}  // namespace

std::string projection_csv(const Dataset& d, const std::vector<float>& xy) {
  const std::vector<std::string>& tokens = d.vocab.tokens();
  if (xy.size() != 2 * tokens.size())
    throw Error("a projection of " + std::to_string(xy.size() / 2) + " rows for " + std::to_string(tokens.size()) +
                " tokens");
  std::string out = "token,x,y,class\n";
  char num[64];
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    out += csv_field(tokens[i]);
    for (int c = 0; c < 2; ++c) {
      out.push_back(',');
      const float v = xy[2 * i + std::size_t(c)];
      if (std::isfinite(v) && std::isfinite(xy[2 * i + std::size_t(1 - c)])) {
        std::snprintf(num, sizeof num, "%.9g", double(v));
        out += num;
      }
    }
    out.push_back(',');
    out += csv_field(token_class(d, i));
    out.push_back('\n');
  }
  return out;
}

void write_projection_csv(const std::string& path, const Dataset& d, const std::vector<float>& xy) {
  const std::string text = projection_csv(d, xy);
  make_parent_dirs(path);
  write_file_atomic(path, text);
}

std::string word2vec_text(const std::vector<std::string>& tokens, const TableRef& C) {
  check_rows(tokens, C);
  std::string out = std::to_string(C.rows()) + " " + std::to_string(C.cols()) + "\n";
  for (Eigen::Index r = 0; r < C.rows(); ++r) {
    out += escape_token(tokens[std::size_t(r)], true);
    out.push_back(' ');
    append_row(out, C, r, ' ');
    out.push_back('\n');
  }
  return out;
}

void write_word2vec(const std::string& path, const std::vector<std::string>& tokens, const TableRef& C) {
  make_parent_dirs(path);
  write_file_atomic(path, word2vec_text(tokens, C));
}

std::string loss_csv(const std::vector<LossPoint>& train, const std::vector<LossPoint>& val,
                     const std::vector<CsvColumn>& extra) {
  std::string out = "step,train_loss,val_loss";
  for (const CsvColumn& c : extra) out += "," + c.name;
  out += "\n";
  std::size_t i = 0, j = 0;
  std::vector<std::size_t> at(extra.size(), 0);  // the next point of each extra column
  auto row = [&](std::int64_t step, const float* tr, const float* va) {
    out += std::to_string(step);
    out.push_back(',');
    if (tr) append_float(out, *tr);
    out.push_back(',');
    if (va) append_float(out, *va);
    for (std::size_t c = 0; c < extra.size(); ++c) {
      out.push_back(',');
      const auto& pts = extra[c].points;
      while (at[c] < pts.size() && pts[at[c]].step < step) ++at[c];
      if (at[c] < pts.size() && pts[at[c]].step == step) append_float(out, pts[at[c]].loss);
    }
    out.push_back('\n');
  };
  // Merge by step; a training point and a validation point at the same step share a row.
  while (i < train.size() || j < val.size()) {
    if (j == val.size() || (i < train.size() && train[i].step < val[j].step)) {
      row(train[i].step, &train[i].loss, nullptr);
      ++i;
    } else if (i == train.size() || val[j].step < train[i].step) {
      row(val[j].step, nullptr, &val[j].loss);
      ++j;
    } else {
      row(train[i].step, &train[i].loss, &val[j].loss);
      ++i;
      ++j;
    }
  }
  return out;
}

void write_loss_csv(const std::string& path, const std::vector<LossPoint>& train, const std::vector<LossPoint>& val,
                    const std::vector<CsvColumn>& extra) {
  make_parent_dirs(path);
  write_file_atomic(path, loss_csv(train, val, extra));
}

Mat<float> parse_vectors_tsv(std::string_view text) {
  std::vector<float> values;
  Eigen::Index rows = 0, cols = -1;
  std::size_t pos = 0, line = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string row(text.substr(pos, end - pos));
    pos = end + 1;
    ++line;
    Eigen::Index n = 0;
    const char* p = row.c_str();
    while (*p) {
      char* q = nullptr;
      errno = 0;
      const float v = std::strtof(p, &q);
      if (q == p || (errno == ERANGE && std::isinf(v)) || (*q != '\t' && *q != '\0'))
        throw Error("vectors.tsv line " + std::to_string(line) + ": field " + std::to_string(n + 1) +
                    " is not a number");
      values.push_back(v);
      ++n;
      p = *q ? q + 1 : q;
    }
    if (cols >= 0 && n != cols)
      throw Error("vectors.tsv line " + std::to_string(line) + " has " + std::to_string(n) + " values, not " +
                  std::to_string(cols));
    cols = n;
    ++rows;
  }
  Mat<float> C(rows, std::max<Eigen::Index>(cols, 0));
  std::copy(values.begin(), values.end(), C.data());
  return C;
}

}  // namespace ev
