// embedviz-train: trains the makemore MLP headlessly and reports its losses.
// Bad input gets one line on stderr naming the problem and exit status 1 (bad
// data, divergence) or 2 (bad options); never a crash or a hang.
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>
#include <sys/ioctl.h>  // the terminal's width
#include <unistd.h>     // isatty

#include "cli/experiment_main.h"
#include "cli/options.h"
#include "core/base/atomic_file.h"  // same_file, check_replaceable
#include "core/base/error.h"
#include "core/io/export.h"   // --export-tsv, --export-word2vec, --export-loss-csv, --export-projection
#include "core/layout/live_map.h"  // --export-projection tsne, umap
#include "core/io/session.h"  // --resume, --save-session
#include "core/data/data.h"
#include "core/train/metrics.h"  // word runs: perplexity, top-1 and top-5
#include "core/models/ngram.h"    // word runs: the Kneser-Ney trigram baseline
#include "core/live/run.h"
#include "core/train/structure.h"  // the neighbour shares

namespace {

using clock = std::chrono::steady_clock;

// The steps a run with a budget expects to make in all: the end of its
// schedule where it has one, else its --steps.
std::int64_t planned_steps(const ev::Trainer& t, std::int64_t first_step, std::int64_t steps) {
  const std::int64_t end = t.config().lr_linear_steps;
  return end > 0 ? std::min(steps, end - first_step) : steps;
}

// Seconds the final evaluation will take, from timing a chunk of each kind
// of pass it makes: the validation and test losses on every row, ranks on a
// sample, and for word runs the trigram's counts; with a margin.
double estimate_evaluation_seconds(const ev::Trainer& t, int threads, bool words) {
  const ev::Examples& val = t.examples(ev::Split::Val);
  // A pass's cost a row: the difference between passes over 3n and n rows,
  // so what a pass pays once (its buffers) is left out, as the real passes
  // pay it once for all their rows.
  const auto seconds_per_row = [&](std::size_t n, auto&& pass) {
    const auto timed = [&](const ev::Examples& e) {
      const auto t0 = clock::now();
      pass(e);
      return std::chrono::duration<double>(clock::now() - t0).count();
    };
    const ev::Examples small = val.head(n), large = val.head(3 * n);
    const double rows = double(large.size()) - double(small.size());
    return rows > 0 ? std::max(0.0, timed(large) - timed(small)) / rows : 0.0;
  };
  // A row ranked (every token's probability), and a row scored for its loss alone.
  const double ranked_row = seconds_per_row(1024, [&](const ev::Examples& e) { ev::score_next_tokens(t.model(), e, nullptr, 1); });
  const double loss_row = seconds_per_row(2048, [&](const ev::Examples& e) { ev::mean_loss(t.model(), e, 1); });
  const double rows = double(val.size() + t.examples(ev::Split::Test).size());
  const bool factored = t.model().spec.softmax == "classes";
  const double ranked = factored ? double(std::min<std::size_t>(val.size(), ev::kRankedRows) * 2) : rows;
  // Validation and test, the validation loss recorded once more, and the trigram's counts for words.
  const double passes = ranked * ranked_row + (factored ? 2 * rows * loss_row : rows * loss_row);
  return passes / std::max(1, threads) * 1.6 + (words ? 1.5 : 0.0) + 0.5;
}

// The files one run writes at its end, as its flags name them.
std::vector<ev::Output> run_outputs(const ev::cli::Options& o) {
  std::vector<ev::Output> out;
  if (!o.save_session.empty()) out.push_back({"--save-session", o.save_session, false});
  if (!o.export_word2vec.empty()) out.push_back({"--export-word2vec", o.export_word2vec, true});
  if (!o.export_loss_csv.empty()) out.push_back({"--export-loss-csv", o.export_loss_csv, true});
  if (!o.export_projection.empty()) out.push_back({"--export-projection", o.export_projection, true});
  if (!o.export_tsv.empty())
    for (const char* name : {"/vectors.tsv", "/metadata.tsv"}) out.push_back({"--export-tsv", o.export_tsv + name, true});
  return out;
}

// The files a run reads: its data (the file typed, or the one a session or a
// built-in data set names), the session resumed (which only a session save
// may replace: that is how a run continues) and --init-vectors.
std::vector<ev::Input> run_inputs(const ev::cli::Options& o, const ev::Session* session) {
  std::vector<ev::Input> in;
  const std::string data = !o.data.empty() ? o.data : session ? session->data_source : "";
  in.push_back({data, "the training data", ""});
  if (o.data.empty()) in.push_back({ev::kDefaultWordList, "the training data", ""});
  in.push_back({o.resume, "the session being resumed", "--save-session"});
  in.push_back({o.init_vectors, "the --init-vectors file", ""});
  if (!o.init_vectors.empty() && std::filesystem::is_directory(o.init_vectors))
    for (const char* name : {"/vectors.tsv", "/metadata.tsv"})
      in.push_back({o.init_vectors + name, "the --init-vectors file", ""});
  return in;
}

// A run failed when its final smoothed loss is over three times a uniform
// guess (ln V) and it did not come down from its first batch's loss: the
// random start (the lectures' unscaled normal initialisation) is itself ten
// times ln V or more, so a run stuck there or above learned nothing. After
// 1000 steps it must have come down by a quarter; a shorter run, still mostly
// its first loss once smoothed, fails only when it ends half as much again.
bool failed_to_learn(double final_loss, double first_loss, std::int64_t steps, int vocab) {
  const double allowed = steps >= 1000 ? 0.75 : 1.5;
  return steps > 0 && final_loss > 3.0 * std::log(double(vocab)) && final_loss > allowed * first_loss;
}

// stdout must have taken everything printed to it (a full disk, a closed pipe).
void check_stdout() {
  if (std::fflush(stdout) != 0 || std::ferror(stdout))
    throw ev::Error(std::string("cannot write to standard output: ") + std::strerror(errno));
}

// h:mm:ss or m:ss.
std::string clock_time(double seconds) {
  const long t = long(std::max(0.0, seconds) + 0.5);
  char buf[32];
  if (t >= 3600) std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
  else std::snprintf(buf, sizeof buf, "%ld:%02ld", t / 60, t % 60);
  return buf;
}

// --export-projection: PCA at once, or a map run its whole course with its
// progress on a terminal's line.
void export_projection(const ev::cli::Options& o, const ev::Dataset& data, const ev::TableRef& C, bool live) {
  std::vector<float> xy;
  const ev::Mat<float> X = C;  // (V, d)
  if (o.projection_kind == "pca") {
    xy = ev::pca_positions(X);
  } else {
    ev::MapSettings s;
    s.kind = o.projection_kind == "tsne" ? ev::MapKind::Tsne : ev::MapKind::Umap;
    s.metric = o.map_distance == "euclidean" ? ev::Metric::Euclidean : ev::Metric::Cosine;
    s.perplexity = o.perplexity;
    s.neighbours = o.umap_neighbours;
    if (!o.quiet) std::fprintf(stderr, "mapping %d rows with %s...\n", int(X.rows()), ev::map_name(s.kind));
    xy = ev::map_once(X, s, o.threads, [&](int done, int total) {
      if (live) std::fprintf(stderr, "\r  %s: %d of %d %s\x1b[K", ev::map_name(s.kind), done, total,
                             s.kind == ev::MapKind::Tsne ? "iterations" : "epochs");
    });
    if (live) std::fprintf(stderr, "\r\x1b[K");
  }
  ev::write_projection_csv(o.export_projection, data, xy);
}

// Whole fields joined by two spaces, in order, leaving out the least
// important (highest `rank`) until the line fits `width`: a number is never cut.
std::string fit_fields(const std::vector<std::pair<std::string, int>>& fields, std::size_t width) {
  std::vector<bool> keep(fields.size(), true);
  for (;;) {
    std::string line;
    for (std::size_t i = 0; i < fields.size(); ++i)
      if (keep[i]) line += (line.empty() ? "" : "  ") + fields[i].first;
    if (line.size() <= width) return line;
    int worst = -1;
    for (std::size_t i = 0; i < fields.size(); ++i)
      if (keep[i] && (worst < 0 || fields[i].second > fields[std::size_t(worst)].second)) worst = int(i);
    if (worst <= 0) return line.substr(0, width);  // only the first is left: cut it
    keep[std::size_t(worst)] = false;
  }
}

// The progress line a terminal shows on long runs, rewritten in place ('\r'
// back to the start, ESC[K clearing what a longer line left), fitted to the
// terminal's width by leaving out whole fields so it never wraps.
void show_progress(std::int64_t done, std::int64_t total, double seconds, double smoothed, double batch, double lr,
                   bool last) {
  const double rate = seconds > 0 ? double(done) / seconds : 0.0;
  const double left = rate > 0 ? double(total - done) / rate : 0.0;
  char buf[6][96];
  std::snprintf(buf[0], sizeof buf[0], "step %lld/%lld (%.0f%%)", (long long)done, (long long)total,
                total > 0 ? 100.0 * double(done) / double(total) : 100.0);
  std::snprintf(buf[1], sizeof buf[1], "%s%s%s", last ? "took " : "", clock_time(last ? seconds : left).c_str(),
                last ? "" : " left");
  std::snprintf(buf[2], sizeof buf[2], "%.0f steps/s", rate);
  std::snprintf(buf[3], sizeof buf[3], "loss %.4f", smoothed);
  std::snprintf(buf[4], sizeof buf[4], "(batch %.4f)", batch);
  std::snprintf(buf[5], sizeof buf[5], "lr %g", lr);
  winsize ws{};
  const std::size_t width = ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1 ? ws.ws_col - 1 : 79;
  // Kept first: the step, the loss, the time left; then the rate, the speed, the last batch's loss.
  const std::string line =
      fit_fields({{buf[0], 0}, {buf[1], 2}, {buf[2], 4}, {buf[3], 1}, {buf[4], 5}, {buf[5], 3}}, width);
  std::fprintf(stderr, "\r%s\x1b[K%s", line.c_str(), last ? "\n" : "");
  std::fflush(stderr);
}

// The run's data: a resumed session's (from its own source, or --data read
// the session's way), else what the flags name.
std::shared_ptr<const ev::Dataset> load_run_data(const ev::cli::Options& o, const ev::Session* session) {
  if (session && o.data.empty()) {
    try {
      return ev::load_session_data(*session);
    } catch (const ev::Error& e) {
      throw ev::Error("--resume " + ev::shown(o.resume) + ": " + e.what() + "; give the data with --data FILE");
    }
  }
  if (session) {
    ev::DataSpec spec = session->data();
    spec.source = o.data;
    std::shared_ptr<const ev::Dataset> data = ev::load_data(spec);
    ev::check_session_data(*session, *data);
    return data;
  }
  const ev::Tokenizer tok = o.tokenizer == "word" ? ev::Tokenizer::Word : ev::Tokenizer::Char;
  ev::DataSpec spec = tok == ev::Tokenizer::Word ? ev::default_word_data(o.split_seed) : ev::default_data(o.split_seed);
  spec.tokenizer = tok;
  spec.max_vocab = o.vocab;
  if (!o.data.empty()) spec.source = o.data;
  return ev::load_data(spec);
}

// Everything checked and set before the first step: memory, the step limit,
// the session's room, threads, --init-vectors (its summary returned) and a
// resumed schedule's new end.
std::string prepare_run(const ev::cli::Options& o, ev::Run& run, const ev::Dataset& data) {
  if (o.config.freeze_embeddings) run.mutable_trainer().set_freeze_embeddings(true);  // a resumed session too
  const ev::Trainer& trainer = run.trainer();
  const ev::TrainConfig& cfg = trainer.config();
  // Evaluation threads need working memory of their own: counted before any step.
  ev::validate(cfg, data.vocab.size(), data.n_tokens + data.items.size(), ev::dataset_bytes(data), o.threads);
  if (trainer.step_count() > ev::Limits::kMaxStep - o.steps)
    throw ev::Error("the session is at step " + std::to_string(trainer.step_count()) + ": " +
                    std::to_string(o.steps) + " more would pass step " + std::to_string(ev::Limits::kMaxStep) +
                    ", the most a session can hold");
  if (!o.save_session.empty()) {
    try {
      ev::check_session_fits(data, trainer.step_count() + o.steps);
    } catch (const ev::Error& e) {
      throw ev::Error("--save-session " + ev::shown(o.save_session) + ": " + e.what() + "; nothing was trained");
    }
  }
  run.mutable_trainer().set_step_threads(o.threads);
  run.set_eval_threads(o.threads);
  run.set_rank_val(false);  // the final scores rank; the curve needs losses
  // Read before any step: a bad file stops the run with nothing trained or written.
  const std::string init_summary = o.init_vectors.empty() ? "" : run.init_vectors(o.init_vectors);
  // A resumed run with a linear schedule continues it to a new end, these
  // steps on (or the budget's): the saved one ends where the first run did,
  // and would train the new steps at rate 0.
  if (!o.resume.empty() && cfg.lr_linear_steps > 0 && o.steps > 0)
    run.mutable_trainer().set_schedule_end(std::min(ev::Limits::kMaxStep, trainer.step_count() + o.steps));
  return init_summary;
}

// What the run is, on stderr: the session resumed, the data, the model.
void print_run_header(const ev::cli::Options& o, const ev::Run& run, const ev::Dataset& data,
                      const std::string& init_summary) {
  if (o.quiet) return;
  const ev::Trainer& trainer = run.trainer();
  const ev::TrainConfig& cfg = trainer.config();
  const int V = data.vocab.size();
  if (!o.resume.empty()) {
    std::fprintf(stderr, "resuming %s at step %lld", ev::shown(o.resume).c_str(), (long long)trainer.step_count());
    if (cfg.lr_linear_steps > 0)
      std::fprintf(stderr, "; the rate, %g now, falls linearly to 0 by step %lld%s", trainer.lr(),
                   (long long)cfg.lr_linear_steps, o.budget > 0 ? " (the budget moves that end)" : "");
    std::fputc('\n', stderr);
  }
  std::fprintf(stderr, "data: %s: %zu items, vocab %d, %zu training examples\nmodel: %s, %zu parameters\n",
               ev::shown(data.source).c_str(), data.items.size(), V, trainer.examples(ev::Split::Train).size(),
               ev::describe(cfg).c_str(), trainer.model().params.size());
  if (const std::string note = ev::boundary_note(data); !note.empty()) std::fprintf(stderr, "%s\n", note.c_str());
  if (!init_summary.empty()) std::fprintf(stderr, "init-vectors: %s\n", init_summary.c_str());
  if (data.tokenizer == ev::Tokenizer::Word)
    std::fprintf(stderr, "words: %d tokens (the boundary and <unk> included) of %zu distinct training words cover "
                 "%.2f%% of the training split's %zu running words\n",
                 V, data.train_types, 100.0 * data.coverage(), data.train_tokens);
}

// With a budget: when the steps must stop, once the final evaluation's time
// (estimated now) is set aside; ev::Error when that leaves none.
clock::time_point budget_deadline(const ev::cli::Options& o, const ev::Trainer& trainer, clock::time_point started,
                                  bool words) {
  if (o.budget <= 0) return clock::time_point::max();
  const double eval_reserve = estimate_evaluation_seconds(trainer, o.threads, words);
  const auto deadline = started + std::chrono::duration_cast<clock::duration>(
                                      std::chrono::duration<double>(std::max(0.0, o.budget - eval_reserve)));
  if (clock::now() >= deadline) {
    char why[256];
    std::snprintf(why, sizeof why,
                  "the budget of %g s leaves no time to train: loading took %.1f s and the final evaluation needs "
                  "about %.1f s; give a larger --budget",
                  o.budget, std::chrono::duration<double>(clock::now() - started).count(), eval_reserve);
    throw ev::Error(why);
  }
  if (!o.quiet)
    std::fprintf(stderr, "budget: %.0f s in all; %.1f s kept for the final evaluation\n", o.budget, eval_reserve);
  return deadline;
}

// The one line a diverged run ends with.
void report_divergence(const ev::Run& run, double first_loss) {
  const double loss = run.last_loss();
  char what[64];
  if (std::isfinite(loss)) std::snprintf(what, sizeof what, "%.4g (it began at %.4g)", loss, first_loss);
  else std::snprintf(what, sizeof what, "%s", std::isnan(loss) ? "NaN" : "non-finite");
  std::fprintf(stderr, "embedviz-train: training diverged at step %lld: the loss became %s with learning rate %g; "
               "try a smaller --lr\n",
               (long long)run.trainer().step_count(), what, run.trainer().lr());
}

// What the training loop did.
struct Trained {
  std::int64_t steps = 0;  // steps made
  double first_loss = 0;   // the first step's loss
  double seconds = 0;      // time spent training
  bool diverged = false;   // stopped on a loss that was not finite
};

// The steps: --steps of them, or fewer when the budget runs out (the linear
// schedule's end moved to where it will); progress on a terminal.
Trained train_steps(const ev::cli::Options& o, ev::Run& run, clock::time_point deadline, bool live) {
  const ev::Trainer& trainer = run.trainer();
  Trained out;
  const auto t0 = clock::now();
  auto last_report = t0;
  const std::int64_t first_step = trainer.step_count();
  for (std::int64_t i = 0; i < o.steps; ++i) {
    if (o.budget > 0 && (i & 15) == 0) {
      const auto now = clock::now();
      if (now >= deadline) break;
      const double spent = std::chrono::duration<double>(now - t0).count();
      if (i >= 64 && spent > 0) {
        const double left = std::chrono::duration<double>(deadline - now).count();
        const double more = std::min(double(o.steps - i), left * double(i) / spent);
        run.mutable_trainer().set_schedule_end(trainer.step_count() + std::int64_t(more));
      }
    }
    const ev::Run::Outcome r = run.step();
    out.steps = i + 1;
    if (i == 0) out.first_loss = run.first_loss();
    if (r == ev::Run::Outcome::Diverged) {
      if (live && last_report != t0) std::fputc('\n', stderr);
      out.diverged = true;
      break;
    }
    if (live && (i & 255) == 255 && clock::now() - last_report > std::chrono::milliseconds(200)) {
      last_report = clock::now();
      show_progress(i + 1, o.budget > 0 ? planned_steps(trainer, first_step, o.steps) : o.steps,
                    std::chrono::duration<double>(last_report - t0).count(), run.smooth_loss(), run.last_loss(),
                    trainer.lr(), false);
    }
  }
  out.seconds = std::chrono::duration<double>(clock::now() - t0).count();
  return out;
}

// On a terminal, the evaluation pass under way, on one line rewritten in place.
void stage(bool live, const char* what) {
  if (live) std::fprintf(stderr, "\r  %s\x1b[K%s", what, *what ? "" : "\r");
}

// The final losses of the three splits.
struct Scores {
  double train = 0, val = 0, test = 0;
};

Scores final_scores(const ev::cli::Options& o, ev::Run& run, bool live) {
  const ev::Trainer& trainer = run.trainer();
  if (!o.quiet)
    std::fprintf(stderr, "evaluating on %d thread%s%s...\n", o.threads, o.threads == 1 ? "" : "s",
                 o.eval_train ? " (the training split too)" : "");
  Scores s;
  // The training loss: the whole split only when asked (it is most of the
  // rows); otherwise the mean batch loss of the last steps (run.h).
  if (o.eval_train) stage(live, "the training split...");
  s.train = o.eval_train ? trainer.evaluate(ev::Split::Train, o.threads) : run.recent_loss();
  stage(live, "the validation and test splits...");
  // Kept in the history too (sessions, loss CSV), once per step: a resume with --steps 0 adds no duplicate.
  const auto& vals = trainer.history().val;
  s.val = !vals.empty() && vals.back().step == trainer.step_count() ? trainer.evaluate(ev::Split::Val, o.threads)
                                                                     : run.mutable_trainer().record_val(o.threads);
  s.test = trainer.evaluate(ev::Split::Test, o.threads);
  stage(live, "");
  return s;
}

// Whether the vectors mean anything: the neighbour shares at the end (structure.h), printed and as JSON.
nlohmann::json neighbour_shares(const ev::cli::Options& o, const ev::Trainer& trainer) {
  nlohmann::json structure = nlohmann::json::array();
  if (trainer.probes().empty()) return structure;
  const std::vector<double> shares = trainer.neighbour_shares();
  std::string line = "neighbours sharing a label:";
  for (std::size_t i = 0; i < shares.size(); ++i) {
    const ev::NeighbourProbe& p = trainer.probes()[i];
    char buf[160];
    std::snprintf(buf, sizeof buf, "%s %s %.3f of %zu words' %d nearest (chance %.3f)", i ? ";" : "",
                  p.name.c_str(), shares[i], p.queries.size(), p.k, p.chance);
    line += buf;
    structure.push_back({{"probe", p.name}, {"share", shares[i]}, {"chance", p.chance}, {"k", p.k},
                         {"queries", p.queries.size()}});
  }
  if (!o.quiet || !o.json) std::fprintf(o.json ? stderr : stdout, "%s\n", line.c_str());
  return structure;
}

// Word runs: the trigram baseline on the same split and vocabulary, and the
// network's scores beside it (Bengio et al. 2003, section 4), printed and as JSON.
nlohmann::json word_scores(const ev::cli::Options& o, const ev::Trainer& trainer, const ev::Dataset& data, bool live) {
  const int V = data.vocab.size();
  if (V > ev::KneserNey::kMaxVocab) {
    if (!o.quiet) std::fprintf(stderr, "no trigram baseline: %d tokens are more than it takes (%d)\n", V, ev::KneserNey::kMaxVocab);
    return nlohmann::json();
  }
  stage(live, "the Kneser-Ney trigram, and the network's ranks...");
  const ev::KneserNey kn(data);
  const std::vector<double> kn_val = kn.target_probs(data, ev::Split::Val);
  const bool one_target = trainer.examples(ev::Split::Val).out == 1;
  const ev::NextTokenScores sv =
      ev::score_next_tokens(trainer.model(), trainer.examples(ev::Split::Val), one_target ? &kn_val : nullptr, o.threads);
  const ev::NextTokenScores st = ev::score_next_tokens(trainer.model(), trainer.examples(ev::Split::Test), nullptr, o.threads);
  const double kn_ppl = kn.perplexity(data, ev::Split::Val);
  stage(live, "");
  const double table = double(V) * double(V) * double(V);
  if (!o.quiet || !o.json) {
    FILE* out = o.json ? stderr : stdout;
    std::fprintf(out, "perplexity: val %s (top-1 %.2f%%, top-5 %.2f%%)  test %s (top-1 %.2f%%, top-5 %.2f%%)\n",
                 ev::perplexity_text(sv.perplexity).c_str(), 100 * sv.top1, 100 * sv.top5,
                 ev::perplexity_text(st.perplexity).c_str(), 100 * st.top1, 100 * st.top5);
    std::fprintf(out, "Kneser-Ney trigram: val perplexity %s (discounts %.3f %.3f %.3f)",
                 ev::perplexity_text(kn_ppl).c_str(), kn.discounts()[0], kn.discounts()[1], kn.discounts()[2]);
    if (one_target)
      std::fprintf(out, "; mixed with the network: val perplexity %s", ev::perplexity_text(sv.mixture_perplexity).c_str());
    std::fprintf(out, "\nn-gram blow-up: %zu distinct trigrams seen; a full table needs V^3 = %.3g entries; "
                 "the network has %zu parameters\n",
                 kn.distinct_trigrams(), table, trainer.model().params.size());
  }
  nlohmann::json j = {{"coverage", data.coverage()},
                      {"train_words", data.train_tokens},
                      {"distinct_train_words", data.train_types},
                      {"val_perplexity", sv.perplexity},
                      {"val_top1", sv.top1},
                      {"val_top5", sv.top5},
                      {"test_perplexity", st.perplexity},
                      {"test_top1", st.top1},
                      {"test_top5", st.top5},
                      {"kn_val_perplexity", kn_ppl},
                      {"distinct_trigrams", kn.distinct_trigrams()},
                      {"trigram_table_entries", table}};
  if (one_target) {
    j["mixture_val_loss"] = sv.mixture_loss;
    j["mixture_val_perplexity"] = sv.mixture_perplexity;
  }
  return j;
}

// The session and the exports the flags ask for, written at the end.
void write_outputs(const ev::cli::Options& o, const ev::Trainer& trainer, const ev::Dataset& data, bool live) {
  if (!o.save_session.empty()) ev::save_session(ev::capture_session(trainer), o.save_session);
  const ev::TrainConfig& cfg = trainer.config();
  const auto C = trainer.model().p(ev::family(cfg.family).embeddings(trainer.model().spec).front());  // (V, d)
  if (!o.export_tsv.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(o.export_tsv, ec);
    if (ec) throw ev::Error("cannot create directory " + o.export_tsv + ": " + ec.message());
    ev::write_projector_tsv(o.export_tsv, data, C);
  }
  if (!o.export_word2vec.empty()) ev::write_word2vec(o.export_word2vec, data.vocab.tokens(), C);
  if (!o.export_loss_csv.empty()) {
    std::vector<ev::CsvColumn> shares;
    for (std::size_t i = 0; i < trainer.probes().size() && i < trainer.history().shares.size(); ++i)
      shares.push_back({ev::share_column(trainer.probes()[i].name), trainer.history().shares[i]});
    ev::write_loss_csv(o.export_loss_csv, trainer.history().points(), trainer.history().val, shares);
  }
  if (!o.export_projection.empty()) export_projection(o, data, C, live);
}

// Trains one run start to end: its exit status.
int train_one_run(const ev::cli::Options& o, clock::time_point started) {
  std::unique_ptr<ev::Session> session;  // set with --resume
  if (!o.resume.empty()) session = std::make_unique<ev::Session>(ev::load_session(o.resume));
  // Every output is checked before the data is read: nothing is trained for a file that cannot be written.
  ev::check_outputs(!o.sweep.empty() || o.find_lr ? ev::cli::experiment_outputs(o) : run_outputs(o),
                    run_inputs(o, session.get()));
  const std::shared_ptr<const ev::Dataset> data = load_run_data(o, session.get());
  if (!o.sweep.empty()) return ev::cli::experiment_main(o, data);
  if (o.find_lr) return ev::cli::find_lr_main(o, data);
  ev::Run run(1, session ? ev::resume_session(*session, data) : ev::Trainer(data, o.config));
  session.reset();  // its parameters are in the trainer now
  const std::string init_summary = prepare_run(o, run, *data);
  print_run_header(o, run, *data, init_summary);
  const ev::Trainer& trainer = run.trainer();
  const bool words = data->tokenizer == ev::Tokenizer::Word;
  // Progress only on a terminal: one line, updated in place; a pipe or a file gets none.
  const bool live = !o.quiet && isatty(STDERR_FILENO);
  const Trained t = train_steps(o, run, budget_deadline(o, trainer, started, words), live);
  if (t.diverged) {
    report_divergence(run, t.first_loss);
    return 1;
  }
  const int V = data->vocab.size();
  const double ema = run.smooth_loss();
  if (failed_to_learn(ema, t.first_loss, t.steps, V)) {
    std::fprintf(stderr,
                 "embedviz-train: training failed: after %lld steps the loss is %.4g (it began at %.4g), over 3 x ln(%d) = "
                 "%.3g (three times a uniform guess), with learning rate %g; try a smaller --lr\n",
                 (long long)t.steps, ema, t.first_loss, V, 3.0 * std::log(double(V)), trainer.lr());
    return 1;
  }
  const double sps = t.seconds > 0 ? double(t.steps) / t.seconds : 0.0;
  if (live && t.steps > 0) show_progress(t.steps, t.steps, t.seconds, ema, run.last_loss(), trainer.lr(), true);
  const Scores sc = final_scores(o, run, live);
  const double gflops = sps * ev::mean_step_flops(trainer.model().spec, trainer.examples(ev::Split::Train), trainer.config().batch) / 1e9;
  if (!o.quiet || !o.json)
    std::fprintf(o.json ? stderr : stdout, "steps %lld  train %.4f%s  val %.4f  test %.4f  %.0f steps/s (%.1f GFLOP/s)\n",
                 (long long)t.steps, sc.train, o.eval_train ? "" : " (last batches)", sc.val, sc.test, sps, gflops);
  const nlohmann::json structure = neighbour_shares(o, trainer);
  const nlohmann::json word_json = words ? word_scores(o, trainer, *data, live) : nlohmann::json();
  write_outputs(o, trainer, *data, live);
  if (o.json) {
    nlohmann::json j = {{"steps", t.steps},
                        {"step", trainer.step_count()},
                        {"params", trainer.model().params.size()},
                        {"vocab", V},
                        {"data", data->source},
                        {"boundary_tokens", data->boundary_chars},
                        {"seconds", t.seconds},
                        {"steps_per_s", sps},
                        {"gflop_per_s", gflops},
                        {"lr_at_end", trainer.lr()},
                        {"train_loss", sc.train},
                        {"train_loss_from", o.eval_train ? "the training split" : "the mean batch loss of the last steps"},
                        {"seconds_in_all", std::chrono::duration<double>(clock::now() - started).count()},
                        {"val_loss", sc.val},
                        {"test_loss", sc.test}};
    if (!word_json.is_null()) j.update(word_json);
    if (!structure.empty()) j["neighbour_shares"] = structure;
    if (!init_summary.empty()) j["init_vectors"] = init_summary;
    j["freeze_embeddings"] = trainer.config().freeze_embeddings;
    // A path need not be UTF-8: bytes that are not become U+FFFD rather than an exception.
    std::printf("%s\n", j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
  }
  check_stdout();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const auto started = clock::now();
  const ev::cli::ParseResult parsed = ev::cli::parse_train_options(argc, argv);
  if (!parsed.run) {
    if (parsed.exit_code == 0)
      std::fputs(parsed.message.c_str(), stdout);
    else
      std::fprintf(stderr, "embedviz-train: %s\n", parsed.message.c_str());
    return parsed.exit_code;
  }
  const ev::cli::Options& o = parsed.options;
  if (!o.quiet)
    for (const std::string& note : parsed.notes) std::fprintf(stderr, "embedviz-train: note: %s\n", note.c_str());
  try {
    return train_one_run(o, started);
  } catch (...) {
    return ev::report_exception("embedviz-train");
  }
}
