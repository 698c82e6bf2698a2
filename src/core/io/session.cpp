// session.cpp: the session file format, atomic saving, and resuming a Trainer.
//
// Payload of version 3, in order (strings are u32 length + bytes; floats are
// IEEE bit patterns):
//   data_source, u64 data_checksum, u8 tokenizer, u64 split_seed,
//   u32 V, V tokens,
//   family, i32 block, emb, hidden, u8 direct, i32 heads, layers,
//   i32 batch, f64 lr, i64 lr_decay_step, f64 lr_decay, i64 val_every, u64 seed,
//   optimizer, i64 lr_linear_steps,
//   u32 n_tensors, n_tensors x (name, i32 rows, i32 cols), the parameter table,
//   u64 n_params, n_params f32, u64 n_state, n_state f32 (the optimizer's: none
//   for SGD, Adam's m then v),
//   i64 step,
//   i64 loss_stride, u64 loss_capacity, u64 n_points, n_points x (i64 step, f32 loss),
//   i64 pending.step, f64 pending.sum, i64 pending.count,
//   u64 n_val, n_val x (i64 step, f32 loss),
//   4 x u64 rng state, u8 has_spare, f64 spare,
//   i32 max_vocab (the word vocabulary's size limit; absent from early version 2
//   files, which read as the default),
//   init (the MLP's initialisation; absent from early version 3 files, which
//   read as "normal", the only one they had),
//   u8 freeze_embeddings (1: the token table is not trained; absent from
//   earlier version 3 files, which read as 0: they trained it).
// Version 5 adds, at the end (absent: none), the timeline: u32 n_frames, n_frames x (i64 step,
// f32 loss, then each embedding table the family names, in its order, as
// rows x cols f32); steps strictly increase and the last is at most `step`.
// Version 4 adds, after lr_linear_steps: softmax, i32 classes, f64
// weight_decay, f64 dropout (the MLP's output layer and its regularisation;
// version 3 files read as "full", 0, 0, 0).
// Version 5 adds, after dropout: u32 n_extra, n_extra x (name, f64), the
// hyperparameters of a family that TrainConfig has no field for, by the name
// in its table (ModelSpec::extra; earlier files read as none).
// Version 2 had no optimizer (SGD) and no linear rate schedule. Version 1 had no
// split seed (the data was split with the initialisation
// seed), the MLP's block, emb, hidden only, no val_every, no table and no
// optimizer state.
#include "core/data/data.h"
#include "core/io/session.h"

#include <unistd.h>  // access

#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>

#include "core/base/atomic_file.h"
#include "core/base/error.h"
#include "core/models/mlp.h"  // check_init
#include "core/models/optim.h"

namespace ev {

namespace {

constexpr char kMagic[8] = {'E', 'V', 'S', 'E', 'S', 'S', 'N', '\0'};
constexpr std::size_t kHeaderBytes = 8 + 4 + 8 + 8;
constexpr std::uint32_t kMaxSourceBytes = 4096;
constexpr std::uint32_t kMaxVocab = Limits::kMaxVocab;
constexpr std::uint32_t kMaxFamilyBytes = 64;  // family and tensor names
constexpr std::uint64_t kMaxLossCapacity = std::uint64_t(1) << 30;
constexpr std::uint64_t kMaxValPoints = std::uint64_t(1) << 26;

// Appends little-endian fields to a byte string.
struct Writer {
  std::string out;
  void u8(std::uint8_t v) { out.push_back(char(v)); }
  void u32(std::uint32_t v) {
    for (int i = 0; i < 4; ++i) out.push_back(char((v >> (8 * i)) & 0xFF));
  }
  void u64(std::uint64_t v) {
    for (int i = 0; i < 8; ++i) out.push_back(char((v >> (8 * i)) & 0xFF));
  }
  void i32(std::int32_t v) { u32(std::uint32_t(v)); }
  void i64(std::int64_t v) { u64(std::uint64_t(v)); }
  void f32(float v) {
    std::uint32_t b;
    std::memcpy(&b, &v, 4);
    u32(b);
  }
  void f64(double v) {
    std::uint64_t b;
    std::memcpy(&b, &v, 8);
    u64(b);
  }
  void str(const std::string& s) {
    u32(std::uint32_t(s.size()));
    out += s;
  }
  void points(const std::vector<LossPoint>& ps) {
    u64(ps.size());
    for (const auto& p : ps) {
      i64(p.step);
      f32(p.loss);
    }
  }
};

// Reads little-endian fields, throwing a message that names the file and the
// field when the bytes run out.
struct Reader {
  std::string_view in;
  std::size_t pos = 0;
  const std::string& name;

