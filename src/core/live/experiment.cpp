// experiment.cpp: sweeps run as independent Runs on a small pool of job
// threads, and the learning-rate finder.
#include "core/live/experiment.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <new>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/base/error.h"
#include "core/train/metrics.h"
#include "core/base/parallel.h"
#include "core/live/run.h"

namespace ev {

namespace {

using Clock = std::chrono::steady_clock;

long long whole_number(const std::string& param, const std::string& v) {
  char* end = nullptr;
  errno = 0;
  const long long n = std::strtoll(v.c_str(), &end, 10);
  if (v.empty() || end != v.c_str() + v.size() || errno == ERANGE)
    throw Error(param + "=" + shown(v) + ": not a whole number");
  return n;
}

int in_range(const std::string& param, const std::string& v, int lo, int hi) {
  const long long n = whole_number(param, v);
  if (n < lo || n > hi)
    throw Error(param + "=" + v + " is out of range; expected " + std::to_string(lo) + " to " + std::to_string(hi));
  return int(n);
}

// One run of an experiment, start to end, on the calling thread.
void train_one(std::shared_ptr<const Dataset> data, const TrainConfig& cfg, std::size_t index, const StopRule& stop,
               const std::function<void(const RunProgress&)>& report, const std::atomic<bool>* cancel,
               RunResult& row) {
  try {
    Run run(RunId(index + 1), std::move(data), cfg);
    const Trainer& t = run.trainer();
    row.params = t.model().params.size();
    const auto t0 = Clock::now();
    auto last_report = t0;
    for (std::int64_t i = 0; i < stop.steps; ++i) {
      if (cancel && cancel->load(std::memory_order_relaxed)) {
        row.error = "stopped";
        break;
      }
      const auto now = Clock::now();
      if (stop.seconds > 0 && std::chrono::duration<double>(now - t0).count() >= stop.seconds) break;
      if (run.step() == Run::Outcome::Diverged) {
        row.error = run.message();
        break;
      }
      if (report && now - last_report >= std::chrono::milliseconds(250)) {
        last_report = now;
        report({index, t.step_count(), run.smooth_loss(), false});
      }
    }
    row.steps = t.step_count();
    row.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    row.steps_per_s = row.seconds > 0 ? double(row.steps) / row.seconds : 0.0;
    if (row.error.empty() || row.error == "stopped") {
      Trainer& mt = run.mutable_trainer();
      const auto& vals = t.history().val;
      row.val = !vals.empty() && vals.back().step == t.step_count() ? vals.back().loss : mt.record_val();
      row.train = t.evaluate(Split::Train);
      row.test = t.evaluate(Split::Test);
      row.accuracy = score_next_tokens(t.model(), t.examples(Split::Val)).top1;
    }
    row.curve = t.history().val;
  } catch (const Error& e) {
    row.error = e.what();
  } catch (const std::bad_alloc&) {
    row.error = "not enough memory for this run";
  }
  row.done = true;
  if (report) report({index, row.steps, row.val, true});
}

}  // namespace

std::vector<std::string> sweep_params() {
  std::vector<std::string> names;
  for (const Hyperparameter* h : all_hyperparameters()) names.push_back(h->name);
  for (const char* n : {"lr", "batch", "seed", "model"}) names.push_back(n);
  return names;
}

Sweep parse_sweep(const std::string& text) {
  const std::size_t eq = text.find('=');
  std::string names;
  for (const std::string& n : sweep_params()) names += (names.empty() ? "" : ", ") + n;
  if (eq == std::string::npos || eq == 0)
    throw Error("a sweep is PARAM=V1,V2,... (for example hidden=50,100,200); PARAM is one of " + names);
  Sweep s;
  s.param = text.substr(0, eq);
  const std::vector<std::string> params = sweep_params();
  if (std::find(params.begin(), params.end(), s.param) == params.end())
    throw Error("cannot sweep " + shown(s.param) + "; the parameters are " + names);
  std::size_t at = eq + 1;
  for (;;) {
    const std::size_t comma = text.find(',', at);
    std::string v = text.substr(at, comma == std::string::npos ? std::string::npos : comma - at);
    if (v.empty()) throw Error("sweep " + shown(text) + " has an empty value");
    s.values.push_back(std::move(v));
    if (comma == std::string::npos) break;
    at = comma + 1;
  }
  constexpr std::size_t kMaxRuns = 64;
  if (s.values.size() > kMaxRuns)
    throw Error("a sweep of " + std::to_string(s.values.size()) + " values is too many; at most " +
                std::to_string(kMaxRuns));
  // Each value checked once, here; two spellings of one setting (10 and 010,
  // 0.1 and 1e-1) would train the same run twice.
  std::vector<TrainConfig> set;
  for (const std::string& v : s.values) {
    const TrainConfig c = with_value(TrainConfig{}, s.param, v);
    for (std::size_t k = 0; k < set.size(); ++k)
      if (c.spec(2) == set[k].spec(2) && c.lr == set[k].lr && c.batch == set[k].batch && c.seed == set[k].seed)
        throw Error("sweep " + shown(text) + ": " + shown(s.values[k]) + " and " + shown(v) + " set the same " +
                    s.param + "; give each value once");
    set.push_back(c);
  }
  return s;
}

TrainConfig with_value(const TrainConfig& base, const Sweep& sweep, const std::string& v) {
  const std::string& param = sweep.param;
  TrainConfig c = base;
  const std::vector<const Hyperparameter*> hyper = all_hyperparameters();
  const auto h = std::find_if(hyper.begin(), hyper.end(), [&](const Hyperparameter* x) { return param == x->name; });
  if (h != hyper.end()) {
    ModelSpec spec = c.spec(2);
    (*h)->set(spec, v);
    c.set_spec(spec);
  } else if (param == "batch") c.batch = in_range(param, v, 1, Limits::kMaxBatch);
  else if (param == "seed") {
    if (v.find_first_not_of("0123456789") != std::string::npos) throw Error("seed=" + shown(v) + ": not a seed");
    errno = 0;
    c.seed = std::strtoull(v.c_str(), nullptr, 10);
    if (errno == ERANGE) throw Error("seed=" + v + " is too large");
  } else if (param == "lr") {
    char* end = nullptr;
    const double lr = std::strtod(v.c_str(), &end);
    if (end != v.c_str() + v.size() || !std::isfinite(lr) || lr < Limits::kMinLr || lr > Limits::kMaxLr)
      throw Error("lr=" + shown(v) + ": expected a number from 1e-08 to 1e+06");
    c.lr = lr;
  } else if (param == "model") {
    family(v);  // an unknown family is refused here, naming the families
    if (sweep.resolve) {
      c.family = v;
      sweep.resolve(c);
    } else {
      c = with_family(base, v, sweep.words, differs_from_defaults(base, sweep.words));
    }
  } else {
    throw Error("cannot sweep " + shown(param));
  }
  return c;
}

TrainConfig with_value(const TrainConfig& base, const std::string& param, const std::string& v) {
  Sweep sweep;
  sweep.param = param;
  return with_value(base, sweep, v);
}

std::vector<RunResult> run_experiment(std::shared_ptr<const Dataset> data, const TrainConfig& base, const Sweep& sweep,
                                      const StopRule& stop, int jobs,
                                      const std::function<void(const RunProgress&)>& progress,
                                      const std::atomic<bool>* cancel) {
  const std::size_t n = sweep.values.size();
  std::vector<RunResult> rows(n);
  std::vector<double> cost(n);
  for (std::size_t i = 0; i < n; ++i) {
    rows[i].value = sweep.values[i];
    rows[i].config = with_value(base, sweep, sweep.values[i]);
    const ModelSpec spec = rows[i].config.spec(data->vocab.size());
    cost[i] = family(spec.family).step_flops(spec, rows[i].config.batch);
  }
  std::vector<std::size_t> order(n);
  for (std::size_t i = 0; i < n; ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return cost[a] > cost[b]; });

