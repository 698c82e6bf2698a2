// run.cpp: a run's policy around its steps, its commands and its snapshots.
#include "core/live/run.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/data/data.h"
#include "core/base/error.h"
#include "core/models/ngram.h"
#include "core/io/session.h"
#include "core/teach/teach.h"

namespace ev {

namespace {

template <class... F>
struct overloaded : F... {
  using F::operator()...;
};
template <class... F>
overloaded(F...) -> overloaded<F...>;

std::string diverged_message(double step, double loss, double lr, double restore_step) {
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "Training diverged at step %.0f: the loss became %g with learning rate %g. Lower the rate, or "
                "restore the parameters of step %.0f.",
                step, loss, lr, restore_step);
  return buf;
}

double uniform_loss(const Trainer& t) { return std::log(double(t.data().vocab.size())); }

}  // namespace

bool exploded(double loss, double first_loss, int vocab) {
  return !std::isfinite(loss) || loss > kExplodeFactor * std::max(first_loss, std::log(double(std::max(vocab, 2))));
}

Run::Run(RunId id, std::shared_ptr<const Dataset> data, const TrainConfig& cfg)
    : id_(id), trainer_(std::make_unique<Trainer>(std::move(data), cfg)) {
  restarted();
}

Run::Run(RunId id, Trainer trainer) : id_(id), trainer_(std::make_unique<Trainer>(std::move(trainer))) { restarted(); }

Run::Outcome Run::step() {
  ++changes_;
  if (trainer_->step_count() >= Limits::kMaxStep) {
    playing_ = false;
    pending_steps_ = 0;
    message_ = "Training stops at step " + std::to_string(Limits::kMaxStep) + ", the most a session can hold.";
    return Outcome::Finished;
  }
  const StepResult r = trainer_->step();
  if (!have_smooth_ && r.finite) first_loss_ = r.loss;
  if (!r.finite || exploded(r.loss, first_loss_, trainer_->data().vocab.size())) {
    diverged(r.loss);
    return Outcome::Diverged;
  }
  observe(r.loss);
  const std::int64_t now = trainer_->step_count();
  const bool stopping = stop_at_ >= 0 && now >= stop_at_;  // a lesson's last step is kept, as the latest
  if (stopping || trainer_->timeline().due(now)) trainer_->capture_frame(smooth_loss_);
  const double uniform = uniform_loss(*trainer_);
  const std::int64_t step = trainer_->step_count();
  // Only a rate that has trained a while without trouble, never one the
  // slider passes through while held, is a rate to go back to.
  if (step % kGoodEvery == 0 && step - lr_since_ >= kGoodEvery && !rising_ && !lr_dragging_ &&
      smooth_loss_ < uniform && r.loss < uniform)
    keep_good("known good: loss below a uniform guess");
  const std::int64_t every = trainer_->config().val_every;
  if (every > 0 && step % every == 0) record_val();
  if (stop_at_ >= 0 && step >= stop_at_) {
    if (every <= 0 || step % every != 0) record_val();  // a run that stops ends with its validation loss
    playing_ = false;
    pending_steps_ = 0;
    message_ = (preset_ >= 0 ? "The lesson's " : "The ") + std::to_string(stop_at_) + " steps are done.";
    return Outcome::Finished;
  }
  return Outcome::Trained;
}

void Run::pause(std::string why) {
  playing_ = false;
  pending_steps_ = 0;
  message_ = std::move(why);
  ++changes_;
}

void Run::diverged(double loss) {
  last_loss_ = float(loss);
  diverged_ = true;
  playing_ = false;
  pending_steps_ = 0;
  message_ = diverged_message(double(trainer_->step_count()), loss, trainer_->lr(), double(good_.step));
}

void Run::record_val() {
  double top1 = 0;
  trainer_->record_val(eval_threads_, rank_val_ ? &top1 : nullptr);  // into the history the snapshot reads
  val_top1_ = float(top1);
}

double Run::recent_loss() const {
  double sum = 0;
  for (float l : recent_) sum += l;
  return recent_.empty() ? 0.0 : sum / double(recent_.size());
}