  [[noreturn]] void fail(const std::string& what) const { throw Error(shown(name) + ": " + what); }
  std::size_t left() const { return in.size() - pos; }
  void need(std::size_t n, const char* field) {
    if (left() < n) fail(std::string("truncated: the file ends inside the ") + field);
  }
  std::uint64_t le(int n, const char* field) {
    need(std::size_t(n), field);
    std::uint64_t v = 0;
    for (int i = 0; i < n; ++i) v |= std::uint64_t(std::uint8_t(in[pos + std::size_t(i)])) << (8 * i);
    pos += std::size_t(n);
    return v;
  }
  std::uint8_t u8(const char* f) { return std::uint8_t(le(1, f)); }
  std::uint32_t u32(const char* f) { return std::uint32_t(le(4, f)); }
  std::uint64_t u64(const char* f) { return le(8, f); }
  std::int32_t i32(const char* f) { return std::int32_t(u32(f)); }
  std::int64_t i64(const char* f) { return std::int64_t(u64(f)); }
  float f32(const char* f) {
    const std::uint32_t b = u32(f);
    float v;
    std::memcpy(&v, &b, 4);
    return v;
  }
  double f64(const char* f) {
    const std::uint64_t b = u64(f);
    double v;
    std::memcpy(&v, &b, 8);
    return v;
  }
  std::string str(const char* field, std::uint32_t max) {
    const std::uint32_t n = u32(field);
    if (n > max) fail(std::string(field) + " is " + std::to_string(n) + " bytes long; the limit is " + std::to_string(max));
    need(n, field);
    std::string s(in.substr(pos, n));
    pos += n;
    return s;
  }
  // A count of records of `record_bytes` each: checked against `max` and the
  // bytes that remain, before the caller allocates anything.
  std::uint64_t count(const char* field, std::uint64_t max, std::size_t record_bytes) {
    const std::uint64_t n = u64(field);
    if (n > max) fail(std::string(field) + " count " + std::to_string(n) + " is over the limit " + std::to_string(max));
    if (n > left() / record_bytes) fail(std::string("truncated: the file is too short for its ") + field);
    return n;
  }
  std::vector<LossPoint> points(const char* field, std::uint64_t max) {
    const std::uint64_t n = count(field, max, 12);
    std::vector<LossPoint> ps(static_cast<std::size_t>(n));
    for (auto& p : ps) {
      p.step = i64(field);
      p.loss = f32(field);
    }
    return ps;
  }
};

// Built-in data sets are recorded by name, not path.
bool is_default_words(const std::string& source) {
  const std::string prefix = kDefaultWordList;
  return source.size() > prefix.size() && source.compare(0, prefix.size(), prefix) == 0 &&
         source[prefix.size()] == ' ';
}

// The timeline of a version 5 payload (see the top of this file).
TimelineFrames read_timeline(Reader& r, const Session& s) {
  const ModelSpec spec = s.spec();
  const ParamTable table = param_table(spec);
  const std::vector<std::string> names = family(spec.family).embeddings(spec);
  std::size_t floats = 0;
  for (const std::string& n : names) floats += std::size_t(table.at(n).rows) * std::size_t(table.at(n).cols);
  const std::uint32_t n = r.u32("timeline");
  if (n > r.left() / (12 + 4 * floats)) r.fail("truncated: the file is too short for its timeline");
  TimelineFrames frames;
  frames.reserve(n);
  for (std::uint32_t k = 0; k < n; ++k) {
    TimelineFrame f;
    f.step = r.i64("timeline");
    f.loss = r.f32("timeline");
    if (f.step < 0 || f.step > s.step || (!frames.empty() && f.step <= frames.back().step))
      r.fail("timeline step " + std::to_string(f.step) + " is out of order or past the session's step");
    auto tables = std::make_shared<std::vector<NamedTable>>();
    for (const std::string& name : names) {
      const TensorInfo& t = table.at(name);
      Mat<float> m(t.rows, t.cols);
      for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = r.f32("timeline");
      tables->push_back({name, std::move(m)});
    }
    f.tables = std::move(tables);
    frames.push_back(std::move(f));
  }
  return frames;
}

}  // namespace

namespace {

// A data file named by a relative path is kept by its absolute one, so the
// session resumes from any folder; built-in data sets keep their names.
std::string data_source_of(const Dataset& d) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (d.source.empty() || fs::path(d.source).is_absolute() || !fs::exists(d.source, ec)) return d.source;
  const fs::path abs = fs::absolute(d.source, ec);
  return ec ? d.source : abs.lexically_normal().string();
}

}  // namespace