  std::mutex report_mu;
  const std::function<void(const RunProgress&)> report = [&](const RunProgress& p) {
    if (!progress) return;
    std::lock_guard<std::mutex> lk(report_mu);
    progress(p);
  };
  std::atomic<std::size_t> next{0};
  jobs = std::max(1, std::min(jobs, int(n)));
  // A job's exception stops its job (the others finish theirs) and is
  // rethrown once every thread has joined (parallel_ranges).
  parallel_ranges(jobs, jobs, 1, [&](int, int) {
    for (std::size_t k; (k = next.fetch_add(1)) < n;) {
      const std::size_t i = order[k];
      train_one(data, rows[i].config, i, stop, report, cancel, rows[i]);
    }
  });
  return rows;
}

int best_row(const std::vector<RunResult>& rows) {
  int best = -1;
  for (std::size_t i = 0; i < rows.size(); ++i)
    if (rows[i].done && rows[i].error.empty() && rows[i].steps > 0 && (best < 0 || rows[i].val < rows[std::size_t(best)].val))
      best = int(i);
  return best;
}

namespace {

// The results table's settings columns: the hyperparameters of the rows'
// families, each once, in their tables' order; then the trainer's.
std::vector<const Hyperparameter*> result_columns(const std::vector<RunResult>& rows) {
  std::vector<const Hyperparameter*> out;
  for (const Hyperparameter* h : all_hyperparameters())
    for (const RunResult& r : rows)
      if (family(r.config.family).hyperparameter(h->name)) {
        out.push_back(h);
        break;
      }
  return out;
}

}  // namespace

