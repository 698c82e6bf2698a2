// live_map.cpp: the graph thread and the layout thread of a LiveMap. They
// hand one prepared input over under the mutex: the graph thread prepares
// only while none waits, the layout thread adopts it and clears the flag, so
// the engine's prepared slot is never written and read at once.
#include "core/layout/live_map.h"

#include <chrono>
#include <utility>

#include "core/base/priority.h"

namespace ev {
namespace {

using Clock = std::chrono::steady_clock;

// The map is a view of training, not training: its threads yield the CPU to
// the trainer and the frame loop when all want it.
void lower_priority() { lower_map_thread(); }

}  // namespace

bool MapSettings::operator==(const MapSettings& o) const {
  return kind == o.kind && metric == o.metric && perplexity == o.perplexity && neighbours == o.neighbours &&
         seed == o.seed;
}

const char* map_name(MapKind k) { return k == MapKind::Tsne ? "t-SNE" : "UMAP"; }

LiveMap::LiveMap(const MapSettings& settings, std::unique_ptr<MapEngine> engine, double refresh_every)
    : settings_(settings), refresh_every_(refresh_every), engine_(engine ? std::move(engine) : make_map_engine(settings, 1)) {
  auto f = std::make_shared<MapFrame>();
  f->settings = settings_;
  f->stage = "waiting for the table";
  frame_ = std::move(f);
  graph_thread_ = std::thread([this] { graph_loop(); });
  layout_thread_ = std::thread([this] { layout_loop(); });
}

LiveMap::~LiveMap() {
  {
    std::lock_guard<std::mutex> lk(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  graph_thread_.join();
  layout_thread_.join();
}

void LiveMap::offer(std::shared_ptr<const Mat<float>> table, int rows, std::int64_t step, std::uint64_t source) {
  if (!table || rows <= 0 || rows > table->rows()) return;
  {
    std::lock_guard<std::mutex> lk(mu_);
    if (have_source_ && source != source_) return;
    have_source_ = true;
    source_ = source;
    if (offered_.table == table && offered_.rows == rows) return;
    offered_ = {std::move(table), rows, step, source};
  }
  cv_.notify_all();
}

std::shared_ptr<const MapFrame> LiveMap::latest() const {
  return std::atomic_load_explicit(&frame_, std::memory_order_acquire);
}

void LiveMap::graph_loop() {
  lower_priority();
  std::shared_ptr<const Mat<float>> done;  // the table the last input was made from
  Clock::time_point last_start{};
  for (;;) {
    Offer o;
    {
      std::unique_lock<std::mutex> lk(mu_);
      cv_.wait(lk, [&] { return stop_ || (offered_.table && offered_.table != done && !prepared_); });
      if (stop_) return;
      // While training, at most one graph every refresh_every_ seconds.
      const auto due = last_start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(refresh_every_));
      if (done && cv_.wait_until(lk, due, [&] { return stop_.load(); })) return;
      o = offered_;
      graph_stage_ = done ? "refreshing the neighbour graph" : "finding every row's nearest neighbours";
    }
    cv_.notify_all();  // an idle layout thread says so at once
    last_start = Clock::now();
    if (!engine_->prepare(o.table->topRows(o.rows), &stop_)) return;  // only a stop cancels
    done = o.table;
    {
      std::lock_guard<std::mutex> lk(mu_);
      prepared_ = true;
      prepared_step_ = o.step;
      graph_stage_.clear();
    }
    cv_.notify_all();
  }
}

void LiveMap::layout_loop() {
  lower_priority();
  bool adopted_any = false;
  auto last_publish = Clock::now();
  for (;;) {
    bool adopt = false;
    {
      std::unique_lock<std::mutex> lk(mu_);
      const auto running = [&] { return adopted_any && engine_->iteration() - adopted_at_ < engine_->settle_after(cold_); };
      // Idle: the frame says so (and what the graph thread does), until an input arrives.
      const auto stage_now = [&] {
        return adopted_any || !graph_stage_.empty() ? graph_stage_ : std::string("waiting for the table");
      };
      bool published = false;
      std::string said;
      while (!stop_ && !prepared_ && !running()) {
        if (!published || stage_now() != said) publish(stage_now(), adopted_any && graph_stage_.empty());
        published = true;
        said = stage_now();
        cv_.wait(lk, [&] { return stop_ || prepared_ || stage_now() != said; });  // the graph thread notifies
        last_publish = Clock::now();
      }
      if (stop_) return;
      adopt = prepared_;
    }
    if (adopt) {
      engine_->adopt();
      std::lock_guard<std::mutex> lk(mu_);
      cold_ = !adopted_any;
      adopted_any = true;
      adopted_step_ = prepared_step_;
      adopted_at_ = engine_->iteration();
      prepared_ = false;
    }
    if (adopt) cv_.notify_all();  // the graph thread may prepare the next
    engine_->run(1, &stop_);
    if (Clock::now() - last_publish >= std::chrono::duration<double>(kPublishEvery)) {
      std::lock_guard<std::mutex> lk(mu_);
      publish(graph_stage_, false);
      last_publish = Clock::now();
    }
  }
}

// Called with mu_ held.
void LiveMap::publish(const std::string& stage, bool settled) {
  auto f = std::make_shared<MapFrame>();
  f->settings = settings_;
  f->xy = engine_->positions();
  f->source = source_;
  f->table_step = adopted_step_;
  f->iterations = engine_->iteration();
  f->settled = settled;
  f->stage = stage;
  std::atomic_store_explicit(&frame_, std::shared_ptr<const MapFrame>(std::move(f)), std::memory_order_release);
}

}  // namespace ev
