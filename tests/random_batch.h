// random_batch.h: a batch of random contexts and targets for the MLP's tests.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "core/models/model.h"

namespace testdata {

// `B` contexts of 3 ids and their targets over a vocabulary of V; the
// contexts' ids below `x_ids` where given (rows of C then repeat in a batch).
struct RandomBatch {
  std::vector<std::int32_t> X, Y;
  ev::Batch b;
  RandomBatch(int B, int V, unsigned seed, int x_ids = 0) : X(std::size_t(B) * 3), Y(static_cast<std::size_t>(B)) {
    std::mt19937 g(seed);
    for (auto& x : X) x = std::int32_t(g() % unsigned(x_ids > 0 ? x_ids : V));
    for (auto& y : Y) y = std::int32_t(g() % unsigned(V));
    b.B = B;
    b.in = 3;
    b.X = X.data();
    b.Y = Y.data();
  }
};

}  // namespace testdata
