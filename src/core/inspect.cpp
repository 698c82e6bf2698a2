// inspect.cpp: runs Trainer::step() and reads back what it did.
#include "inspect.h"

#include <algorithm>
#include <cmath>

#include "error.h"

namespace ev {

namespace {

// Loss of row b from the logits: log(sum exp(l - max)) + max - l_y.
float row_loss(const Mat<float>& logits, int b, int y) {
  const float mx = logits.row(b).maxCoeff();
  const double sum = (logits.row(b).array() - mx).exp().template cast<double>().sum();
  return float(std::log(sum) + double(mx) - double(logits(b, y)));
}

float loss_of(const Model<float>& m, Net& net, const std::vector<std::int32_t>& X, const std::vector<std::int32_t>& Y) {
  Batch b;
  b.B = int(Y.size());
  b.in = m.spec.block;
  b.X = X.data();
  b.Y = Y.data();
  return net.forward(m, b);
}

}  // namespace

StepInspection inspect_steps(Trainer& t, int n, double max_loss) {
  if (n < 1 || n > kMaxInspectSteps)
    throw Error("steps to inspect = " + std::to_string(n) + " is out of range; it must be between 1 and " +
                std::to_string(kMaxInspectSteps));
  StepInspection out;
  const Model<float> before = t.model();  // a copy: the loss before, on every batch
  const std::string table = family(before.spec.family).embeddings(before.spec).front();
  out.C_before = before.p(table);         // (V, d)
  const int V = before.spec.vocab, k = before.spec.block;
  if (t.examples(Split::Train).out != 1) throw Error("the step inspector shows models that predict one token per row");
  const Examples& train = t.examples(Split::Train);
  out.in_batch.assign(std::size_t(V), false);

  std::vector<std::int32_t> all_X, all_Y;  // every example of every batch: (N, block), (N)
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
    const std::vector<std::int32_t>& rows = t.last_batch();
    const Net& a = t.net();  // forward ran before the update
    const int B = int(rows.size());
    std::vector<std::int32_t> X(std::size_t(B) * std::size_t(k));  // (B, block)
    std::vector<std::int32_t> Y(std::size_t(B), 0);                // (B)
    s.batch.resize(std::size_t(B));
    for (int b = 0; b < B; ++b) {
      const std::int32_t* ctx = train.context(std::size_t(rows[std::size_t(b)]));
      std::copy_n(ctx, k, X.data() + std::size_t(b) * std::size_t(k));
      const int y = train.Y[std::size_t(rows[std::size_t(b)])];
      Y[std::size_t(b)] = y;
      InspectedExample& e = s.batch[std::size_t(b)];
      e.context.assign(ctx, ctx + k);
      e.target = y;
      e.prob = a.probs()(b, y);
      e.loss = row_loss(a.logits(), b, y);
      for (int j = 0; j < k; ++j) out.in_batch[std::size_t(ctx[j])] = true;
    }
    s.loss_after = loss_of(t.model(), *scratch, X, Y);
    all_X.insert(all_X.end(), X.begin(), X.end());
    all_Y.insert(all_Y.end(), Y.begin(), Y.end());
    out.steps.push_back(std::move(s));
    if (exploded) {
      out.diverged = true;
      break;
    }
  }

  const int N = int(all_Y.size());
  if (N > 0) {
    out.loss_before = loss_of(before, *scratch, all_X, all_Y);
    out.loss_after = loss_of(t.model(), *scratch, all_X, all_Y);
  }
  out.C_after = t.model().p(table);    // (V, d)
  out.delta = out.C_after - out.C_before;  // (V, d)
  // The gradient buffer holds the last update's gradient (a diverged step leaves a
  // non-finite one behind, which is not an arrow anyone should see; a frozen
  // table did not follow its gradient, so it gets no arrows either).
  out.grad_C = out.steps.empty() || out.diverged || t.config().freeze_embeddings
                   ? Mat<float>::Zero(V, out.C_before.cols())
                                                 : Mat<float>(t.model().g(table));
  out.movement.resize(std::size_t(V));
  for (int v = 0; v < V; ++v) {
    out.movement[std::size_t(v)] = float(out.delta.row(v).cast<double>().norm());
    if (!out.in_batch[std::size_t(v)]) out.unmoved.push_back(v);
  }
  return out;
}

}  // namespace ev
