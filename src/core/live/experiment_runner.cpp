// experiment_runner.cpp: the live experiment's queue and stop rule.
#include "core/live/experiment_runner.h"

#include <algorithm>

#include "core/base/error.h"

namespace ev {

const char* state_name(ExperimentRunner::State s) {
  switch (s) {
    case ExperimentRunner::State::Preparing: return "preparing";
    case ExperimentRunner::State::Queued: return "queued";
    case ExperimentRunner::State::Training: return "training";
    case ExperimentRunner::State::Paused: return "paused";
    case ExperimentRunner::State::Done: return "done";
    case ExperimentRunner::State::Failed: return "failed";
  }
  return "";
}

void ExperimentRunner::start(const Sweep& sweep, const TrainConfig& base, const StopRule& stop, int jobs,
                             const Host& host) {
  if (stop.steps <= 0 && stop.seconds <= 0) throw Error("An experiment needs a number of steps or a time budget.");
  std::vector<Entry> next;
  for (const std::string& v : sweep.values) {
    Entry e;
    e.value = v;
    e.config = with_value(base, sweep, v);  // throws before any run is made
    next.push_back(std::move(e));
  }
  if (host.check_at_once) {  // the runs that train at once, together, before any is made
    std::vector<TrainConfig> configs;
    for (const Entry& e : next) configs.push_back(e.config);
    host.check_at_once(configs, std::max(1, jobs));
  }
  clear(host);
  sweep_ = sweep;
  stop_ = stop;
  jobs_ = std::max(1, jobs);
  paused_ = false;
  entries_ = std::move(next);
  try {
    for (Entry& e : entries_) {
      e.id = host.add(e.config);
      host.post(e.id, cmd::SetStop{stop_.steps > 0 ? stop_.steps : -1});
    }
  } catch (...) {
    clear(host);
    throw;
  }
  update({}, host);
}

void ExperimentRunner::begin(Entry& e, const Host& host) {
  e.state = State::Training;
  e.since = Clock::now();
  host.post(e.id, cmd::Play{true});
}

void ExperimentRunner::update(const std::vector<SnapshotPtr>& snaps, const Host& host) {
  const auto now = Clock::now();
  int training = 0;
  for (Entry& e : entries_) {
    for (const SnapshotPtr& s : snaps)
      if (s->run_id == e.id) e.last = s;
    if (e.state == State::Preparing && e.last && e.last->preparing.empty())
      e.state = e.last->failed ? State::Failed : State::Queued;
    if (e.state != State::Training) continue;
    const double seconds = e.seconds + std::chrono::duration<double>(now - e.since).count();
    const Snapshot* s = e.last.get();
    if (s && s->diverged) {
      e.state = State::Failed;
    } else if (s && stop_.steps > 0 && s->step >= stop_.steps && !s->playing) {
      e.state = State::Done;
    } else if (stop_.seconds > 0 && seconds >= stop_.seconds) {
      host.post(e.id, cmd::Play{false});
      e.state = State::Done;
    }
    if (e.state != State::Training) e.seconds = seconds;
    else ++training;
  }
  if (paused_) return;
  for (Entry& e : entries_)
    if (training < jobs_ && e.state == State::Queued) {
      begin(e, host);
      ++training;
    }
}

void ExperimentRunner::pause(bool on, const Host& host) {
  if (on == paused_) return;
  paused_ = on;
  const auto now = Clock::now();
  for (Entry& e : entries_) {
    if (on && e.state == State::Training) {
      host.post(e.id, cmd::Play{false});
      e.seconds += std::chrono::duration<double>(now - e.since).count();
      e.state = State::Paused;
    } else if (!on && e.state == State::Paused) {
      begin(e, host);
    }
  }
}

void ExperimentRunner::stop(const Host& host) {
  const auto now = Clock::now();
  for (Entry& e : entries_) {
    if (e.state == State::Training) {
      host.post(e.id, cmd::Play{false});
      e.seconds += std::chrono::duration<double>(now - e.since).count();
    }
    if (e.state == State::Training || e.state == State::Paused || e.state == State::Queued ||
        e.state == State::Preparing)
      e.state = State::Done;
  }
  paused_ = false;
}

void ExperimentRunner::clear(const Host& host) {
  for (Entry& e : entries_)
    if (e.id != 0) host.remove(e.id);
  entries_.clear();
}

void ExperimentRunner::release(RunId id) {
  for (Entry& e : entries_)
    if (e.id == id) {
      if (e.state == State::Training) e.seconds += std::chrono::duration<double>(Clock::now() - e.since).count();
      if (e.state != State::Failed) e.state = State::Done;
    }
}

bool ExperimentRunner::active() const {
  return std::any_of(entries_.begin(), entries_.end(), [](const Entry& e) {
    return e.state == State::Preparing || e.state == State::Queued || e.state == State::Training ||
           e.state == State::Paused;
  });
}

std::vector<RunResult> ExperimentRunner::results() const {
  std::vector<RunResult> rows;
  for (const Entry& e : entries_) {
    RunResult r;
    r.value = e.value;
    r.config = e.config;
    r.seconds = e.seconds;
    if (e.state == State::Training) r.seconds += std::chrono::duration<double>(Clock::now() - e.since).count();
    if (const Snapshot* s = e.last.get()) {
      r.params = s->param_count();
      r.steps = s->step;
      // The run's own measure needs half a second of training; a shorter run gets its mean.
      r.steps_per_s = s->steps_per_s > 0 ? s->steps_per_s : (r.seconds > 0 ? double(s->step) / r.seconds : 0);
      r.train = s->smooth_loss;
      r.val = s->val_loss;
      r.accuracy = s->val_top1;
      r.curve.assign(s->val.begin(), s->val.end());
    }
    r.done = e.state == State::Done && r.val > 0;
    if (e.state == State::Failed) r.error = e.last && e.last->failed ? e.last->message : "diverged";
    rows.push_back(std::move(r));
  }
  return rows;
}

}  // namespace ev
