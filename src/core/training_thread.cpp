// training_thread.cpp: the trainer's loop: drain commands, train in short
// slices, publish a snapshot about 60 times a second (and at once after any
// command while paused).
#include "training_thread.h"

#include <cmath>
#include <cstdio>

#include "error.h"
#include "session.h"
#include "teach.h"

namespace ev {

namespace {
using clock_t_ = std::chrono::steady_clock;
constexpr auto kSlice = std::chrono::milliseconds(4);           // training between queue checks
constexpr auto kPublishEvery = std::chrono::milliseconds(15);   // about one snapshot per frame

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
}  // namespace

TrainingThread::TrainingThread(std::shared_ptr<const Dataset> data, const TrainConfig& cfg)
    : trainer_(std::make_unique<Trainer>(std::move(data), cfg)) {
  restarted();
  publish();
  thread_ = std::thread([this] { run(); });
}

TrainingThread::~TrainingThread() { stop(); }

void TrainingThread::stop() {
  {
    std::lock_guard<std::mutex> lk(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void TrainingThread::post(Command c) {
  {
    std::lock_guard<std::mutex> lk(mu_);
    queue_.push_back(std::move(c));
    posted_.fetch_add(1);
  }
  cv_.notify_one();
}

bool TrainingThread::wait_idle(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lk(mu_);
  return idle_cv_.wait_for(lk, timeout, [&] { return stop_ || (applied_ == posted_.load() && !busy_); });
}

void TrainingThread::run() {
  auto last_publish = clock_t_::now();
  for (;;) {
    std::vector<Command> cmds;
    {
      std::unique_lock<std::mutex> lk(mu_);
      const bool working = playing_ || pending_steps_ > 0;
      const auto ready = [&] { return stop_ || !queue_.empty(); };
      if (!working)
        cv_.wait(lk, ready);
      else if (target_sps_ > 0 && clock_t_::now() < next_due_)
        cv_.wait_until(lk, next_due_, ready);  // speed limit: sleep until the next step is due
      if (stop_) return;
      cmds.swap(queue_);
    }
    for (const auto& c : cmds) apply(c);
    applied_local_ += cmds.size();
    bool changed = !cmds.empty();

    const bool was_working = playing_ || pending_steps_ > 0;
    if (was_working) {
      try {
        train_for(clock_t_::now() + kSlice);
      } catch (const std::bad_alloc&) {  // a step's buffers or a validation pass
        playing_ = false;
        pending_steps_ = 0;
        message_ = "Not enough memory to go on training: paused. A smaller model or batch may fit.";
      }
      changed = true;
    }
    const bool working = playing_ || pending_steps_ > 0;
    const auto now = clock_t_::now();
    if (changed && (!working || now - last_publish >= kPublishEvery)) {
      publish();
      last_publish = now;
    }
  }
}

bool TrainingThread::train_one() {
  if (trainer_->step_count() >= Limits::kMaxStep) {
    playing_ = false;
    pending_steps_ = 0;
    message_ = "Training stops at step " + std::to_string(Limits::kMaxStep) + ", the most a session can hold.";
    return false;
  }
  const StepResult r = trainer_->step();
  const double bound = kExplodeFactor * std::log(double(trainer_->data().vocab.size()));
  if (!r.finite || !(r.loss <= bound)) {
    diverged_ = true;
    playing_ = false;
    pending_steps_ = 0;
    message_ = diverged_message(double(trainer_->step_count()), double(r.loss), trainer_->lr(), double(good_.step));
    return false;
  }
  observe(r.loss);
  const double uniform = std::log(double(trainer_->data().vocab.size()));
  if (trainer_->step_count() % kGoodEvery == 0 && !rising_ && smooth_loss_ < uniform && r.loss < uniform)
    keep_good("known good: loss below a uniform guess");
  return true;
}

void TrainingThread::observe(float loss) {
  last_loss_ = loss;
  smooth_loss_ = have_smooth_ ? 0.99f * smooth_loss_ + 0.01f * loss : loss;
  best_smooth_ = have_smooth_ ? std::min(best_smooth_, smooth_loss_) : smooth_loss_;
  have_smooth_ = true;
  const double uniform = std::log(double(trainer_->data().vocab.size()));
  rising_ = smooth_loss_ > kWarnFactor * uniform && smooth_loss_ > best_smooth_ + 0.5 * uniform;
}

void TrainingThread::keep_good(const char* why) {
  good_.step = trainer_->step_count();
  good_.params = trainer_->model().params;
  good_.rng = trainer_->rng_state();
  good_.lr = trainer_->config().lr;
  good_.why = why;
}

void TrainingThread::restore_good() {
  trainer_->restore(good_.step, good_.params, good_.rng);
  trainer_->mutable_history().truncate(good_.step);
  trainer_->set_lr(good_.lr);
  playing_ = false;
  pending_steps_ = 0;
  diverged_ = rising_ = false;
  have_smooth_ = false;
  last_loss_ = smooth_loss_ = 0;
  inspection_.reset();
  char lr[32];
  std::snprintf(lr, sizeof lr, "%g", good_.lr);
  message_ = "Restored the parameters of step " + std::to_string(good_.step) + " (" + good_.why +
             ") and the learning rate " + lr + ".";
}

void TrainingThread::restarted() {
  playing_ = false;
  pending_steps_ = 0;
  diverged_ = rising_ = false;
  have_smooth_ = false;
  last_loss_ = smooth_loss_ = val_loss_ = 0;
  inspection_.reset();
  ++run_;
  keep_good("the start of the run");
}

// A Step command while paused: the same updates as train_one(), recorded so the
// step inspector can show what they did.
void TrainingThread::inspect(int n) {
  const double bound = kExplodeFactor * std::log(double(trainer_->data().vocab.size()));
  auto rec = std::make_shared<StepInspection>(inspect_steps(*trainer_, n, bound));
  for (const InspectedStep& st : rec->steps) observe(st.loss_before);
  if (rec->diverged) {
    diverged_ = true;
    message_ = diverged_message(double(trainer_->step_count()),
                                double(rec->steps.empty() ? NAN : rec->steps.back().loss_before), trainer_->lr(),
                                double(good_.step));
  }
  inspection_ = std::move(rec);
  val_loss_ = float(trainer_->record_val(1));
  since_val_s_ = 0;
}

void TrainingThread::train_for(clock_t_::time_point until) {
  const auto t0 = clock_t_::now();
  std::int64_t done = 0;
  bool finished_steps = false;
  while (playing_ || pending_steps_ > 0) {
    if (target_sps_ > 0) {
      const auto now = clock_t_::now();
      if (now < next_due_) break;
      // Never catch up on time spent paused or waiting: at most one step late.
      next_due_ = std::max(next_due_, now - std::chrono::milliseconds(1)) +
                  std::chrono::duration_cast<clock_t_::duration>(std::chrono::duration<double>(1.0 / target_sps_));
    }
    if (!train_one()) break;
    ++done;
    if (stop_at_ >= 0 && trainer_->step_count() >= stop_at_) {
      playing_ = false;
      pending_steps_ = 0;
      message_ = "The lesson's " + std::to_string(stop_at_) + " steps are done.";
      break;
    }
    if (pending_steps_ > 0 && --pending_steps_ == 0) {
      finished_steps = true;
      break;
    }
    // Checked after every step: at large sizes one step takes seconds, and a
    // stop or any command must wait for no more than the step under way.
    if (clock_t_::now() >= until || posted_.load() != applied_local_) break;
  }
  const auto now = clock_t_::now();
  since_val_s_ += std::chrono::duration<double>(now - t0).count();
  // Speed over wall-clock windows of at least half a second, waits for a
  // speed limit included: at 1 step/s it shows 1.
  window_steps_ += done;
  const double window_s = std::chrono::duration<double>(now - window_start_).count();
  if (window_s >= 0.5 && window_steps_ > 0) {
    sps_ = double(window_steps_) / window_s;
    window_steps_ = 0;
    window_start_ = now;
  }
  if (finished_steps || (since_val_s_ >= kValEverySeconds && !diverged_)) {
    val_loss_ = float(trainer_->record_val(1));
    since_val_s_ = 0;
  }
}

void TrainingThread::apply(const Command& command) {
  try {
    std::visit(
        overloaded{
            [&](const cmd::Play& c) {
              playing_ = c.on;
              pending_steps_ = 0;
              if (c.on) {
                inspection_.reset();
                diverged_ = false;
                message_.clear();
                next_due_ = window_start_ = clock_t_::now();
                window_steps_ = 0;
                sps_ = 0;
              }
            },
            [&](const cmd::Step& c) {
              playing_ = false;
              diverged_ = false;
              if (c.n <= 0) return;
              if (pending_steps_ == 0 && c.n <= kMaxInspectSteps) {
                inspect(c.n);
                return;
              }
              pending_steps_ += c.n;
              next_due_ = clock_t_::now();
            },
            [&](const cmd::Reset&) {
              trainer_->reset();
              if (trainer_->data().source == kToyLessonSource) load_toy_lesson_table(trainer_->mutable_model());
              restarted();
              message_.clear();
            },
            [&](const cmd::SetLr& c) {
              // Restore goes back to before the rate changed, unless the run is
              // already in trouble or a drag of the slider is still going on.
              if (c.lr != trainer_->config().lr && !rising_ && !diverged_ && good_.step != trainer_->step_count())
                keep_good("before the learning rate changed");
              trainer_->set_lr(c.lr);
              best_smooth_ = smooth_loss_;
            },
            [&](const cmd::SetLrDecay& c) { trainer_->set_lr_decay(c.step, c.factor); },
            [&](const cmd::SetBatch& c) { trainer_->set_batch(c.batch); },
            [&](const cmd::SetShape& c) {
              TrainConfig cfg = trainer_->config();
              cfg.block = c.block;
              cfg.emb = c.emb;
              cfg.hidden = c.hidden;
              trainer_->set_config(cfg);
              restarted();
              message_ = "The model's shape changed: training restarted from the seed.";
            },
            [&](const cmd::SetSeed& c) {
              TrainConfig cfg = trainer_->config();
              cfg.seed = c.seed;
              trainer_->set_config(cfg);
              restarted();
              message_ = "New seed: training restarted.";
            },
            [&](const cmd::SetSpeed& c) {
              target_sps_ = std::isfinite(c.steps_per_s) && c.steps_per_s > 0 ? c.steps_per_s : 0;
              next_due_ = clock_t_::now();
            },
            [&](const cmd::LoadData& c) {
              auto data = std::make_shared<const Dataset>(
                  load_dataset(c.path, trainer_->data().tokenizer, trainer_->config().seed));
              auto next = std::make_unique<Trainer>(data, trainer_->config());  // throws before replacing
              trainer_ = std::move(next);
              restarted();
              preset_ = -1;
              stop_at_ = -1;
              message_ = "Training on " + shown(c.path) + ": " + std::to_string(data->items.size()) + " items, " +
                         std::to_string(data->vocab.size()) + " tokens.";
              if (const std::string note = boundary_note(*data); !note.empty()) message_ += " " + note + ".";
            },
            [&](const cmd::RestoreCheckpoint&) { restore_good(); },
            [&](const cmd::SaveSession& c) {
              save_session(capture_session(*trainer_), c.path);
              message_ = "Saved the session (step " + std::to_string(trainer_->step_count()) + ") to " + shown(c.path);
            },
            [&](const cmd::LoadSession& c) {
              // Everything is read and checked before the current run is replaced.
              const Session session = load_session(c.path);
              std::shared_ptr<const Dataset> data = trainer_->data_ptr();
              if (data->checksum != session.data_checksum) data = load_session_data(session);
              auto next = std::make_unique<Trainer>(resume_session(session, data));
              trainer_ = std::move(next);
              restarted();
              preset_ = -1;
              stop_at_ = -1;
              message_ = "Loaded the session " + shown(c.path) + " at step " + std::to_string(trainer_->step_count()) + ".";
            },
            [&](const cmd::ApplyPreset& c) {
              const std::vector<Preset> all = presets();
              if (c.index < 0 || c.index >= int(all.size())) throw Error("no such lesson");
              const Preset& p = all[std::size_t(c.index)];
              TrainConfig cfg = p.config;
              cfg.seed = trainer_->config().seed;
              if (p.toy_data) {
                auto data = std::make_shared<const Dataset>(toy_lesson_dataset(cfg.seed));
                trainer_ = std::make_unique<Trainer>(data, cfg);
                load_toy_lesson_table(trainer_->mutable_model());  // the C the lesson shows
              } else if (trainer_->data().source == kToyLessonSource) {
                auto data = std::make_shared<const Dataset>(make_dataset(
                    default_words(), Tokenizer::Char, cfg.seed, std::string(kDefaultWordList) + " (a-z words)"));
                trainer_ = std::make_unique<Trainer>(data, cfg);
              } else {
                trainer_->set_config(cfg);
              }
              restarted();
              preset_ = c.index;
              stop_at_ = p.steps;
              message_ = "Lesson \"" + p.name + "\" is ready: press play.";
            },
        },
        command);
  } catch (const Error& e) {
    message_ = e.what();
  } catch (const std::bad_alloc&) {
    message_ = "Not enough memory for that; the current run is unchanged.";
  }
}

void TrainingThread::publish() {
  const Trainer& t = *trainer_;
  auto s = std::make_shared<Snapshot>();
  s->version = ++version_;
  s->commands_applied = applied_local_;
  s->step = t.step_count();
  s->epoch = t.epoch();
  s->config = t.config();
  s->data = t.data_ptr();
  s->shape = t.model().shape;
  s->params = t.model().params;
  s->loss = t.history().points();
  s->loss_stride = t.history().stride();
  s->val = t.history().val;
  s->last_loss = last_loss_;
  s->smooth_loss = smooth_loss_;
  s->val_loss = val_loss_;
  const Examples& train = t.examples(Split::Train);
  const int k = t.config().block;
  for (std::int32_t row : t.last_batch()) {
    if (std::size_t(row) >= train.size()) continue;
    const std::int32_t* ctx = train.context(std::size_t(row));
    s->batch_X.insert(s->batch_X.end(), ctx, ctx + k);
    s->batch_Y.push_back(train.Y[std::size_t(row)]);
  }
  s->playing = playing_;
  s->target_steps_per_s = target_sps_;
  s->steps_per_s = playing_ ? sps_ : 0.0;
  s->diverged = diverged_;
  s->rising = rising_;
  s->checkpoint_step = good_.step;
  s->checkpoint_lr = good_.lr;
  s->checkpoint_why = good_.why;
  if (bigram_data_ != t.data_ptr()) {
    bigram_data_ = t.data_ptr();
    bigram_loss_ = float(bigram_loss(t.data(), Split::Train));
  }
  s->bigram_loss = bigram_loss_;
  s->run = run_;
  s->message = message_;
  s->inspection = inspection_;
  s->stop_at = stop_at_;
  s->preset = preset_;
  std::atomic_store_explicit(&snap_, std::shared_ptr<const Snapshot>(std::move(s)), std::memory_order_release);
  {
    std::lock_guard<std::mutex> lk(mu_);
    applied_ = applied_local_;
    busy_ = playing_ || pending_steps_ > 0;
  }
  idle_cv_.notify_all();
}

}  // namespace ev