std::string results_csv(const Sweep& sweep, const std::vector<RunResult>& rows) {
  // The swept parameter is the first column, so the settings' columns leave it out.
  const std::vector<const Hyperparameter*> columns = result_columns(rows);
  std::string out = sweep.param;
  for (const Hyperparameter* h : columns)
    if (sweep.param != h->name) out += std::string(",") + h->name;
  for (const char* name : {"batch", "lr", "seed"})
    if (sweep.param != name) out += std::string(",") + name;
  out += ",params,steps,seconds,steps_per_s,train_loss,val_loss,test_loss,val_perplexity,val_accuracy,best,error\n";
  const int best = best_row(rows);
  char line[512];
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const RunResult& r = rows[i];
    const TrainConfig& c = r.config;
    out += r.value;
    for (const Hyperparameter* h : columns)
      if (sweep.param != h->name) out += "," + h->text(c.spec(2));
    if (sweep.param != "batch") out += "," + std::to_string(c.batch);
    if (sweep.param != "lr") std::snprintf(line, sizeof line, ",%g", c.lr), out += line;
    if (sweep.param != "seed") out += "," + std::to_string(c.seed);
    std::snprintf(line, sizeof line, ",%zu,%lld,%.3f,%.1f,%.6f,%.6f,%.6f,%.6g,%.6f,%d,", r.params, (long long)r.steps,
                  r.seconds, r.steps_per_s, r.train, r.val, r.test, std::exp(r.val), r.accuracy, int(int(i) == best));
    std::string error = r.error;  // one CSV field: quotes doubled, line breaks as spaces
    for (char& ch : error)
      if (ch == '\n' || ch == '\r') ch = ' ';
    std::string quoted = "\"";
    for (char ch : error) quoted += ch == '"' ? std::string("\"\"") : std::string(1, ch);
    out += line + (error.empty() ? "" : quoted + "\"") + "\n";
  }
  return out;
}