void Run::observe(float loss) {
  if (recent_.size() < std::size_t(kRecent)) recent_.push_back(loss);
  else recent_[recent_next_] = loss;
  recent_next_ = (recent_next_ + 1) % std::size_t(kRecent);
  last_loss_ = loss;
  smooth_loss_ = have_smooth_ ? 0.99f * smooth_loss_ + 0.01f * loss : loss;
  best_smooth_ = have_smooth_ ? std::min(best_smooth_, smooth_loss_) : smooth_loss_;
  have_smooth_ = true;
  const double uniform = uniform_loss(*trainer_);
  rising_ = smooth_loss_ > kWarnFactor * uniform && smooth_loss_ > best_smooth_ + 0.5 * uniform;
}

void Run::keep_good(const char* why) {
  good_.step = trainer_->step_count();
  good_.params = trainer_->model().params;
  good_.opt_state = trainer_->optimizer_state();
  good_.rng = trainer_->rng_state();
  good_.lr = trainer_->config().lr;
  good_.why = why;
}

void Run::restore_good() {
  trainer_->restore(good_.step, good_.params, good_.rng, good_.opt_state);
  trainer_->mutable_history().truncate(good_.step);
  trainer_->set_lr(good_.lr);
  lr_since_ = good_.step;
  lr_dragging_ = false;
  playing_ = false;
  pending_steps_ = 0;
  diverged_ = rising_ = false;
  have_smooth_ = false;
  recent_.clear();
  recent_next_ = 0;
  last_loss_ = smooth_loss_ = 0;
  inspection_.reset();
  char lr[32];
  std::snprintf(lr, sizeof lr, "%g", good_.lr);
  message_ = "Restored the parameters of step " + std::to_string(good_.step) + " (" + good_.why +
             ") and the learning rate " + lr + ".";
}

void Run::restarted() {
  playing_ = false;
  pending_steps_ = 0;
  diverged_ = rising_ = false;
  have_smooth_ = false;
  recent_.clear();
  recent_next_ = 0;
  last_loss_ = smooth_loss_ = val_top1_ = 0;
  first_loss_ = 0;
  inspection_.reset();
  ++restarts_;
  ++changes_;
  lr_since_ = trainer_->step_count();
  lr_dragging_ = false;
  // The timeline starts with the table as initialised (a resumed run has its own).
  if (trainer_->timeline().size() == 0) trainer_->capture_frame(std::nanf(""));
  keep_good("the start of the run");
}

void Run::replace(std::unique_ptr<Trainer> next) {
  trainer_ = std::move(next);
  restarted();
  preset_ = -1;
  stop_at_ = -1;
}

namespace {
bool rec_empty_or_diverged(const StepInspection& r) { return r.steps.empty() || r.diverged; }
}  // namespace

// A Step command while paused: the same updates as step(), recorded so the
// step inspector can show what they did.
void Run::inspect(int n) {
  if (!have_smooth_) first_loss_ = 0;
  const double bound = kExplodeFactor * std::max(first_loss_, uniform_loss(*trainer_));
  auto rec = std::make_shared<StepInspection>(inspect_steps(*trainer_, n, bound));
  for (const InspectedStep& st : rec->steps) {
    if (!have_smooth_) first_loss_ = st.loss_before;
    observe(st.loss_before);
  }
  if (rec->diverged) {
    diverged_ = true;
    message_ = diverged_message(double(trainer_->step_count()),
                                double(rec->steps.empty() ? NAN : rec->steps.back().loss_before), trainer_->lr(),
                                double(good_.step));
  }
  inspection_ = std::move(rec);
  record_val();
  // The timeline keeps where each Step command ended (the steps in between are the inspector's).
  if (!rec_empty_or_diverged(*inspection_)) trainer_->capture_frame(smooth_loss_);
}

