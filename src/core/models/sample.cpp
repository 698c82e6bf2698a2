// sample.cpp: see sample.h.
#include "core/models/sample.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>

#include "core/data/vocab.h"

namespace ev {

std::vector<int> sample_item(const Model<float>& m, Rng& rng, double temperature, int max_len) {
  const Family& f = family(m.spec.family);
  const int V = m.spec.vocab;
  const std::unique_ptr<Net> net = f.make_net(m.spec);
  std::vector<std::int32_t> row(std::size_t(m.spec.block), Vocab::kBoundary);
  std::vector<int> out;
  std::vector<double> p(static_cast<std::size_t>(V));
  temperature = std::max(temperature, 1e-3);
  while (int(out.size()) < max_len) {
    Batch b;
    b.B = 1;
    b.in = int(row.size());
    b.X = row.data();
    const int pos = f.context_row(m.spec, out, row.data());
    net->forward(m, b);
    const auto logits = net->logits().row(pos);
    double mx = -1e300;
    for (int v = 0; v < V; ++v) mx = std::max(mx, double(logits(v)));
    double sum = 0;
    for (int v = 0; v < V; ++v) sum += p[std::size_t(v)] = std::exp((double(logits(v)) - mx) / temperature);
    double r = rng.uniform() * sum;
    int pick = V - 1;
    for (int v = 0; v < V; ++v) {
      r -= p[std::size_t(v)];
      if (r < 0) { pick = v; break; }
    }
    if (pick == Vocab::kBoundary) break;
    out.push_back(pick);
  }
  return out;
}

}  // namespace ev