std::string results_json(const Sweep& sweep, const std::vector<RunResult>& rows, int indent) {
  nlohmann::json runs = nlohmann::json::array();
  for (const RunResult& r : rows) {
    nlohmann::json curve = nlohmann::json::array();
    for (const LossPoint& p : r.curve) curve.push_back({p.step, p.loss});
    nlohmann::json run = {{"value", r.value},
                          {"batch", r.config.batch},
                          {"lr", r.config.lr},
                          {"seed", r.config.seed},
                          {"params", r.params},
                          {"steps", r.steps},
                          {"seconds", r.seconds},
                          {"steps_per_s", r.steps_per_s},
                          {"train_loss", r.train},
                          {"val_loss", r.val},
                          {"test_loss", r.test},
                          {"val_perplexity", std::exp(r.val)},
                          {"val_accuracy", r.accuracy},
                          {"val_curve", curve},
                          {"error", r.error}};
    const ModelSpec spec = r.config.spec(2);
    for (const Hyperparameter* h : result_columns({r}))
      if (h->kind == Hyperparameter::Kind::Choice) run[h->name] = h->text(spec);
      else if (h->kind == Hyperparameter::Kind::Bool) run[h->name] = h->get(spec) != 0;
      else if (h->kind == Hyperparameter::Kind::Int) run[h->name] = std::int64_t(h->get(spec));
      else run[h->name] = h->get(spec);
    runs.push_back(std::move(run));
  }
  const nlohmann::json j = {{"param", sweep.param}, {"best", best_row(rows)}, {"runs", runs}};
  return j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

namespace {

// The valley around the lowest smoothed loss (see LrFinder), from the first
// tenth on (the running mean is still filling before it).
void find_valley(LrFinder* f) {
  const std::size_t n = f->smooth.size(), from = n / 10;
  if (n < 10) return;
  std::size_t low = from;
  for (std::size_t i = from; i < n; ++i)
    if (f->smooth[i] < f->smooth[low]) low = i;
  const double top = *std::max_element(f->smooth.begin() + std::ptrdiff_t(from), f->smooth.begin() + std::ptrdiff_t(low) + 1);
  const double within = f->smooth[low] + 0.1 * (top - f->smooth[low]);
  std::size_t a = low, b = low;
  while (a > from && f->smooth[a - 1] <= within) --a;
  while (b + 1 < n && f->smooth[b + 1] <= within) ++b;
  f->valley_lo = f->lr[a];
  f->valley_hi = f->lr[b];
  f->suggested_lr = std::sqrt(f->valley_lo * f->lowest_lr);
}

}  // namespace

LrFinder find_lr(std::shared_ptr<const Dataset> data, const TrainConfig& cfg, int steps, double lo, double hi,
                 const std::atomic<bool>* cancel, std::atomic<int>* done) {
  if (steps < 10 || !(lo > 0) || !(hi > lo)) throw Error("the learning-rate finder needs >= 10 steps and 0 < lo < hi");
  TrainConfig c = cfg;
  c.lr = lo;
  c.lr_decay_step = Limits::kMaxStep;
  c.lr_linear_steps = 0;  // the rate is the finder's alone
  c.val_every = 0;
  Trainer t(std::move(data), c);
  LrFinder f;
  constexpr double kBeta = 0.98;  // the running mean's memory: about 50 steps
  double mean = 0, lowest = INFINITY;
  for (int i = 0; i < steps; ++i) {
    if (cancel && cancel->load(std::memory_order_relaxed)) {
      f.cancelled = true;
      break;
    }
    if (done) done->store(i, std::memory_order_relaxed);
    const double lr = lo * std::pow(hi / lo, double(i) / double(steps - 1));
    t.set_lr(lr);
    const StepResult r = t.step();
    if (!r.finite || !std::isfinite(r.loss)) break;
    mean = kBeta * mean + (1 - kBeta) * r.loss;
    const double smooth = mean / (1 - std::pow(kBeta, i + 1));
    f.lr.push_back(lr);
    f.loss.push_back(r.loss);
    f.smooth.push_back(smooth);
    if (smooth < lowest) lowest = smooth, f.lowest_lr = lr;
    if (i > steps / 10 && smooth > 4 * lowest) break;  // blown up: the rest says nothing
  }
  // The slope of the smoothed loss against log(rate), over a window of about
  // 5% of the steps on each side; the first tenth is left out (the running
  // mean is still filling there).
  const std::size_t n = f.smooth.size(), w = std::max<std::size_t>(2, std::size_t(steps) / 20);
  double steepest = 0;
  for (std::size_t i = std::max(w, std::size_t(steps) / 10); i + w < n; ++i) {
    const double slope = (f.smooth[i + w] - f.smooth[i - w]) / std::log(f.lr[i + w] / f.lr[i - w]);
    if (slope < steepest) steepest = slope, f.steepest_lr = f.lr[i];
  }
  find_valley(&f);
  return f;
}

}  // namespace ev
