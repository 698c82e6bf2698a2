// experiment_main.cpp: the CLI's face of core/experiment.h. Progress goes to
// stderr (a line per finished run; on a terminal also a live line with every
// run's step), the results table to stdout.
#include "cli/experiment_main.h"

#include <unistd.h>  // isatty

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "core/base/atomic_file.h"
#include "core/base/error.h"
#include "core/live/experiment.h"
#include "core/base/files.h"  // make_parent_dirs
#include "core/train/metrics.h"  // perplexity_text

namespace ev::cli {

namespace {

// FILE, FILE.csv or FILE.json given: the stem both files are named from.
std::string out_stem(const std::string& path) {
  for (const char* ext : {".csv", ".json"}) {
    const std::string e = ext;
    if (path.size() > e.size() && path.compare(path.size() - e.size(), e.size(), e) == 0)
      return path.substr(0, path.size() - e.size());
  }
  return path;
}

void print_table(const Sweep& sweep, const std::vector<RunResult>& rows) {
  const int best = best_row(rows);
  std::printf("%-10s %10s %9s %9s %8s %8s %8s %9s %7s\n", sweep.param.c_str(), "params", "steps", "steps/s", "train",
              "val", "test", "val ppl", "val acc");
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const RunResult& r = rows[i];
    if (!r.error.empty() && r.error != "stopped") {
      std::printf("%-10s %10zu %9lld  %s\n", r.value.c_str(), r.params, (long long)r.steps, r.error.c_str());
      continue;
    }
    std::printf("%-10s %10zu %9lld %9.0f %8.4f %8.4f %8.4f %9s %6.1f%%%s\n", r.value.c_str(), r.params,
                (long long)r.steps, r.steps_per_s, r.train, r.val, r.test, perplexity_text(std::exp(r.val)).c_str(),
                100 * r.accuracy,
                int(i) == best ? "  <- best" : "");
  }
}

}  // namespace

std::vector<Output> experiment_outputs(const Options& o) {
  if (o.sweep_out.empty()) return {};
  const std::string stem = out_stem(o.sweep_out);
  // The name is a stem: a folder's name (or a device's, whose folder takes
  // other files) would put the results beside it under another name.
  std::error_code ec;
  const std::string hint = "; give a file name (FILE writes FILE.csv" + std::string(o.find_lr ? ")" : " and FILE.json)");
  if (stem.back() == '/' || std::filesystem::path(stem).filename().empty() || std::filesystem::is_directory(stem, ec))
    throw Error("--sweep-out " + shown(o.sweep_out) + " names a folder" + hint);
  if (std::filesystem::exists(stem, ec) && !std::filesystem::is_regular_file(stem, ec))
    throw Error("--sweep-out " + shown(o.sweep_out) + " is not a regular file's name" + hint);
  std::vector<Output> out = {{"--sweep-out", stem + ".csv", true}};
  if (!o.find_lr) out.push_back({"--sweep-out", stem + ".json", true});
  return out;
}