Session capture_session(const Trainer& t) {
  Session s;
  const Dataset& d = t.data();
  s.data_source = data_source_of(d);
  s.data_checksum = d.checksum;
  s.tokenizer = d.tokenizer;
  s.split_seed = d.split_seed;
  if (d.max_vocab > 0) s.max_vocab = d.max_vocab;
  s.vocab = d.vocab.tokens();
  s.config = t.config();
  s.params = t.model().params;
  s.optimizer_state = t.optimizer_state();
  s.step = t.step_count();
  const LossHistory& h = t.history();
  s.loss = h.points();
  s.loss_stride = h.stride();
  s.loss_capacity = h.capacity();
  s.loss_pending = h.pending();
  s.val = h.val;
  s.rng = t.rng_state();
  s.timeline = *t.timeline().frames();
  // The latest tables end the timeline: a resumed film goes on from them.
  if (s.timeline.empty() || s.timeline.back().step < s.step) {
    const float loss = s.loss.empty() ? std::nanf("") : s.loss.back().loss;
    s.timeline.push_back({s.step, loss, t.embedding_tables()});
  }
  return s;
}

namespace {

// What the parser would refuse is refused here, before anything is written:
// every saved session loads.
void check_savable(const Session& s) {
  if (s.data_source.size() > kMaxSourceBytes)
    throw Error("cannot save a session of data named by a path of " + std::to_string(s.data_source.size()) +
                " bytes; the limit is " + std::to_string(kMaxSourceBytes));
  if (s.vocab.size() > kMaxVocab)
    throw Error("cannot save a session with " + std::to_string(s.vocab.size()) + " tokens; the limit is " +
                std::to_string(kMaxVocab));
  for (std::size_t i = 0; i < s.vocab.size(); ++i)
    if (s.vocab[i].size() > kMaxSessionTokenBytes)
      throw Error("cannot save the session: token " + std::to_string(i) + " is " + std::to_string(s.vocab[i].size()) +
                  " bytes long; sessions hold tokens of up to " + std::to_string(kMaxSessionTokenBytes) + " bytes");
  if (s.step < 0 || s.step > Limits::kMaxStep)
    throw Error("cannot save a session at step " + std::to_string(s.step) + "; the limit is " +
                std::to_string(Limits::kMaxStep));
}

std::uint64_t session_length(std::string_view header, const std::string& name) {
  if (header.size() < sizeof kMagic || std::memcmp(header.data(), kMagic, sizeof kMagic) != 0)
    throw Error(shown(name) + ": not an embedviz session file (wrong magic bytes)");
  Reader h{header, sizeof kMagic, name};
  const std::uint32_t version = h.u32("header");
  if (version < 1 || version > kSessionVersion)
    throw Error(shown(name) + ": session format version " + std::to_string(version) +
                " is not supported (this build reads 1 to " + std::to_string(kSessionVersion) + ")");
  const std::uint64_t length = h.u64("header");
  if (length > kMaxSessionBytes - kHeaderBytes)
    throw Error(shown(name) + ": the header announces " + std::to_string(length) + " bytes; the limit is " +
                std::to_string(kMaxSessionBytes));
  return length;
}

}  // namespace

