// config.cpp: range checks and memory estimates for TrainConfig.
#include "core/train/config.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <vector>

#include "core/base/error.h"
#include "core/models/mlp.h"  // check_softmax
#include "core/models/optim.h"

namespace ev {

ModelSpec TrainConfig::spec(int vocab) const {
  ModelSpec s;
  s.family = family;
  s.vocab = vocab;
  s.block = block;
  s.emb = emb;
  s.hidden = hidden;
  s.direct = direct;
  s.heads = heads;
  s.layers = layers;
  s.init = init;
  s.softmax = softmax;
  s.classes = classes;
  s.extra = extra;
  return s;
}

namespace {

// The trainer's settings a family's defaults may name, by flag.
struct TrainerSetting {
  const char* name;
  void (*set)(TrainConfig&, const std::string&);
  void (*copy)(TrainConfig& to, const TrainConfig& from);
};

double number(const char* name, const std::string& v) {
  char* end = nullptr;
  const double x = std::strtod(v.c_str(), &end);
  if (v.empty() || end != v.c_str() + v.size() || !std::isfinite(x)) throw Error(std::string(name) + "=" + shown(v) + ": not a number");
  return x;
}

const std::vector<TrainerSetting>& trainer_settings() {
  static const std::vector<TrainerSetting> table = {
      {"optimizer", [](TrainConfig& c, const std::string& v) { check_optimizer(v), c.optimizer = v; },
       [](TrainConfig& t, const TrainConfig& f) { t.optimizer = f.optimizer; }},
      {"lr", [](TrainConfig& c, const std::string& v) { c.lr = number("lr", v); },
       [](TrainConfig& t, const TrainConfig& f) { t.lr = f.lr; }},
      {"batch", [](TrainConfig& c, const std::string& v) { c.batch = int(number("batch", v)); },
       [](TrainConfig& t, const TrainConfig& f) { t.batch = f.batch; }},
      {"weight-decay", [](TrainConfig& c, const std::string& v) { c.weight_decay = number("weight-decay", v); },
       [](TrainConfig& t, const TrainConfig& f) { t.weight_decay = f.weight_decay; }},
      {"dropout", [](TrainConfig& c, const std::string& v) { c.dropout = number("dropout", v); },
       [](TrainConfig& t, const TrainConfig& f) { t.dropout = f.dropout; }},
      {"val-every", [](TrainConfig& c, const std::string& v) { c.val_every = std::int64_t(number("val-every", v)); },
       [](TrainConfig& t, const TrainConfig& f) { t.val_every = f.val_every; }},
  };
  return table;
}

const TrainerSetting* trainer_setting(const std::string& name) {
  for (const TrainerSetting& s : trainer_settings())
    if (name == s.name) return &s;
  return nullptr;
}

// Copies one setting by name from `from` to `to`.
void copy_setting(TrainConfig& to, const TrainConfig& from, const std::string& name) {
  if (const TrainerSetting* s = trainer_setting(name)) return s->copy(to, from);
  const Hyperparameter* h = family(from.family).hyperparameter(name);
  if (!h) throw Error("the " + from.family + " family's defaults name " + shown(name) + ", which is no setting");
  set_setting(to, name, h->text(from.spec(2)));
}

}  // namespace

void set_setting(TrainConfig& c, const std::string& name, const std::string& value) {
  if (const TrainerSetting* s = trainer_setting(name)) return s->set(c, value);
  const Hyperparameter* h = family(c.family).hyperparameter(name);
  if (!h) throw Error("the " + c.family + " model has no setting " + shown(name));
  ModelSpec spec = c.spec(2);
  h->set(spec, value);
  c.set_spec(spec);
}

TrainConfig family_defaults(const std::string& name, bool words) {
  TrainConfig c;
  c.family = name;
  const Family& f = family(name);
  for (bool w : {false, true})
    if (!w || words)
      for (const auto& [setting, value] : f.defaults(w)) set_setting(c, setting, value);
  return c;
}

void apply_defaults(TrainConfig& c, bool words, const std::function<bool(const char* flag)>& given) {
  const Family& f = family(c.family);
  const TrainConfig usual = family_defaults(c.family, words);
  const auto user = [&](const std::string& name) { return given(("--" + name).c_str()); };
  for (bool w : {false, true})
    for (const auto& setting : f.defaults(w)) {
      const std::string& name = setting.first;
      if (user(name) || (name == "val-every" && c.val_every == 0)) continue;
      copy_setting(c, usual, name);
    }
  if (user("optimizer") && !user("lr") && (c.optimizer == "sgd") != (usual.optimizer == "sgd"))
    c.lr = default_lr(c.optimizer);
}

std::function<bool(const char* flag)> differs_from_defaults(const TrainConfig& c, bool words) {
  return [c, usual = family_defaults(c.family, words)](const char* flag) {
    const std::string name = std::string(flag).substr(2);  // without "--"
    if (!trainer_setting(name) && !family(c.family).hyperparameter(name)) return false;
    TrainConfig one = usual;  // the defaults with c's value of this one setting
    copy_setting(one, c, name);
    return !(one.spec(2) == usual.spec(2)) || one.optimizer != usual.optimizer || one.lr != usual.lr ||
           one.batch != usual.batch || one.weight_decay != usual.weight_decay || one.dropout != usual.dropout ||
           one.val_every != usual.val_every;
  };
}

TrainConfig with_family(const TrainConfig& c, const std::string& name, bool words,
                        const std::function<bool(const char* flag)>& given) {
  const auto user = [&](const std::string& setting) { return given(("--" + setting).c_str()); };
  TrainConfig out;  // TrainConfig{}, the family, and what was given
  out.family = name;
  out.seed = c.seed;
  out.lr_decay_step = c.lr_decay_step;
  out.lr_decay = c.lr_decay;
  out.lr_linear_steps = c.lr_linear_steps;
  out.freeze_embeddings = c.freeze_embeddings;
  for (const TrainerSetting& t : trainer_settings())
    if (user(t.name)) t.copy(out, c);
  if (c.val_every == 0) out.val_every = 0;  // validation at the end only, which apply_defaults keeps too
  ModelSpec spec = out.spec(2);
  const ModelSpec from = c.spec(2);
  for (const Hyperparameter* h : all_hyperparameters()) {
    const bool field = h->int_field || h->bool_field || h->text_field;
    if (user(h->name) && (field || family(name).hyperparameter(h->name))) h->set(spec, h->text(from));
  }
  out.set_spec(spec);
  apply_defaults(out, words, given);
  return out;
}

void TrainConfig::set_spec(const ModelSpec& s) {
  family = s.family;
  block = s.block;
  emb = s.emb;
  hidden = s.hidden;
  direct = s.direct;
  heads = s.heads;
  layers = s.layers;
  init = s.init;
  softmax = s.softmax;
  classes = s.classes;
  extra = s.extra;
}

double estimate_bytes(const TrainConfig& c, int vocab, std::size_t n_tokens, double data_bytes, int threads) {
  const ModelSpec spec = c.spec(vocab);
  const Family& f = family(c.family);
  const double params = double(f.table(spec).count());
  const double state = double(optimizer_state_size(c.optimizer, std::size_t(params)));
  const double acts = f.activation_floats(spec, c.batch);
  // Evaluation runs 1024-row chunks; at least four chunks' worth is counted
  // (sampling, the teaching tools), and one chunk per extra thread.
  const double eval_acts = f.activation_floats(spec, 1024.0 * std::max(4, threads));
  const double examples = double(n_tokens) * (c.block + 1);
  return 4 * (5 * params + 2 * state + acts + eval_acts + examples) + data_bytes;  // float/int32
}

void validate_at_once(std::vector<double> each, int jobs, double shared_bytes, double already) {
  if (each.empty()) return;
  std::sort(each.begin(), each.end(), std::greater<double>());
  const auto at_once = [&](std::size_t n) {
    double sum = already + shared_bytes;
    for (std::size_t i = 0; i < n; ++i) sum += std::max(0.0, each[i] - shared_bytes);
    return sum;
  };
  const std::size_t n = std::min(each.size(), std::size_t(std::max(1, jobs)));
  const double total = at_once(n);
  if (total <= Limits::kMaxBytes) return;
  std::size_t fits = n;
  while (fits > 0 && at_once(fits) > Limits::kMaxBytes) --fits;
  constexpr double GiB = double(1ull << 30);
  char buf[320];
  std::snprintf(buf, sizeof buf, "%zu runs at once would need about %.1f GiB of memory (the largest %.1f GiB)%s; the limit is %.0f GiB: %s",
                n, total / GiB, each[0] / GiB, already > 0 ? ", beside the run in the window" : "",
                Limits::kMaxBytes / GiB,
                fits > 0 ? ("train " + std::to_string(fits) + " at a time (--jobs " + std::to_string(fits) + ")").c_str()
                         : "smaller runs, or fewer values");
  throw Error(buf);
}

static void check_range(const char* name, double v, double lo, double hi) {
  if (!(v >= lo && v <= hi)) {
    char buf[256];
    std::snprintf(buf, sizeof buf, "%s = %g is out of range; it must be between %g and %g", name, v, lo, hi);
    throw Error(buf);
  }
}

void validate(const TrainConfig& c, int vocab, std::size_t n_tokens, double data_bytes, int threads) {
  const Family& f = family(c.family);  // throws for an unknown family
  check_optimizer(c.optimizer);
  check_range("vocabulary", vocab, 2, Limits::kMaxVocab);
  const ModelSpec spec = c.spec(vocab);
  for (const Hyperparameter& h : f.hyperparameters()) h.check(spec);
  check_range("batch", c.batch, 1, Limits::kMaxBatch);
  check_range("lr", c.lr, Limits::kMinLr, Limits::kMaxLr);
  check_range("lr-decay", c.lr_decay, 0, 1e6);
  check_range("lr-decay-step", double(c.lr_decay_step), 0, 9e18);
  check_range("lr-linear-steps", double(c.lr_linear_steps), 0, 9e18);
  check_range("weight-decay", c.weight_decay, 0, 0.5);
  check_range("dropout", c.dropout, 0, 0.9);
  if (c.softmax != "full" && !f.traits.class_softmax)
    throw Error("--softmax " + c.softmax + " is not for the " + c.family + " model");
  check_softmax(spec);
  const double bytes = estimate_bytes(c, vocab, n_tokens, data_bytes, threads);
  if (bytes > Limits::kMaxBytes) {
    char buf[320];
    std::snprintf(buf, sizeof buf,
                  "this run would need about %.1f GiB of memory (vocab %d, block %d, emb %d, hidden %d, "
                  "batch %d, %zu tokens of data, %d evaluation thread%s); the limit is %.0f GiB",
                  bytes / double(1ull << 30), vocab, c.block, c.emb, c.hidden, c.batch, n_tokens, threads,
                  threads == 1 ? "" : "s", Limits::kMaxBytes / double(1ull << 30));
    throw Error(buf);
  }
}

std::string describe(const TrainConfig& c) {
  char model[192], rate[96];
  const Family& f = family(c.family);
  if (!f.traits.hidden_layer) {
    std::string numbers = c.family;  // the family's numbers from its table: "gpt, block 16, emb 16, ..."
    for (const Hyperparameter& h : f.hyperparameters())
      if (h.kind != Hyperparameter::Kind::Choice) numbers += ", " + std::string(h.name) + " " + h.text(c.spec(2));
    std::snprintf(model, sizeof model, "%s", numbers.c_str());
  } else
    std::snprintf(model, sizeof model, "%s%s, block %d, emb %d, hidden %d%s%s", c.family.c_str(),
                  c.direct ? " with direct connections" : "", c.block, c.emb, c.hidden,
                  c.init == "normal" ? "" : (", " + c.init + " init").c_str(),
                  c.softmax == "full" ? "" : ", class-factored softmax");
  if (c.lr_linear_steps > 0)
    std::snprintf(rate, sizeof rate, "lr %g (to 0 by step %lld)", c.lr, (long long)c.lr_linear_steps);
  else
    std::snprintf(rate, sizeof rate, "lr %g (x%g from step %lld)", c.lr, c.lr_decay, (long long)c.lr_decay_step);
  char buf[480];
  char decay[96] = "";
  if (c.weight_decay > 0 || c.dropout > 0)
    std::snprintf(decay, sizeof decay, ", weight decay %g, dropout %g", c.weight_decay, c.dropout);
  std::snprintf(buf, sizeof buf, "%s, batch %d, %s %s%s, seed %llu%s", model, c.batch, c.optimizer.c_str(), rate, decay,
                (unsigned long long)c.seed, c.freeze_embeddings ? ", embeddings frozen" : "");
  return buf;
}

}  // namespace ev