void Run::train_for(Clock::time_point until, bool (*interrupted)(const void*), const void* arg) {
  std::int64_t done = 0;
  bool finished_steps = false;
  while (playing_ || pending_steps_ > 0) {
    if (target_sps_ > 0) {
      const auto now = Clock::now();
      if (now < next_due_) break;
      // Never catch up on time spent paused or waiting: at most one step late.
      next_due_ = std::max(next_due_, now - std::chrono::milliseconds(1)) +
                  std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(1.0 / target_sps_));
    }
    if (step() != Outcome::Trained) break;
    ++done;
    if (pending_steps_ > 0 && --pending_steps_ == 0) {
      finished_steps = true;
      break;
    }
    // Checked after every step: at large sizes one step takes seconds, and a
    // stop or any command must wait for no more than the step under way.
    if (Clock::now() >= until || (interrupted && interrupted(arg))) break;
  }
  // Speed over wall-clock windows of at least half a second, waits for a
  // speed limit included: at 1 step/s it shows 1.
  const auto now = Clock::now();
  window_steps_ += done;
  const double window_s = std::chrono::duration<double>(now - window_start_).count();
  if (window_s >= 0.5 && window_steps_ > 0) {
    sps_ = double(window_steps_) / window_s;
    window_steps_ = 0;
    window_start_ = now;
  }
  const auto& val = trainer_->history().val;
  if (finished_steps && !diverged_ && (val.empty() || val.back().step != trainer_->step_count())) record_val();
}

void Run::load_data(const std::string& path, std::optional<Tokenizer> tokenizer) {
  DataSpec spec = spec_of(trainer_->data());
  spec.source = path;
  TrainConfig config = trainer_->config();
  // Another kind of token brings the settings that suit it: the lecture's for
  // characters, the measured word defaults (config.h) for a word vocabulary.
  if (tokenizer && *tokenizer != spec.tokenizer) {
    spec.tokenizer = *tokenizer;
    apply_defaults(config, *tokenizer == Tokenizer::Word, [](const char*) { return false; });
  }
  const std::shared_ptr<const Dataset> data = ev::load_data(spec);
  replace(std::make_unique<Trainer>(data, config));  // throws before replacing
  message_ = "Training on " + shown(path) + ": " + std::to_string(data->items.size()) + " items, " +
             std::to_string(data->vocab.size()) + " tokens.";
  if (const std::string note = boundary_note(*data); !note.empty()) message_ += " " + note + ".";
}

void Run::load_session(const std::string& path) {
  // Everything is read and checked before the current run is replaced.
  const Session session = ev::load_session(path);
  std::shared_ptr<const Dataset> data = trainer_->data_ptr();
  if (spec_of(*data).split_seed != session.split_seed || data->checksum != session.data_checksum)
    data = load_session_data(session);
  replace(std::make_unique<Trainer>(resume_session(session, data)));
  const std::int64_t step = trainer_->step_count();
  message_ = "Loaded the session " + shown(path) + " at step " + std::to_string(step) + ".";
  // The window holds every rate constant for as long as it is left running; a
  // saved linear schedule (embedviz-train's Adam runs) would reach 0 there and
  // go on training at rate 0. The rate is held where the schedule had it, or,
  // when it had ended, where one continued over as many steps again would start.
  const TrainConfig& c = trainer_->config();
  if (c.lr_linear_steps > 0) {
    const bool ended = step >= c.lr_linear_steps;
    const double lr = ended ? c.lr * 0.5 : c.lr_at(step);
    char why[200];
    std::snprintf(why, sizeof why, " Its rate %s by step %lld; the window holds it at %g (the slider sets another).",
                  ended ? "had fallen linearly to 0" : "falls linearly to 0", (long long)c.lr_linear_steps, lr);
    trainer_->set_constant_lr(lr);
    message_ += why;
  }
}

void Run::apply_preset(int index) {
  const std::vector<Preset> all = presets();
  if (index < 0 || index >= int(all.size())) throw Error("no such lesson");
  const Preset& p = all[std::size_t(index)];
  TrainConfig cfg = p.config;
  cfg.seed = trainer_->config().seed;
  const std::uint64_t split = trainer_->data().split_seed;
  if (p.toy_data) {
    DataSpec toy;
    toy.source = kToyLessonSource;
    toy.split_seed = split;
    trainer_ = std::make_unique<Trainer>(ev::load_data(toy), cfg);
    load_toy_lesson_table(trainer_->mutable_model());  // the C the lesson shows
  } else if (p.word_data && trainer_->data().tokenizer != Tokenizer::Word) {
    trainer_ = std::make_unique<Trainer>(ev::load_data(default_word_data(split)), cfg);
  } else if (trainer_->data().source == kToyLessonSource) {
    trainer_ = std::make_unique<Trainer>(ev::load_data(default_data(split)), cfg);
  } else {
    trainer_->set_config(cfg);
  }
  restarted();
  preset_ = index;
  stop_at_ = p.steps;
  message_ = "Lesson \"" + p.name + "\" is ready: press play.";
}

