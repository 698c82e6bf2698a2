// inspect.cpp: runs Trainer::step() and reads back what it did.
#include "core/train/inspect.h"

#include <algorithm>
#include <cmath>

#include "core/base/error.h"

namespace ev {

namespace {

// Loss of row r from the logits: log(sum exp(l - max)) + max - l_y.
float row_loss(const Mat<float>& logits, int r, int y) {
  const float mx = logits.row(r).maxCoeff();
  const double sum = (logits.row(r).array() - mx).exp().template cast<double>().sum();
  return float(std::log(sum) + double(mx) - double(logits(r, y)));
}

// Rows of a batch laid out as Examples lays them out: X (N, in), Y (N, out).
struct Rows {
  int in = 0, out = 1;
  std::vector<std::int32_t> X, Y;
  int size() const { return out ? int(Y.size()) / out : 0; }
  Batch batch() const {
    Batch b;
    b.B = size();
    b.in = in;
    b.out = out;
    b.X = X.data();
    b.Y = Y.data();
    return b;
  }
  void append(const Rows& o) {
    X.insert(X.end(), o.X.begin(), o.X.end());
    Y.insert(Y.end(), o.Y.begin(), o.Y.end());
  }
};

float loss_of(const Model<float>& m, Net& net, const Rows& rows) { return net.forward(m, rows.batch()); }

// Whether input position t of row r is looked up for a loss: every position
// of an MLP's context; a transformer's positions that have a target (padding
// after an item's end is computed, but no loss reaches it: causal attention).
bool trained(const Rows& rows, int r, int t) {
  return rows.out == 1 || rows.Y[std::size_t(r) * std::size_t(rows.out) + std::size_t(t)] >= 0;
}

// The MLP's examples: each context and its target, scored before the update.
void record_examples(const Rows& rows, const Net& a, InspectedStep& s) {
  const int B = rows.size(), k = rows.in;
  s.batch.resize(std::size_t(B));
  for (int b = 0; b < B; ++b) {
    const std::int32_t* ctx = rows.X.data() + std::size_t(b) * std::size_t(k);
    InspectedExample& e = s.batch[std::size_t(b)];
    e.context.assign(ctx, ctx + k);
    e.target = rows.Y[std::size_t(b)];
    e.prob = a.probs()(b, e.target);
    e.loss = row_loss(a.logits(), b, e.target);
  }
}

// A transformer's items: every position with a target, scored before the
// update; the forward computed Te positions per item (rows b * Te + t).
void record_items(const Rows& rows, const Net& a, InspectedStep& s) {
  const int B = rows.size(), T = rows.in;
  const int Te = B ? int(a.logits().rows()) / B : 0;
  s.positions = Te;
  s.items.resize(std::size_t(B));
  for (int b = 0; b < B; ++b) {
    const std::int32_t* x = rows.X.data() + std::size_t(b) * std::size_t(T);
    const std::int32_t* y = rows.Y.data() + std::size_t(b) * std::size_t(T);
    InspectedItem& it = s.items[std::size_t(b)];
    int n = 0;
    while (n < std::min(T, Te) && y[n] >= 0) ++n;
    it.tokens.assign(x, x + n);
    if (n > 0) it.tokens.push_back(y[n - 1]);
    double sum = 0;
    for (int t = 0; t < n; ++t) {
      const int r = b * Te + t;
      it.prob.push_back(a.probs()(r, y[t]));
      it.loss.push_back(row_loss(a.logits(), r, y[t]));
      sum += it.loss.back();
    }
    it.mean_loss = n ? float(sum / n) : 0.0f;
  }
}

// Marks the rows the batch looked up: tokens in table 0, positions in table 1.
void mark_lookups(const Rows& rows, std::vector<TableMoves>& tables) {
  for (int r = 0; r < rows.size(); ++r)
    for (int t = 0; t < rows.in; ++t) {
      if (!trained(rows, r, t)) continue;
      tables[0].in_batch[std::size_t(rows.X[std::size_t(r) * std::size_t(rows.in) + std::size_t(t)])] = true;
      if (tables.size() > 1) tables[1].in_batch[std::size_t(t)] = true;
    }
}

// Rows whose Adam first moment (the running average of their gradient) is
// not zero: they move at the next update whatever its gradient. None for SGD,
// which keeps no state.
std::vector<bool> with_momentum(const Trainer& t, const std::string& name) {
  const TensorInfo& info = t.model().table.at(name);
  std::vector<bool> out(std::size_t(info.rows), false);
  const std::vector<float>& state = t.optimizer_state();
  if (state.size() != 2 * t.model().params.size()) return out;
  const float* m = state.data() + info.offset;  // Adam's m, then v: m comes first
  for (int r = 0; r < info.rows; ++r)
    for (int j = 0; j < info.cols; ++j)
      if (m[std::size_t(r) * std::size_t(info.cols) + std::size_t(j)] != 0.0f) {
        out[std::size_t(r)] = true;
        break;
      }
  return out;
}

// The rest of a table's record, once its `before` and `in_batch` are set.
void finish_table(const Trainer& t, bool keep_grad, const std::vector<bool>& momentum, TableMoves& tm) {
  tm.after = t.model().p(tm.name);  // (R, d)
  tm.delta = tm.after - tm.before;  // (R, d)
  // The gradient buffer holds the last update's gradient (a diverged step leaves a
  // non-finite one behind, which is not an arrow anyone should see).
  // A frozen table did not follow its gradient, so it gets no arrows either.
  tm.grad = keep_grad && !tm.frozen ? Mat<float>(t.model().g(tm.name))
                                    : Mat<float>::Zero(tm.before.rows(), tm.before.cols());
  const int R = int(tm.before.rows());
  tm.movement.resize(std::size_t(R));
  tm.carried.assign(std::size_t(R), false);
  for (int r = 0; r < R; ++r) {
    tm.movement[std::size_t(r)] = float(tm.delta.row(r).cast<double>().norm());
    if (tm.in_batch[std::size_t(r)]) continue;
    if (momentum[std::size_t(r)]) tm.carried[std::size_t(r)] = true;
    else tm.unmoved.push_back(r);
  }
}

}  // namespace

StepInspection inspect_steps(Trainer& t, int n, double max_loss) {
  if (n < 1 || n > kMaxInspectSteps)
    throw Error("steps to inspect = " + std::to_string(n) + " is out of range; it must be between 1 and " +
                std::to_string(kMaxInspectSteps));
  StepInspection out;
  out.optimizer = t.config().optimizer;
  const Model<float> before = t.model();  // a copy: the loss before, on every batch
  std::vector<std::vector<bool>> momentum;
  for (const std::string& name : family(before.spec.family).embeddings(before.spec)) {
    TableMoves tm;
    tm.name = name;
    tm.before = before.p(name);  // (R, d)
    tm.in_batch.assign(std::size_t(tm.before.rows()), false);
    momentum.push_back(with_momentum(t, name));
    out.tables.push_back(std::move(tm));
  }
  const Examples& train = t.examples(Split::Train);

  Rows all;  // every row of every batch
  all.in = train.in;
  all.out = train.out;
  const std::unique_ptr<Net> scratch = family(before.spec.family).make_net(before.spec);
  for (int i = 0; i < n; ++i) {
    const std::int64_t step = t.step_count();
    const double lr = t.lr();
    const StepResult r = t.step();
    if (!r.finite) {
      out.diverged = true;
      break;
    }
    const bool exploded = !(r.loss <= max_loss);
    InspectedStep s;
    s.step = step;
    s.lr = lr;
    s.loss_before = r.loss;
    const Batch b = t.last_batch_ids();
    Rows rows;
    rows.in = b.in;
    rows.out = b.out;
    rows.X.assign(b.X, b.X + std::size_t(b.B) * std::size_t(b.in));
    rows.Y.assign(b.Y, b.Y + std::size_t(b.B) * std::size_t(b.out));
    // The net's forward ran before the update. A family with a position
    // table (a transformer) trains on whole items, the MLP on contexts.
    if (out.tables.size() < 2) record_examples(rows, t.net(), s);
    else record_items(rows, t.net(), s);
    mark_lookups(rows, out.tables);
    s.loss_after = loss_of(t.model(), *scratch, rows);
    all.append(rows);
    out.steps.push_back(std::move(s));
    if (exploded) {
      out.diverged = true;
      break;
    }
  }

  if (all.size() > 0) {
    out.loss_before = loss_of(before, *scratch, all);
    out.loss_after = loss_of(t.model(), *scratch, all);
  }
  const bool keep_grad = !out.steps.empty() && !out.diverged;
  if (out.steps.empty())  // no update was made: nothing moved, momentum or not
    for (std::vector<bool>& m : momentum) m.assign(m.size(), false);
  // The first table is the token table, the one freeze embeddings keeps fixed.
  if (!out.tables.empty()) out.tables.front().frozen = t.config().freeze_embeddings;
  for (std::size_t i = 0; i < out.tables.size(); ++i) finish_table(t, keep_grad, momentum[i], out.tables[i]);
  return out;
}

}  // namespace ev