int experiment_main(const Options& o, std::shared_ptr<const Dataset> data) {
  Sweep sweep = parse_sweep(o.sweep);
  sweep.resolve = o.resolve_family;  // each family as `--model X` with the same flags
  TrainConfig base = o.config;
  // Every run records its validation loss at the same steps: 25 points a
  // curve by default (each is a pass over the whole split).
  if (base.val_every == 0) base.val_every = std::max<std::int64_t>(1, o.steps / 25);
  const StopRule stop{o.steps, o.budget};
  const int cores = int(std::max(1u, std::thread::hardware_concurrency()));
  const int jobs = o.jobs > 0 ? o.jobs : cores;
  const std::string stem = o.sweep_out.empty() ? "" : out_stem(o.sweep_out);
  // Each run's model is checked against the data before any trains.
  // and the runs that train at once against the memory they need together.
  std::vector<double> bytes;
  for (const std::string& v : sweep.values) {
    const TrainConfig c = with_value(base, sweep, v);
    validate(c, data->vocab.size(), data->n_tokens + data->items.size(), dataset_bytes(*data));
    bytes.push_back(estimate_bytes(c, data->vocab.size(), data->n_tokens + data->items.size(), dataset_bytes(*data)));
  }
  validate_at_once(bytes, jobs, dataset_bytes(*data));
  if (!o.quiet)
    std::fprintf(stderr, "experiment: %s over %zu values, %d at a time, %lld steps each%s on %s\n", sweep.param.c_str(),
                 sweep.values.size(), std::min<int>(jobs, int(sweep.values.size())), (long long)o.steps,
                 o.budget > 0 ? (" or " + std::to_string(int(o.budget)) + " s").c_str() : "",
                 shown(data->source).c_str());

  const bool live = !o.quiet && isatty(STDERR_FILENO);
  std::vector<std::int64_t> at(sweep.values.size(), 0);
  std::size_t finished = 0;
  const auto progress = [&](const RunProgress& p) {
    at[p.index] = p.step;
    if (p.finished) ++finished;
    if (o.quiet) return;
    if (p.finished) {
      std::fprintf(stderr, "%s%s=%s: %lld steps, val %.4f (%zu/%zu done)\n", live ? "\r\x1b[K" : "",
                   sweep.param.c_str(), sweep.values[p.index].c_str(), (long long)p.step, p.smooth_loss, finished,
                   sweep.values.size());
    } else if (live) {
      std::string line = "\r";
      for (std::size_t i = 0; i < at.size(); ++i)
        line += sweep.values[i] + ": " + std::to_string(at[i]) + (i + 1 < at.size() ? "  " : "");
      std::fprintf(stderr, "%s\x1b[K", line.c_str());
    }
  };
  const std::vector<RunResult> rows = run_experiment(data, base, sweep, stop, jobs, progress);
  print_table(sweep, rows);
  if (!stem.empty()) {
    make_parent_dirs(stem + ".csv");
    write_file_atomic(stem + ".csv", results_csv(sweep, rows));
    write_file_atomic(stem + ".json", results_json(sweep, rows));
    if (!o.quiet) std::fprintf(stderr, "wrote %s.csv and %s.json\n", shown(stem).c_str(), shown(stem).c_str());
  }
  if (o.json) std::printf("%s", results_json(sweep, rows, -1).c_str());
  if (best_row(rows) >= 0) return 0;
  const bool none_trained = std::all_of(rows.begin(), rows.end(), [](const RunResult& r) { return r.steps == 0; });
  if (none_trained && o.budget > 0)
    std::fprintf(stderr, "embedviz-train: no run trained a step in its budget of %g s; give a larger --budget\n", o.budget);
  else if (none_trained)
    std::fprintf(stderr, "embedviz-train: no run trained a step\n");
  return 1;
}

int find_lr_main(const Options& o, std::shared_ptr<const Dataset> data) {
  const std::string stem = o.sweep_out.empty() ? "" : out_stem(o.sweep_out);
  if (!o.quiet) std::fprintf(stderr, "finding a learning rate: 1,000 steps, the rate rising from 0.001 to 1...\n");
  const LrFinder f = find_lr(std::move(data), o.config);
  if (f.steepest_lr <= 0) throw Error("the loss never fell; the model or data may be too small to tell");
  std::printf("the loss falls fastest at lr %.3g and is lowest at lr %.3g (%zu steps); its valley (within a tenth of "
              "its fall of the lowest) runs from %.3g to %.3g: try --lr %.3g, halfway from the valley's start to "
              "the lowest loss\n",
              f.steepest_lr, f.lowest_lr, f.lr.size(), f.valley_lo, f.valley_hi, f.suggested_lr);
  if (!stem.empty()) {
    const std::string path = stem + ".csv";
    std::string csv = "lr,loss,smoothed_loss\n";
    char line[96];
    for (std::size_t i = 0; i < f.lr.size(); ++i) {
      std::snprintf(line, sizeof line, "%.6g,%.6f,%.6f\n", f.lr[i], f.loss[i], f.smooth[i]);
      csv += line;
    }
    make_parent_dirs(path);
    write_file_atomic(path, csv);
    if (!o.quiet) std::fprintf(stderr, "wrote %s\n", shown(path).c_str());
  }
  if (o.json)
    std::printf("{\"steepest_lr\": %.6g, \"lowest_lr\": %.6g, \"steps\": %zu}\n", f.steepest_lr, f.lowest_lr,
                f.lr.size());
  return 0;
}

}  // namespace ev::cli
