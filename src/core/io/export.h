// export.h: the embedding table and the loss curve in formats other tools read:
// the TensorFlow Embedding Projector (vectors.tsv + metadata.tsv), word2vec's
// text format, and CSV. Each format has a function that returns the text (for
// tests and previews) and one that writes it atomically, creating the folders
// it needs.
// Not for: reading sessions back (session.h) or images (the app writes PNGs).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/data/dataset.h"
#include "core/train/loss_history.h"
#include "core/models/model.h"

namespace ev {


// vectors.tsv: one row of C per line, values tab-separated, printed with
// max_digits10 significant digits so they read back as the same floats.
std::string projector_vectors_tsv(const TableRef& C);
// metadata.tsv: a header row of column names (the Projector wants one when
// there are several columns), then one row per token: the token, escaped; its
// count in the training split; and its class. Word data: "word", "frequency",
// "part of speech" (WordNet's, dataset.h; the column is left out without
// them); characters: "token", "frequency", "class" (boundary, vowel,
// consonant or other).
std::string projector_metadata_tsv(const Dataset& d);
// A character's class for the metadata: boundary, vowel, consonant or other.
const char* char_class_name(std::string_view token, int id);
// Writes dir/vectors.tsv and dir/metadata.tsv, creating dir when it does not exist.
void write_projector_tsv(const std::string& dir, const Dataset& d, const TableRef& C);

// word2vec text format: a "V d" header line, then "token v1 ... vd" per token.
std::string word2vec_text(const std::vector<std::string>& tokens, const TableRef& C);
void write_word2vec(const std::string& path, const std::vector<std::string>& tokens, const TableRef& C);

// A projection's 2-D positions xy (V, 2) as CSV with the header
// "token,x,y,class": one row per token (a field with a comma, a quote or a
// line break quoted as RFC 4180 says), x and y empty where the projection has
// no finite position, the class as in projector_metadata_tsv ("" for words
// without parts of speech).
std::string projection_csv(const Dataset& d, const std::vector<float>& xy);
void write_projection_csv(const std::string& path, const Dataset& d, const std::vector<float>& xy);

// The loss history as CSV with the header "step,train_loss,val_loss": one row per
// training point (the mean over `stride` steps from `step`) and one per
// validation point, ordered by step; the column a row does not have is empty.
// Extra columns beside the validation loss: a name and values at some of its steps.
struct CsvColumn {
  std::string name;
  std::vector<LossPoint> points;
};
std::string loss_csv(const std::vector<LossPoint>& train, const std::vector<LossPoint>& val,
                     const std::vector<CsvColumn>& extra = {});
void write_loss_csv(const std::string& path, const std::vector<LossPoint>& train, const std::vector<LossPoint>& val,
                    const std::vector<CsvColumn>& extra = {});

// Reads vectors.tsv text back into a (rows, d) table; ev::Error when a row has
// a different width or a field is not a number.
Mat<float> parse_vectors_tsv(std::string_view text);

}  // namespace ev