std::string Run::init_vectors(const std::string& path) {
  const Trainer& t = *trainer_;
  const TokenVectors v = read_init_vectors(path, t.data().vocab, t.token_table().cols);
  trainer_->set_token_vectors(v);
  if (good_.step == t.step_count()) good_.params = t.model().params;  // Restore keeps them
  ++changes_;
  return v.summary();
}

void Run::play(bool on) {
  // Pausing shows where the run stands: the validation loss at this step.
  const auto& val = trainer_->history().val;
  if (!on && playing_ && !diverged_ && trainer_->step_count() > 0 &&
      (val.empty() || val.back().step != trainer_->step_count()))
    record_val();
  playing_ = on;
  pending_steps_ = 0;
  if (on) {
    inspection_.reset();
    diverged_ = false;
    message_.clear();
    next_due_ = window_start_ = Clock::now();
    window_steps_ = 0;
    sps_ = 0;
  }
}

void Run::set_model(const ModelSpec& spec) {
  TrainConfig cfg = trainer_->config();
  if (spec.family != cfg.family) {
    // Another family trains with its own optimizer and rate (Adam at 0.01 for gpt),
    // held constant: the window trains for as long as it is left running.
    const TrainConfig usual = family_defaults(spec.family, trainer_->data().tokenizer == Tokenizer::Word);
    cfg.optimizer = usual.optimizer;
    cfg.lr = usual.lr;
    cfg.lr_linear_steps = usual.lr_linear_steps;
  }
  cfg.set_spec(spec);
  trainer_->set_config(cfg);
  restarted();
  message_ = "The model changed: training restarted from the seed.";
}

void Run::apply(const Command& command) {
  ++changes_;
  try {
    std::visit(
        overloaded{
            [&](const cmd::Play& c) { play(c.on); },
            [&](const cmd::Step& c) {
              playing_ = false;
              diverged_ = false;
              if (c.n <= 0) return;
              if (pending_steps_ == 0 && c.n <= kMaxInspectSteps) {
                inspect(c.n);
                return;
              }
              pending_steps_ += c.n;
              next_due_ = Clock::now();
            },
            [&](const cmd::Reset&) {
              trainer_->reset();
              if (trainer_->data().source == kToyLessonSource) load_toy_lesson_table(trainer_->mutable_model());
              restarted();
              message_.clear();
            },
            [&](const cmd::SetLr& c) {
              // Restore goes back to before the rate changed (before a drag of
              // the slider began), unless the run is already in trouble.
              if (c.lr != trainer_->config().lr && !lr_dragging_ && !rising_ && !diverged_ &&
                  good_.step != trainer_->step_count())
                keep_good("before the learning rate changed");
              lr_dragging_ = c.dragging;
              if (c.lr != trainer_->config().lr) lr_since_ = trainer_->step_count();
              trainer_->set_lr(c.lr);
              best_smooth_ = smooth_loss_;
            },
            [&](const cmd::SetLrDecay& c) { trainer_->set_lr_decay(c.step, c.factor); },
            [&](const cmd::SetBatch& c) { trainer_->set_batch(c.batch); },
            [&](const cmd::SetModel& c) { set_model(c.spec); },
            [&](const cmd::SetSeed& c) {
              TrainConfig cfg = trainer_->config();
              cfg.seed = c.seed;
              trainer_->set_config(cfg);
              restarted();
              message_ = "New seed: training restarted.";
            },
            [&](const cmd::SetSpeed& c) {
              target_sps_ = std::isfinite(c.steps_per_s) && c.steps_per_s > 0 ? c.steps_per_s : 0;
              next_due_ = Clock::now();
            },
            [&](const cmd::LoadData& c) { load_data(c.path, c.tokenizer); },
            [&](const cmd::RestoreCheckpoint&) { restore_good(); },
            [&](const cmd::SaveSession& c) {
              save_session(capture_session(*trainer_), c.path);
              message_ = "Saved the session (step " + std::to_string(trainer_->step_count()) + ") to " + shown(c.path);
            },
            [&](const cmd::LoadSession& c) { load_session(c.path); },
            [&](const cmd::ApplyPreset& c) { apply_preset(c.index); },
            [&](const cmd::SetStop& c) { stop_at_ = c.step; },
            [&](const cmd::InitVectors& c) {
              message_ = "Initialised the embeddings from " + shown(c.path) + ": " + init_vectors(c.path) + ".";
            },
            [&](const cmd::FreezeEmbeddings& c) { trainer_->set_freeze_embeddings(c.on); },
            [&](const cmd::KeepSteps& c) { trainer_->mutable_timeline().also_capture(c.steps); },
        },
        command);
  } catch (const Error& e) {
    message_ = e.what();
  } catch (const std::bad_alloc&) {
    message_ = "Not enough memory for that; the current run is unchanged.";
  }
}