std::string encode_session(const Session& s) {
  check_savable(s);
  Writer p;
  p.str(s.data_source);
  p.u64(s.data_checksum);
  p.u8(s.tokenizer == Tokenizer::Word ? 1 : 0);
  p.u64(s.split_seed);
  p.u32(std::uint32_t(s.vocab.size()));
  for (const auto& tok : s.vocab) p.str(tok);
  const TrainConfig& c = s.config;
  p.str(c.family);
  p.i32(c.block);
  p.i32(c.emb);
  p.i32(c.hidden);
  p.u8(c.direct ? 1 : 0);
  p.i32(c.heads);
  p.i32(c.layers);
  p.i32(c.batch);
  p.f64(c.lr);
  p.i64(c.lr_decay_step);
  p.f64(c.lr_decay);
  p.i64(c.val_every);
  p.u64(c.seed);
  p.str(c.optimizer);
  p.i64(c.lr_linear_steps);
  p.str(c.softmax);
  p.i32(c.classes);
  p.f64(c.weight_decay);
  p.f64(c.dropout);
  p.u32(std::uint32_t(c.extra.size()));
  for (const auto& [name, value] : c.extra) {
    p.str(name);
    p.f64(value);
  }
  const ParamTable table = param_table(s.spec());
  p.u32(std::uint32_t(table.size()));
  for (const TensorInfo& t : table.tensors()) {
    p.str(t.name);
    p.i32(t.rows);
    p.i32(t.cols);
  }
  p.u64(s.params.size());
  p.out.reserve(p.out.size() + 4 * (s.params.size() + s.optimizer_state.size()) + 1024 +
                12 * (s.loss.size() + s.val.size()));
  for (float v : s.params) p.f32(v);
  p.u64(s.optimizer_state.size());
  for (float v : s.optimizer_state) p.f32(v);
  p.i64(s.step);
  p.i64(s.loss_stride);
  p.u64(s.loss_capacity);
  p.points(s.loss);
  p.i64(s.loss_pending.step);
  p.f64(s.loss_pending.sum);
  p.i64(s.loss_pending.count);
  p.points(s.val);
  for (std::uint64_t w : s.rng.s) p.u64(w);
  p.u8(s.rng.has_spare ? 1 : 0);
  p.f64(s.rng.spare);
  p.i32(s.max_vocab);
  p.str(c.init);
  p.u8(c.freeze_embeddings ? 1 : 0);
  p.u32(std::uint32_t(s.timeline.size()));
  for (const TimelineFrame& f : s.timeline) {
    p.i64(f.step);
    p.f32(f.loss);
    for (const NamedTable& t : *f.tables)
      for (Eigen::Index i = 0; i < t.values.size(); ++i) p.f32(t.values.data()[i]);
  }

  Writer h;
  h.out.reserve(kHeaderBytes + p.out.size());
  h.out.append(kMagic, sizeof kMagic);
  h.u32(kSessionVersion);
  h.u64(p.out.size());
  h.u64(fnv1a(p.out.data(), p.out.size()));
  h.out += p.out;
  return std::move(h.out);
}

