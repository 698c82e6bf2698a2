// worker.cpp: the worker's loop: drain commands, train in short slices,
// publish a snapshot about 60 times a second and at once after any command.
#include "core/live/worker.h"

#include "core/base/error.h"
#include "core/base/priority.h"

namespace ev {

// A live run trains behind a window: its thread first takes the priority
// priority.h gives it, below the frame loop's where frames come first.
namespace {
using Clock = std::chrono::steady_clock;

// What a preparing snapshot names as its data while the data is still being
// read: an empty set that carries only the source's name.
std::shared_ptr<const Dataset> unread(const std::string& source) {
  auto d = std::make_shared<Dataset>();
  d->source = source;
  return d;
}
}  // namespace

Worker::Worker(RunId id, std::shared_ptr<const Dataset> data, const TrainConfig& cfg) : id_(id) {
  Trainer::check(*data, cfg);  // bad settings: before any work
  busy_ = true;                // wait_idle waits for the run to be made
  publish_preparing(data, cfg, "framing the training examples", "");
  thread_ = std::thread([this, data = std::move(data), cfg] {
    lower_this_thread(live_trainer_nice());
    if (prepare(data, cfg)) loop();
    finished_.store(true);
  });
}

Worker::Worker(RunId id, DataReader reader, const TrainConfig& cfg) : id_(id) {
  busy_ = true;  // wait_idle waits for the run to be made
  publish_preparing(unread(reader.source), cfg, "reading the data: " + reader.source, "");
  thread_ = std::thread([this, reader = std::move(reader), cfg] {
    lower_this_thread(live_trainer_nice());
    if (const auto data = read(reader, cfg); data && prepare(data, cfg)) loop();
    finished_.store(true);
  });
}

Worker::Worker(std::unique_ptr<Run> run) : id_(run->id()), run_(std::move(run)) {
  publish();
  thread_ = std::thread([this] {
    lower_this_thread(live_trainer_nice());
    loop();
    finished_.store(true);
  });
}

Worker::~Worker() { stop(); }

void Worker::request_stop() {
  {
    std::lock_guard<std::mutex> lk(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  idle_cv_.notify_all();
}

void Worker::stop() {
  request_stop();
  if (thread_.joinable()) thread_.join();
}

bool Worker::stopping() {
  std::lock_guard<std::mutex> lk(mu_);
  return stop_;
}

std::string Worker::read_note() const {
  std::lock_guard<std::mutex> lk(mu_);
  return read_note_;
}

// The worker thread's first stage for a run given a reader: the data, checked
// against the settings; null when it failed (said by a failed snapshot) or a stop was asked.
std::shared_ptr<const Dataset> Worker::read(const DataReader& reader, const TrainConfig& cfg) {
  std::string failure;
  std::shared_ptr<const Dataset> data;
  try {
    std::string note;
    data = reader.read(&note);
    {
      std::lock_guard<std::mutex> lk(mu_);
      read_note_ = note;
    }
    Trainer::check(*data, cfg);
    if (stopping()) return nullptr;
    publish_preparing(data, cfg, "framing the training examples", "");
    return data;
  } catch (const Error& e) {
    failure = e.what();
  } catch (const std::bad_alloc&) {
    failure = "Not enough memory to read the data.";
  }
  publish_preparing(data ? data : unread(reader.source), cfg, "", failure);
  request_stop();  // nothing will train: wait_idle returns
  return nullptr;
}

// The worker thread makes its run in stages, publishing each, and gives up
// between them once asked to stop.
bool Worker::prepare(const std::shared_ptr<const Dataset>& data, const TrainConfig& cfg) {
  std::string failure;
  try {
    auto run = std::make_unique<Run>(id_, data, cfg);
    if (stopping()) return false;
    publish_preparing(data, cfg, "counting the trigram", "");
    run->refresh_baselines();
    if (stopping()) return false;
    run_ = std::move(run);
    // Ready, but without the parameters a view asked for meanwhile: the
    // commands posted while the run was being made apply first (the loop sends them).
    const bool asked = want_model_.exchange(false);
    publish();
    if (asked) want_model_.store(true);
    return true;
  } catch (const Error& e) {
    failure = e.what();
  } catch (const std::bad_alloc&) {
    failure = "Not enough memory for this run.";
  }
  publish_preparing(data, cfg, "", failure);
  request_stop();  // nothing will train: wait_idle returns
  return false;
}

// A snapshot of a run not made yet: what is being done, or why it failed.
void Worker::publish_preparing(const std::shared_ptr<const Dataset>& data, const TrainConfig& cfg, const std::string& what,
                               const std::string& failure) {
  auto s = std::make_shared<Snapshot>();
  s->run_id = id_;
  s->config = cfg;
  s->data = data;
  s->spec = cfg.spec(data->vocab.size());
  s->timeline = std::make_shared<const TimelineFrames>();
  s->preparing = what;
  s->failed = !failure.empty();
  s->message = failure;
  s->version = ++version_;
  std::atomic_store_explicit(&snap_, SnapshotPtr(std::move(s)), std::memory_order_release);
}

void Worker::post(Command c) {
  {
    std::lock_guard<std::mutex> lk(mu_);
    queue_.push_back(std::move(c));
    posted_.fetch_add(1);
  }
  cv_.notify_one();
}

void Worker::want_model() {
  want_model_.store(true);
  if (model_current_.load()) return;  // the latest snapshot has them
  std::lock_guard<std::mutex> lk(mu_);
  model_pending_ = true;
  cv_.notify_one();
}

bool Worker::wait_idle(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lk(mu_);
  return idle_cv_.wait_for(lk, timeout,
                           [&] { return stop_ || (applied_ == posted_.load() && !busy_ && !model_pending_); });
}

void Worker::loop() {
  auto last_publish = Clock::now();
  for (;;) {
    std::vector<Command> cmds;
    {
      std::unique_lock<std::mutex> lk(mu_);
      const auto ready = [&] { return stop_ || !queue_.empty() || (want_model_.load() && !model_current_); };
      if (!run_->working())
        cv_.wait(lk, ready);
      else if (run_->paced() && Clock::now() < run_->next_due())
        cv_.wait_until(lk, run_->next_due(), ready);  // speed limit: sleep until the next step is due
      if (stop_) return;
      cmds.swap(queue_);
    }
    for (const auto& c : cmds) run_->apply(c);
    applied_local_ += cmds.size();
    bool changed = !cmds.empty();
    if (changed) model_current_.store(false);
    if (want_model_.load() && !model_current_) changed = true;  // a view waits for the parameters
    if (!cmds.empty() && run_->working()) {  // the command's effect is seen before the next slice trains
      publish();
      last_publish = Clock::now();
    }

    if (run_->working()) {
      try {
        run_->train_for(
            Clock::now() + kSlice,
            [](const void* self) {
              const auto* w = static_cast<const Worker*>(self);
              return w->posted_.load() != w->applied_local_;
            },
            this);
      } catch (const std::bad_alloc&) {  // a step's buffers or a validation pass
        run_->pause("Not enough memory to go on training: paused. A smaller model or batch may fit.");
      }
      changed = true;
      model_current_.store(false);
    }
    const auto now = Clock::now();
    if (changed && (!run_->working() || now - last_publish >= kPublishEvery)) {
      publish();
      last_publish = now;
    }
  }
}

void Worker::publish() {
  const auto now = Clock::now();
  // Full parameters when a view asked, at most every kModelEvery while
  // training; at once when paused (every change then is a user's).
  const bool want = want_model_.load(std::memory_order_relaxed) &&
                    (!run_->working() || now - last_model_ >= kModelEvery);
  if (want) {
    want_model_.store(false, std::memory_order_relaxed);
    last_model_ = now;
    model_current_.store(!run_->working());
  }
  std::shared_ptr<Snapshot> s = run_->snapshot(want);
  s->version = ++version_;
  s->commands_applied = applied_local_;
  std::atomic_store_explicit(&snap_, std::shared_ptr<const Snapshot>(std::move(s)), std::memory_order_release);
  {
    std::lock_guard<std::mutex> lk(mu_);
    applied_ = applied_local_;
    busy_ = run_->working();
    if (want) model_pending_ = false;
  }
  idle_cv_.notify_all();
}

}  // namespace ev