void Run::refresh_baselines() {
  if (bigram_data_ != trainer_->data_ptr()) {
    bigram_data_ = trainer_->data_ptr();
    bigram_loss_ = float(bigram_loss(trainer_->data(), Split::Train));
    // Word data gets the baseline Bengio et al. (2003) measured against.
    const Dataset& d = trainer_->data();
    trigram_loss_ = 0;
    distinct_trigrams_ = 0;
    if (d.tokenizer == Tokenizer::Word && d.vocab.size() <= KneserNey::kMaxVocab && d.n_val > 0) {
      const KneserNey kn(d);
      trigram_loss_ = float(std::log(kn.perplexity(d, Split::Val)));
      distinct_trigrams_ = kn.distinct_trigrams();
    }
  }
}

std::shared_ptr<Snapshot> Run::snapshot(bool with_model) {
  const Trainer& t = *trainer_;
  auto s = std::make_shared<Snapshot>();
  s->run_id = id_;
  s->step = t.step_count();
  s->epoch = t.epoch();
  s->config = t.config();
  s->data = t.data_ptr();
  s->spec = t.model().spec;
  s->table = t.model().table;
  if (!tables_ || tables_changes_ != changes_ || tables_step_ != t.step_count()) {
    tables_ = t.embedding_tables();
    tables_changes_ = changes_;
    tables_step_ = t.step_count();
  }
  s->embeddings = tables_;
  s->timeline = t.timeline().frames();
  if (with_model) {
    auto m = std::make_shared<Model<float>>();
    m->spec = t.model().spec;
    m->table = t.model().table;
    m->params = t.model().params;  // no gradients: a reader only runs forward
    model_ = std::move(m);
    model_step_ = t.step_count();
    model_restarts_ = restarts_;
  } else if (model_ && (model_restarts_ != restarts_ || model_->spec != s->spec)) {
    model_.reset();  // from before a restart: another model
  }
  s->model = model_;
  s->model_step = model_ ? model_step_ : -1;
  const LossHistory& h = t.history();
  s->loss = loss_mirror_.sync(h.points(), h.generation());
  s->loss_stride = h.stride();
  s->val = val_mirror_.sync(h.val, h.generation());
  s->last_loss = last_loss_;
  s->smooth_loss = smooth_loss_;
  // The latest point of the history the plot draws: after a loaded session or
  // a Restore, the status line and the loss header show the same number.
  s->val_loss = h.val.empty() ? 0.0f : float(h.val.back().loss);
  s->val_top1 = val_top1_;
  s->shares.clear();
  const auto& probes = trainer_->probes();
  for (std::size_t i = 0; i < probes.size() && i < h.shares.size(); ++i)
    s->shares.push_back({probes[i].name, probes[i].chance, h.shares[i]});
  const Batch b = t.last_batch_ids();
  if (b.out == 1 && b.B > 0) {
    s->batch_X.assign(b.X, b.X + std::size_t(b.B) * std::size_t(b.in));
    s->batch_Y.assign(b.Y, b.Y + std::size_t(b.B));
  }
  s->playing = playing_;
  s->target_steps_per_s = target_sps_;
  s->steps_per_s = playing_ ? sps_ : 0.0;
  s->diverged = diverged_;
  s->rising = rising_;
  s->checkpoint_step = good_.step;
  s->checkpoint_lr = good_.lr;
  s->checkpoint_why = good_.why;
  refresh_baselines();
  s->bigram_loss = bigram_loss_;
  s->trigram_loss = trigram_loss_;
  s->distinct_trigrams = distinct_trigrams_;
  s->restarts = restarts_;
  s->message = message_;
  s->inspection = inspection_;
  s->stop_at = stop_at_;
  s->preset = preset_;
  return s;
}

}  // namespace ev