namespace {

// The vocabulary: the boundary first, then strictly increasing bytes, as ev::Vocab builds it.
void read_vocab(Reader& r, Session& s) {
  const std::uint32_t V = r.u32("vocabulary");
  if (V < 2 || V > kMaxVocab) r.fail("vocabulary size " + std::to_string(V) + " is out of range");
  if (V > r.left() / 5) r.fail("truncated: the file is too short for its vocabulary");
  s.vocab.reserve(V);
  for (std::uint32_t i = 0; i < V; ++i) {
    s.vocab.push_back(r.str("vocabulary", kMaxSessionTokenBytes));
    if (s.vocab.back().empty()) r.fail("vocabulary token " + std::to_string(i) + " is empty");
  }
  if (s.vocab[0] != Vocab::kBoundaryText) r.fail("vocabulary does not start with the boundary token");
  for (std::uint32_t i = 2; i < V; ++i)
    if (!(s.vocab[i - 1] < s.vocab[i])) r.fail("vocabulary is not sorted or has duplicates");
}

// The run's configuration, checked as a run's would be (validate).
void read_config(Reader& r, std::uint32_t version, Session& s) {
  const std::uint32_t V = std::uint32_t(s.vocab.size());
  TrainConfig& c = s.config;
  if (version >= 2) c.family = r.str("configuration", kMaxFamilyBytes);
  c.block = r.i32("configuration");
  c.emb = r.i32("configuration");
  c.hidden = r.i32("configuration");
  if (version >= 2) {
    const std::uint8_t direct = r.u8("configuration");
    if (direct > 1) r.fail("the direct-connections flag is invalid");
    c.direct = direct == 1;
    c.heads = r.i32("configuration");
    c.layers = r.i32("configuration");
  }
  c.batch = r.i32("configuration");
  c.lr = r.f64("configuration");
  c.lr_decay_step = r.i64("configuration");
  c.lr_decay = r.f64("configuration");
  if (version >= 2) c.val_every = r.i64("configuration");
  c.seed = r.u64("configuration");
  if (version >= 3) {
    c.optimizer = r.str("configuration", kMaxFamilyBytes);
    c.lr_linear_steps = r.i64("configuration");
  }
  if (version >= 4) {
    c.softmax = r.str("configuration", kMaxFamilyBytes);
    c.classes = r.i32("configuration");
    c.weight_decay = r.f64("configuration");
    c.dropout = r.f64("configuration");
  }
  if (version >= 5) {
    const std::uint32_t n = r.u32("configuration");
    if (n > 64) r.fail("it names " + std::to_string(n) + " hyperparameters; at most 64");
    for (std::uint32_t i = 0; i < n; ++i) {
      const std::string name = r.str("configuration", kMaxFamilyBytes);
      c.extra[name] = r.f64("configuration");
    }
  }
  if (version < 2) s.split_seed = c.seed;  // version 1 split the data with the initialisation seed
  try {
    validate(c, int(V), 0);
    if (c.val_every < 0) throw Error("val_every = " + std::to_string(c.val_every) + " is negative");
  } catch (const Error& e) {
    r.fail(e.what());
  }
}

// The parameter table, checked against the one the configuration builds, the
// parameters and the optimizer's state.
void read_parameters(Reader& r, std::uint32_t version, Session& s) {
  const TrainConfig& c = s.config;
  const ParamTable table = param_table(s.spec());
  if (version >= 2) {
    const std::uint32_t n = r.u32("parameter table");
    if (n != std::uint32_t(table.size()))
      r.fail("its parameter table has " + std::to_string(n) + " tensors; a " + c.family + " model of its shape has " +
             std::to_string(table.size()));
    for (const TensorInfo& t : table.tensors()) {
      const std::string tensor = r.str("parameter table", kMaxFamilyBytes);
      const std::int32_t rows = r.i32("parameter table"), cols = r.i32("parameter table");
      if (tensor != t.name || rows != t.rows || cols != t.cols)
        r.fail("tensor " + shown(tensor) + " (" + std::to_string(rows) + " x " + std::to_string(cols) +
               ") does not match the model's " + t.name + " (" + std::to_string(t.rows) + " x " +
               std::to_string(t.cols) + ")");
    }
  }
  const std::uint64_t n_params = r.count("parameters", table.count(), 4);
  if (n_params != table.count())
    r.fail("has " + std::to_string(n_params) + " parameters but its shape needs " + std::to_string(table.count()));
  s.params.resize(static_cast<std::size_t>(n_params));
  for (auto& v : s.params) v = r.f32("parameters");
  if (version >= 2) {
    const std::uint64_t n_state = r.count("optimizer state", 4 * table.count(), 4);
    const std::size_t want = optimizer_state_size(c.optimizer, table.count());
    if (n_state != 0 && n_state != want)
      r.fail("its optimizer state has " + std::to_string(n_state) + " numbers; " + c.optimizer + " on this model keeps " +
             std::to_string(want));
    s.optimizer_state.resize(static_cast<std::size_t>(n_state));
    for (auto& v : s.optimizer_state) v = r.f32("optimizer state");
  }
}

}  // namespace

Session parse_session(std::string_view bytes, const std::string& name) {
  const std::uint64_t length = session_length(bytes, name);
  const std::uint32_t version = Reader{bytes, sizeof kMagic, name}.u32("header");
  Reader h{bytes, sizeof kMagic + 4 + 8, name};
  const std::uint64_t checksum = h.u64("header");
  if (length != h.left())
    throw Error(shown(name) + (length > h.left() ? ": truncated: the payload should be " : ": the payload should be ") +
                std::to_string(length) + " bytes but " + std::to_string(h.left()) + " follow the header");
  const std::string_view payload = bytes.substr(kHeaderBytes);
  if (fnv1a(payload.data(), payload.size()) != checksum)
    throw Error(shown(name) + ": corrupt: the payload's checksum does not match");

  Reader r{payload, 0, name};
  Session s;
  s.data_source = r.str("data source", kMaxSourceBytes);
  s.data_checksum = r.u64("data checksum");
  const std::uint8_t tok = r.u8("tokenizer");
  if (tok > 1) r.fail("unknown tokenizer " + std::to_string(tok));
  s.tokenizer = tok == 1 ? Tokenizer::Word : Tokenizer::Char;
  if (version >= 2) s.split_seed = r.u64("split seed");

  read_vocab(r, s);
  read_config(r, version, s);
  read_parameters(r, version, s);
  TrainConfig& c = s.config;

  s.step = r.i64("step");
  if (s.step < 0 || s.step > Limits::kMaxStep)
    r.fail("step " + std::to_string(s.step) + " is out of range (0 to " + std::to_string(Limits::kMaxStep) + ")");

  s.loss_stride = r.i64("loss history");
  if (s.loss_stride < 1 || (s.loss_stride & (s.loss_stride - 1)) != 0 || s.loss_stride > s.step + 1)
    r.fail("loss history stride " + std::to_string(s.loss_stride) + " is invalid");
  s.loss_capacity = r.u64("loss history");
  if (s.loss_capacity < 2 || s.loss_capacity > kMaxLossCapacity || s.loss_capacity % 2 != 0)
    r.fail("loss history capacity " + std::to_string(s.loss_capacity) + " is invalid");
  s.loss = r.points("loss history", s.loss_capacity - 1);
  s.loss_pending.step = r.i64("loss history");
  s.loss_pending.sum = r.f64("loss history");
  s.loss_pending.count = r.i64("loss history");
  if (s.loss_pending.count < 0 || s.loss_pending.count >= s.loss_stride)
    r.fail("loss history's partial bucket is invalid");
  s.val = r.points("validation history", kMaxValPoints);

  for (auto& w : s.rng.s) w = r.u64("generator state");
  const std::uint8_t spare = r.u8("generator state");
  if (spare > 1) r.fail("generator state is invalid");
  s.rng.has_spare = spare == 1;
  s.rng.spare = r.f64("generator state");
  if ((s.rng.s[0] | s.rng.s[1] | s.rng.s[2] | s.rng.s[3]) == 0) r.fail("generator state is all zero");
  if (version >= 2 && r.left() > 0) {
    s.max_vocab = r.i32("vocabulary limit");
    if (s.max_vocab < 3 || std::uint32_t(s.max_vocab) > kMaxVocab)
      r.fail("vocabulary limit " + std::to_string(s.max_vocab) + " is out of range");
  }
  if (version >= 3 && r.left() > 0) {
    c.init = r.str("initialisation", kMaxFamilyBytes);
    try {
      check_init(c.init);
    } catch (const Error& e) {
      r.fail(e.what());
    }
  }
  if (version >= 3 && r.left() > 0) {
    const std::uint8_t freeze = r.u8("frozen embeddings flag");
    if (freeze > 1) r.fail("the frozen-embeddings flag is invalid");
    c.freeze_embeddings = freeze == 1;
  }

  if (version >= 5 && r.left() > 0) s.timeline = read_timeline(r, s);

  if (r.left() != 0) r.fail(std::to_string(r.left()) + " unexpected bytes after the session");
  return s;
}

void check_session_fits(const Dataset& d, std::int64_t step) {
  Session s;
  s.data_source = data_source_of(d);
  s.vocab = d.vocab.tokens();
  s.step = step;
  check_savable(s);
}

void save_session(const Session& s, const std::string& path) {
  check_outputs({{"", path, false}}, {{s.data_source, "the data the session trains on", ""}});
  write_file_atomic(path, encode_session(s));
}

Session load_session(const std::string& path) {
  return parse_session(read_file_with_header(path, kHeaderBytes, session_length), path);
}

void check_session_data(const Session& s, const Dataset& data) {
  if (s.tokenizer != data.tokenizer)
    throw Error(std::string("the session was trained with the ") + tokenizer_name(s.tokenizer) +
                " tokenizer, the data is read with the " + tokenizer_name(data.tokenizer) + " tokenizer");
  if (s.data_checksum != data.checksum)
    throw Error("the session was trained on different data (" + shown(s.data_source) + "): " + shown(data.source) +
                " has another checksum");
  if (s.split_seed != data.split_seed)
    throw Error("the session's data was split with seed " + std::to_string(s.split_seed) + ", this data with seed " +
                std::to_string(data.split_seed));
  if (s.vocab != data.vocab.tokens())
    throw Error("the session's vocabulary (" + std::to_string(s.vocab.size()) + " tokens) differs from " +
                shown(data.source) + "'s (" + std::to_string(data.vocab.size()) + " tokens)");
}

std::shared_ptr<const Dataset> load_session_data(const Session& s) {
  DataSpec spec = s.data();
  // Older builds named the word list with other words after its path.
  if (spec.source != default_words_source() && is_default_words(spec.source)) spec.source = default_words_source();
  const bool file = spec.source != default_words_source() && spec.source != wordnet_source() &&
                    spec.source != kToyLessonSource;
  if (file && ::access(spec.source.c_str(), R_OK) != 0)
    throw Error("the data the session trained on, " + shown(spec.source) + ", cannot be read (" +
                std::strerror(errno) + ")");
  std::shared_ptr<const Dataset> d = load_data(spec);
  check_session_data(s, *d);
  return d;
}

Trainer resume_session(const Session& s, std::shared_ptr<const Dataset> data) {
  check_session_data(s, *data);
  Trainer t(std::move(data), s.config);
  t.restore(s.step, s.params, s.rng, s.optimizer_state);
  LossHistory h(static_cast<std::size_t>(s.loss_capacity));
  h.restore(s.loss, s.loss_stride, s.loss_pending, s.val);
  t.mutable_history() = std::move(h);
  for (const TimelineFrame& f : s.timeline) t.mutable_timeline().add(f);
  return t;
}

void apply_session(const Session& s, Trainer& t) {
  Trainer fresh = resume_session(s, t.data_ptr());
  t = std::move(fresh);  // nothing above touched t; a move cannot fail halfway
}

}  // namespace ev
