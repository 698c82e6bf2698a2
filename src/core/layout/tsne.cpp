// tsne.cpp: t-SNE (van der Maaten and Hinton 2008) accelerated as in van der
// Maaten (2014): sparse input affinities over each row's 3 × perplexity
// nearest neighbours, exact attractive forces over them, and repulsive forces
// (with the normalisation Z) from a Barnes-Hut quadtree.
//
// The quadtree is rebuilt every iteration in flat arrays reused from one to
// the next: the points sorted by their Morton codes, one node per distinct
// cell in depth-first order, each holding the index of the node after its
// subtree, so a walk is one loop with no stack. The points walk it in groups
// (Barnes 1990): up to kGroup neighbouring points of one cell together, a
// cell counting as one point only if it is seen at an angle below theta from
// the whole group's bounding box (never looser than from each point), and
// each interaction computed for the whole group at once, in SIMD lanes.
//
// Every point's forces are summed in an order fixed by the tree alone, and Z
// and the centring are summed over the points in id order, so a seed gives one
// answer whatever the number of threads.
#include "core/layout/tsne.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "core/base/parallel.h"
#include "core/base/rng.h"

namespace ev {

namespace {

constexpr int kLeaf = 32;           // most points in a quadtree leaf
constexpr int kGroup = 32;          // most points in a group: the SIMD lanes of its interactions
constexpr int kLanes = 16;          // partial sums per point of the attractive forces
constexpr double kInitStd = 1e-4;   // a cold start's N(0, 1e-4^2) per coordinate
constexpr double kMinSpread = kInitStd * 1.4142135623730951;  // the least rms distance from the centre (a cold start's)
constexpr int kCancelRows = 64;     // rows between looks at *cancel while fitting the Gaussians
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

bool cancelled(const std::atomic<bool>* cancel) { return cancel && cancel->load(std::memory_order_relaxed); }

// ---------------------------------------------------------------- quadtree

// A cell with at least one point. Its points are [begin, begin + count) in the
// Morton order; the nodes of its subtree follow it, up to `next`; a leaf's
// next is its own index + 1.
struct Node {
  float cx, cy;    // centre of mass
  float mass;      // points in the cell
  float width2;    // the cell's side, squared
  int begin, count;
  int next;
  int pad;        // to 32 bytes
};

// v's 32 bits spread to the even bits of the result.
std::uint64_t spread_bits(std::uint32_t v) {
  std::uint64_t x = v;
  x = (x | (x << 16)) & 0x0000FFFF0000FFFFull;
  x = (x | (x << 8)) & 0x00FF00FF00FF00FFull;
  x = (x | (x << 4)) & 0x0F0F0F0F0F0F0F0Full;
  x = (x | (x << 2)) & 0x3333333333333333ull;
  x = (x | (x << 1)) & 0x5555555555555555ull;
  return x;
}

// s in [0, 2^32) to a cell index; NaN and anything outside clamp. 32 bits
// per axis: an early-exaggeration layout packs thousands of points into
// 1e-6 of a map whose outliers span 0.1.
std::uint32_t quantise(double s) {
  if (!(s > 0)) return 0;
  if (!(s < 4294967295.0)) return 0xFFFFFFFFu;
  return std::uint32_t(s);
}

struct Quadtree {
  float side = 0;                               // the root cell's side
  std::vector<std::uint64_t> codes, tmp_codes;  // (m) Morton codes by rank
  std::vector<int> order, tmp_order;            // (m) rank -> point
  std::vector<float> sx, sy;                    // (m + kGroup) positions by rank, zero padded
  std::vector<double> psx, psy;                 // (m + 1) prefix sums of sx, sy
  std::vector<Node> nodes;                      // depth first
  std::vector<std::pair<int, int>> groups;      // (begin, count) in rank order: the walkers

  void build(const float* y, int m);            // y (m, 2)

 private:
  void sort_by_code(const float* y, int m);
  void add_node(int b, int e);
  void add_children(int b, int e, int depth);
};

// Codes from the bounding square, then a stable radix sort (8 passes of 8
// bits, skipping those where every code has the same digit), so equal codes
// keep their point order.
void Quadtree::sort_by_code(const float* y, int m) {
  float x0 = y[0], x1 = y[0], y0 = y[1], y1 = y[1];
  for (int i = 1; i < m; ++i) {
    x0 = std::min(x0, y[2 * i]), x1 = std::max(x1, y[2 * i]);
    y0 = std::min(y0, y[2 * i + 1]), y1 = std::max(y1, y[2 * i + 1]);
  }
  side = std::max(std::max(x1 - x0, y1 - y0) * 1.0001f, 1e-30f);
  const double scale = 4294967296.0 / side;
  codes.resize(std::size_t(m)), tmp_codes.resize(std::size_t(m));
  order.resize(std::size_t(m)), tmp_order.resize(std::size_t(m));
  int count[8][257] = {};
  for (int i = 0; i < m; ++i) {
    const std::uint64_t c = spread_bits(quantise((double(y[2 * i]) - x0) * scale)) |
                            (spread_bits(quantise((double(y[2 * i + 1]) - y0) * scale)) << 1);
    codes[std::size_t(i)] = c;
    order[std::size_t(i)] = i;
    for (int pass = 0; pass < 8; ++pass) ++count[pass][((c >> (8 * pass)) & 255u) + 1];
  }
  for (int pass = 0; pass < 8; ++pass) {
    int* at = count[pass];
    const int shift = 8 * pass;
    if (at[((codes[0] >> shift) & 255u) + 1] == m) continue;  // one bucket: nothing moves
    for (int b = 0; b < 256; ++b) at[b + 1] += at[b];
    for (int i = 0; i < m; ++i) {
      const int to = at[(codes[std::size_t(i)] >> shift) & 255u]++;
      tmp_codes[std::size_t(to)] = codes[std::size_t(i)];
      tmp_order[std::size_t(to)] = order[std::size_t(i)];
    }
    codes.swap(tmp_codes);
    order.swap(tmp_order);
  }
}

// The node of the points [b, e) (all in one cell), then its subtree. The cell
// is the smallest one holding them: the depth is the length of the codes'
// common prefix of 2-bit digits.
void Quadtree::add_node(int b, int e) {
  const int k = int(nodes.size());
  const std::uint64_t diff = codes[std::size_t(b)] ^ codes[std::size_t(e) - 1];
  const int depth = diff ? __builtin_clzll(diff) / 2 : 32;
  const float width = std::ldexp(side, -depth);
  const int count = e - b;
  Node node;
  node.cx = float((psx[std::size_t(e)] - psx[std::size_t(b)]) / count);
  node.cy = float((psy[std::size_t(e)] - psy[std::size_t(b)]) / count);
  node.mass = float(count);
  node.width2 = width * width;
  node.begin = b, node.count = count, node.next = k + 1, node.pad = 0;
  nodes.push_back(node);
  if (count <= kLeaf) return;
  add_children(b, e, depth);
  nodes[std::size_t(k)].next = int(nodes.size());
}

// The children of a cell holding [b, e) (more than a leaf's worth), in
// order; children small enough to be walkers are packed, neighbour with
// neighbour, into groups of up to kGroup points.
void Quadtree::add_children(int b, int e, int depth) {
  int pending_b = b, pending_n = 0;
  const auto child = [&](int cb, int ce) {
    add_node(cb, ce);
    if (e - b <= kGroup) return;  // the parent itself is (within) a group
    const int n = ce - cb;
    if (pending_n > 0 && (n > kGroup || pending_n + n > kGroup)) groups.emplace_back(pending_b, pending_n), pending_n = 0;
    if (n > kGroup) return;
    if (pending_n == 0) pending_b = cb;
    pending_n += n;
  };
  if (depth == 32) {
    // More than a leaf's worth of points at one position: leaves of kLeaf.
    for (int c = b; c < e; c += kLeaf) child(c, std::min(e, c + kLeaf));
  } else {
    const int shift = 62 - 2 * depth;  // the first digit where the codes differ
    const std::uint64_t* first = codes.data();
    int c = b;
    for (std::uint64_t q = 0; q < 4 && c < e; ++q) {
      const int end = int(std::partition_point(first + c, first + e,
                                               [&](std::uint64_t v) { return ((v >> shift) & 3u) <= q; }) - first);
      if (end > c) child(c, end);
      c = end;
    }
  }
  if (pending_n > 0) groups.emplace_back(pending_b, pending_n);
}

void Quadtree::build(const float* y, int m) {
  sort_by_code(y, m);
  sx.assign(std::size_t(m) + kGroup, 0.0f);
  sy.assign(std::size_t(m) + kGroup, 0.0f);
  psx.resize(std::size_t(m) + 1), psy.resize(std::size_t(m) + 1);
  psx[0] = psy[0] = 0;
  for (int r = 0; r < m; ++r) {
    const int i = order[std::size_t(r)];
    sx[std::size_t(r)] = y[2 * i], sy[std::size_t(r)] = y[2 * i + 1];
    psx[std::size_t(r) + 1] = psx[std::size_t(r)] + sx[std::size_t(r)];
    psy[std::size_t(r) + 1] = psy[std::size_t(r)] + sy[std::size_t(r)];
  }
  nodes.clear();
  groups.clear();
  nodes.reserve(2 * std::size_t(m) + 1);  // fewer nodes than that: every inner node has 2+ children
  add_node(0, m);
  if (m <= kGroup) groups.emplace_back(0, m);
}

// ------------------------------------------------------ repulsive forces

// The unnormalised repulsion of one group of points, lane by lane:
// z += sum_j w_ij and f += sum_j w_ij^2 (y_i - y_j), w_ij = 1 / (1 + |y_i - y_j|^2).
struct GroupSums {
  alignas(64) float px[kGroup], py[kGroup];
  alignas(64) float fx[kGroup] = {}, fy[kGroup] = {}, z[kGroup] = {};

  // `mass` points at (cx, cy), for every lane.
  void add(float cx, float cy, float mass) {
    for (int a = 0; a < kGroup; ++a) {
      const float dx = px[a] - cx, dy = py[a] - cy;
      const float w = 1.0f / (1.0f + dx * dx + dy * dy);
      const float mw = mass * w;
      z[a] += mw;
      fx[a] += mw * w * dx;
      fy[a] += mw * w * dy;
    }
  }
  // Point `self` of the group itself at (cx, cy): every lane but its own.
  void add_member(float cx, float cy, int self) {
    for (int a = 0; a < kGroup; ++a) {
      const float dx = px[a] - cx, dy = py[a] - cy;
      const float w = a == self ? 0.0f : 1.0f / (1.0f + dx * dx + dy * dy);
      z[a] += w;
      fx[a] += w * w * dx;
      fy[a] += w * w * dy;
    }
  }
};

// Walks the tree for the points [gb, gb + gn) (by rank); writes their sums to
// fx, fy, z (by point id). A cell whose centre of mass is farther than
// width / theta from the group's bounding box (and that holds none of the
// group) counts as one point; a leaf that is not is taken point by point.
void repel_group(const Quadtree& t, int gb, int gn, float theta2, float* fx, float* fy, float* z) {
  GroupSums s;
  float x0 = t.sx[std::size_t(gb)], x1 = x0, y0 = t.sy[std::size_t(gb)], y1 = y0;
  for (int a = 0; a < kGroup; ++a) {
    s.px[a] = t.sx[std::size_t(gb + a)], s.py[a] = t.sy[std::size_t(gb + a)];
    if (a < gn) x0 = std::min(x0, s.px[a]), x1 = std::max(x1, s.px[a]), y0 = std::min(y0, s.py[a]), y1 = std::max(y1, s.py[a]);
  }
  const float bx = 0.5f * (x0 + x1), by = 0.5f * (y0 + y1), hx = 0.5f * (x1 - x0), hy = 0.5f * (y1 - y0);
  const Node* nodes = t.nodes.data();
  const int nn = int(t.nodes.size()), ge = gb + gn;
  for (int k = 0; k < nn;) {
    const Node& c = nodes[k];
    const float ax = std::max(std::abs(c.cx - bx) - hx, 0.0f), ay = std::max(std::abs(c.cy - by) - hy, 0.0f);
    const int end = c.begin + c.count;
    const bool overlaps = c.begin < ge && gb < end;
    if (c.width2 < theta2 * (ax * ax + ay * ay) && !overlaps) {
      s.add(c.cx, c.cy, c.mass);
      k = c.next;
      continue;
    }
    if (c.next == k + 1) {  // a leaf, too near: its points one by one
      if (overlaps)
        for (int j = c.begin; j < end; ++j) s.add_member(t.sx[std::size_t(j)], t.sy[std::size_t(j)], j - gb);
      else
        for (int j = c.begin; j < end; ++j) s.add(t.sx[std::size_t(j)], t.sy[std::size_t(j)], 1.0f);
    }
    ++k;
  }
  for (int a = 0; a < gn; ++a) {
    const int i = t.order[std::size_t(gb + a)];
    fx[i] = s.fx[a], fy[i] = s.fy[a], z[i] = s.z[a];
  }
}

// ------------------------------------------------------------ affinities

// Sparse symmetric P over the finite rows, in CSR form.
struct Affinities {
  std::vector<std::size_t> start;  // (m + 1)
  std::vector<int> cols;           // (nnz) sorted within a row
  std::vector<float> vals;         // (nnz) sums to 1
};

// One row's p_{j|i}, by finite-row index: neighbours (m, k) and values.
struct Conditionals {
  int k = 0;
  std::vector<int> cols;    // (m, k), -1 past a row's last neighbour
  std::vector<float> vals;  // (m, k)
};

}  // namespace

double gaussian_conditionals(const float* distances, int k, double perplexity, float* p) {
  if (k <= 0) return 0;
  // Squared distances less the nearest's: the same p, no underflow.
  const float nearest = *std::min_element(distances, distances + k);
  const double d0 = double(nearest) * nearest;
  const auto D = [&](int j) { return double(distances[j]) * distances[j] - d0; };
  double mean = 0;
  for (int j = 0; j < k; ++j) mean += D(j);
  mean /= k;
  const double target = std::log(std::max(perplexity, 1e-12));
  double beta = 0, lo = 0, hi = std::numeric_limits<double>::infinity();
  if (target < std::log(double(k)) && mean > 0) {
    beta = 1 / mean;
    for (int it = 0; it < 200; ++it) {
      double sum = 0, dot = 0;
      for (int j = 0; j < k; ++j) {
        const double e = std::exp(-beta * D(j));
        sum += e, dot += e * D(j);
      }
      const double H = std::log(sum) + beta * dot / sum;  // entropy of the normalised row
      if (std::abs(H - target) < 1e-5) break;
      if (H > target)
        lo = beta, beta = std::isinf(hi) ? beta * 2 : 0.5 * (lo + hi);
      else
        hi = beta, beta = 0.5 * (lo + hi);
    }
  }
  double sum = 0;
  for (int j = 0; j < k; ++j) sum += std::exp(-beta * D(j));
  for (int j = 0; j < k; ++j) p[j] = float(std::exp(-beta * D(j)) / sum);
  return beta;
}

namespace {

// p_{j|i} of every finite row (by finite index: `compact` maps row -> index,
// -1 if not finite), rows split among threads. False if *cancel.
bool fit_conditionals(const KnnGraph& g, const std::vector<int>& compact, const std::vector<int>& rows,
                      double perplexity, int threads, const std::atomic<bool>* cancel, Conditionals* out) {
  const int m = int(rows.size()), k = g.k;
  out->k = k;
  out->cols.assign(std::size_t(m) * std::size_t(k), -1);
  out->vals.assign(std::size_t(m) * std::size_t(k), 0.0f);
  parallel_ranges(m, threads, kCancelRows, [&](int b, int e) {
    std::vector<float> d(static_cast<std::size_t>(k));
    for (int a = b; a < e; ++a) {
      if ((a - b) % kCancelRows == 0 && cancelled(cancel)) return;
      const int i = rows[std::size_t(a)];
      int kk = 0;
      for (int j = 0; j < k; ++j) {
        const int id = g.id(i, j);
        if (id < 0 || compact[std::size_t(id)] < 0) continue;
        out->cols[std::size_t(a) * std::size_t(k) + std::size_t(kk)] = compact[std::size_t(id)];
        d[std::size_t(kk++)] = g.distance(i, j);
      }
      gaussian_conditionals(d.data(), kk, perplexity, &out->vals[std::size_t(a) * std::size_t(k)]);
    }
  });
  return !cancelled(cancel);
}

// p_ij = (p_{j|i} + p_{i|j}) / (2m) over the union of both directions' pairs.
Affinities symmetrise(const Conditionals& c, int m) {
  const std::size_t k = std::size_t(c.k);
  std::vector<std::size_t> count(std::size_t(m) + 1, 0);
  for (int a = 0; a < m; ++a)
    for (std::size_t j = 0; j < k; ++j) {
      const int b = c.cols[std::size_t(a) * k + j];
      if (b < 0) continue;
      ++count[std::size_t(a) + 1], ++count[std::size_t(b) + 1];
    }
  for (int a = 0; a < m; ++a) count[std::size_t(a) + 1] += count[std::size_t(a)];
  std::vector<std::pair<int, double>> both(count[std::size_t(m)]);  // (col, p) by row, both directions
  std::vector<std::size_t> at(count.begin(), count.end() - 1);
  for (int a = 0; a < m; ++a)
    for (std::size_t j = 0; j < k; ++j) {
      const int b = c.cols[std::size_t(a) * k + j];
      if (b < 0) continue;
      const double p = c.vals[std::size_t(a) * k + j];
      both[at[std::size_t(a)]++] = {b, p};
      both[at[std::size_t(b)]++] = {a, p};
    }
  Affinities P;
  P.start.assign(std::size_t(m) + 1, 0);
  P.cols.reserve(both.size()), P.vals.reserve(both.size());
  const double norm = 1.0 / (2.0 * m);
  for (int a = 0; a < m; ++a) {
    auto b = both.begin() + std::ptrdiff_t(count[std::size_t(a)]), e = both.begin() + std::ptrdiff_t(count[std::size_t(a) + 1]);
    std::sort(b, e, [](const auto& u, const auto& v) { return u.first < v.first; });
    for (auto it = b; it != e;) {
      double p = it->second;  // a pair found from both ends appears twice
      const int col = it->first;
      for (++it; it != e && it->first == col; ++it) p += it->second;
      P.cols.push_back(col);
      P.vals.push_back(float(p * norm));
    }
    P.start[std::size_t(a) + 1] = P.cols.size();
  }
  return P;
}

// The attraction of point i: sum_j p_ij w_ij (y_i - y_j), in kLanes partial
// sums added in a fixed order.
void attract(const Affinities& P, const float* y, int i, float* ax, float* ay) {
  const float xi = y[2 * i], yi = y[2 * i + 1];
  float sx[kLanes] = {}, sy[kLanes] = {};
  std::size_t e = P.start[std::size_t(i)];
  const std::size_t end = P.start[std::size_t(i) + 1];
  for (; e + kLanes <= end; e += kLanes) {
    const int* col = &P.cols[e];
    const float* p = &P.vals[e];
    for (int l = 0; l < kLanes; ++l) {
      const float dx = xi - y[2 * col[l]], dy = yi - y[2 * col[l] + 1];
      const float pw = p[l] / (1.0f + dx * dx + dy * dy);
      sx[l] += pw * dx, sy[l] += pw * dy;
    }
  }
  for (int l = 0; e < end; ++e, ++l) {
    const int j = P.cols[e];
    const float dx = xi - y[2 * j], dy = yi - y[2 * j + 1];
    const float pw = P.vals[e] / (1.0f + dx * dx + dy * dy);
    sx[l] += pw * dx, sy[l] += pw * dy;
  }
  float fx = 0, fy = 0;
  for (int l = 0; l < kLanes; ++l) fx += sx[l], fy += sy[l];
  *ax = fx, *ay = fy;
}

// Scratch of one gradient: the tree and every point's force terms.
struct Workspace {
  Quadtree tree;
  std::vector<float> rep_x, rep_y, rep_z;  // (m) sum_j w_ij^2 (y_i - y_j) and sum_j w_ij
  std::vector<float> att_x, att_y;         // (m) sum_j p_ij w_ij (y_i - y_j)
};

// The repulsion of every point (y (m, 2)) and, unless P is null, its
// attraction, on `threads`; returns Z = sum_{i != j} w_ij.
double forces(const Affinities* P, const float* y, int m, float theta, int threads, Workspace* ws) {
  ws->rep_x.resize(std::size_t(m)), ws->rep_y.resize(std::size_t(m)), ws->rep_z.resize(std::size_t(m));
  ws->att_x.resize(std::size_t(m)), ws->att_y.resize(std::size_t(m));
  Quadtree& tree = ws->tree;
  tree.build(y, m);
  const float theta2 = theta * theta;
  const int groups = int(tree.groups.size());
  // One parallel region per iteration: each part takes a share of the groups
  // and the same share of the points' attractions.
  parallel_ranges(groups, threads, 1, [&](int b, int e) {
    for (int g = b; g < e; ++g)
      repel_group(tree, tree.groups[std::size_t(g)].first, tree.groups[std::size_t(g)].second, theta2,
                  ws->rep_x.data(), ws->rep_y.data(), ws->rep_z.data());
    if (!P) return;
    const int first = int(std::int64_t(b) * m / groups), last = int(std::int64_t(e) * m / groups);
    for (int i = first; i < last; ++i) attract(*P, y, i, &ws->att_x[std::size_t(i)], &ws->att_y[std::size_t(i)]);
  });
  double Z = 0;
  for (int i = 0; i < m; ++i) Z += ws->rep_z[std::size_t(i)];
  return Z;
}

}  // namespace

// ------------------------------------------------------------------ Tsne

struct Tsne::Impl {
  int n = 0;                     // rows of the table, finite or not
  std::vector<int> rows;         // (m) finite row -> row of X
  Affinities P;                  // (m, m)
  std::vector<float> y;          // (m, 2)
  std::vector<float> velocity;   // (m, 2)
  std::vector<float> gains;      // (m, 2)
  double learning_rate = 0;
  Workspace ws;

  int m() const { return int(rows.size()); }
  void step(const TsneOptions& o, bool exaggerating);
  void keep_spread();
};

// One step of the descent: the gradient of van der Maaten and Hinton (2008),
// 4 sum_j (alpha p_ij - q_ij) w_ij (y_i - y_j), split as in van der Maaten
// (2014) into the attraction over P and the repulsion over Z; then momentum
// and per-coordinate gains (Jacobs 1988, as the 2008 paper does); then
// re-centring: the approximate forces do not quite cancel, so a long-running
// map would drift.
void Tsne::Impl::step(const TsneOptions& o, bool exaggerating) {
  const int count = m();
  const double Z = forces(&P, y.data(), count, float(o.theta), o.threads, &ws);
  const float alpha = exaggerating ? float(o.exaggeration) : 1.0f;
  const float inv_z = Z > 0 ? float(1.0 / Z) : 0.0f;
  const float momentum = exaggerating ? 0.5f : 0.8f, lr = float(learning_rate);
  for (int i = 0; i < count; ++i) {
    const float grad[2] = {4 * (alpha * ws.att_x[std::size_t(i)] - ws.rep_x[std::size_t(i)] * inv_z),
                           4 * (alpha * ws.att_y[std::size_t(i)] - ws.rep_y[std::size_t(i)] * inv_z)};
    for (int c = 0; c < 2; ++c) {
      const std::size_t at = 2 * std::size_t(i) + std::size_t(c);
      float& v = velocity[at];
      float& gain = gains[at];
      gain = (v * grad[c] < 0) ? gain + 0.2f : gain * 0.8f;  // still heading downhill: bolder
      gain = std::max(gain, 0.01f);
      v = momentum * v - lr * gain * grad[c];
      y[at] += v;
    }
  }
  double mx = 0, my = 0;
  for (int i = 0; i < count; ++i) mx += y[2 * std::size_t(i)], my += y[2 * std::size_t(i) + 1];
  const float cx = float(mx / count), cy = float(my / count);
  for (int i = 0; i < count; ++i) y[2 * std::size_t(i)] -= cx, y[2 * std::size_t(i) + 1] -= cy;
  keep_spread();
}

// A table without structure (a model's untrained start) has neighbours that
// are as good as random: while all distances are far below 1 the forces are
// linear in the layout's size, the exaggerated attraction outweighs the
// repulsion at every size, and the layout would shrink without end (to 1e-23
// in 150 steps, from which it cannot grow back). Its size is held at the
// cold start's instead: a blob that a newer table's neighbours can shape.
void Tsne::Impl::keep_spread() {
  const int count = m();
  double s2 = 0;
  for (float v : y) s2 += double(v) * double(v);
  const double rms = std::sqrt(s2 / std::max(1, count));
  if (!(rms > 0) || rms >= kMinSpread) return;
  const float up = float(kMinSpread / rms);
  for (float& v : y) v *= up;
  for (float& v : velocity) v *= up;
}

Tsne::Tsne(const TsneOptions& o) : opt_(o) {}
Tsne::Tsne(const Tsne& o)
    : opt_(o.opt_), n_(o.n_), iteration_(o.iteration_), y_(o.y_),
      impl_(o.impl_ ? std::make_unique<Impl>(*o.impl_) : nullptr),
      prepared_(o.prepared_ ? std::make_unique<Impl>(*o.prepared_) : nullptr) {}
Tsne& Tsne::operator=(const Tsne& o) {
  if (this != &o) *this = Tsne(o);
  return *this;
}
Tsne::Tsne(Tsne&& o) noexcept = default;
Tsne& Tsne::operator=(Tsne&& o) noexcept = default;
Tsne::~Tsne() = default;

bool Tsne::set_table(const Mat<float>& X, const std::atomic<bool>* cancel) {
  if (!prepare(X, cancel)) return false;
  adopt();
  return true;
}

bool Tsne::prepare(const Mat<float>& X, const std::atomic<bool>* cancel) {
  const int n = int(X.rows());
  auto next = std::make_unique<Impl>();
  next->n = n;
  std::vector<int> compact(std::size_t(n), -1);  // row -> finite index
  for (int i = 0; i < n; ++i)
    if (X.row(i).allFinite()) compact[std::size_t(i)] = next->m(), next->rows.push_back(i);
  const int m = next->m();
  next->P.start.assign(std::size_t(m) + 1, 0);
  if (m >= 2) {
    const int k = std::max(1, std::min(n - 1, int(std::floor(3 * opt_.perplexity))));
    KnnGraph g;
    if (!exact_neighbours(X, k, opt_.metric, &g, opt_.threads, cancel)) return false;
    Conditionals c;
    if (!fit_conditionals(g, compact, next->rows, opt_.perplexity, opt_.threads, cancel, &c)) return false;
    next->P = symmetrise(c, m);
  }
  if (cancelled(cancel)) return false;
  prepared_ = std::move(next);
  return true;
}

namespace {

// A row that has just become finite: the mean of its neighbours' current
// positions (y_old by row, NaN where none) weighted by p_ij, else the origin.
void place_new_row(const Affinities& P, const std::vector<int>& rows, int a, const std::vector<float>& y_old,
                   float* out) {
  double sx = 0, sy = 0, sw = 0;
  for (std::size_t e = P.start[std::size_t(a)]; e < P.start[std::size_t(a) + 1]; ++e) {
    const std::size_t j = std::size_t(rows[std::size_t(P.cols[e])]);
    if (!std::isfinite(y_old[2 * j])) continue;
    sx += P.vals[e] * y_old[2 * j], sy += P.vals[e] * y_old[2 * j + 1], sw += P.vals[e];
  }
  out[0] = sw > 0 ? float(sx / sw) : 0.0f;
  out[1] = sw > 0 ? float(sy / sw) : 0.0f;
}

}  // namespace

void Tsne::adopt() {
  if (!prepared_) return;
  std::unique_ptr<Impl> next = std::move(prepared_);
  const int n = next->n, m = next->m();
  next->y.resize(2 * std::size_t(m));
  Rng rng(opt_.seed);
  if (impl_ && n == n_ && impl_->m() > 0) {  // warm: every row keeps its place
    for (int a = 0; a < m; ++a) {
      const std::size_t i = std::size_t(next->rows[std::size_t(a)]);
      float* to = &next->y[2 * std::size_t(a)];
      if (std::isfinite(y_[2 * i])) {
        to[0] = y_[2 * i], to[1] = y_[2 * i + 1];
        continue;
      }
      place_new_row(next->P, next->rows, a, y_, to);
      // Two new rows with the same neighbours would otherwise share a place
      // and, pulled alike and never pushed apart, keep it.
      to[0] += float(kInitStd * rng.normal()), to[1] += float(kInitStd * rng.normal());
    }
  } else {
    for (float& v : next->y) v = float(kInitStd * rng.normal());
    iteration_ = 0;
  }
  next->velocity.assign(2 * std::size_t(m), 0.0f);
  next->gains.assign(2 * std::size_t(m), 1.0f);
  // Belkina et al. (2019): a step in proportion to n keeps large maps from
  // stalling; the 4 is the factor this gradient carries and theirs does not.
  next->learning_rate = opt_.learning_rate > 0 ? opt_.learning_rate
                                               : std::max(m / std::max(opt_.exaggeration, 1.0) / 4, 50.0);
  impl_ = std::move(next);
  n_ = n;
  y_.assign(2 * std::size_t(n), kNaN);
  for (int a = 0; a < m; ++a) {
    const std::size_t i = std::size_t(impl_->rows[std::size_t(a)]);
    y_[2 * i] = impl_->y[2 * std::size_t(a)], y_[2 * i + 1] = impl_->y[2 * std::size_t(a) + 1];
  }
}

void Tsne::run(int iterations, const std::atomic<bool>* cancel) {
  if (!impl_) return;
  Impl& s = *impl_;
  for (int it = 0; it < iterations && !cancelled(cancel); ++it) {
    if (s.m() >= 2) s.step(opt_, iteration_ < opt_.exaggeration_iters);
    ++iteration_;
  }
  for (int a = 0; a < s.m(); ++a) {
    const std::size_t i = std::size_t(s.rows[std::size_t(a)]);
    y_[2 * i] = s.y[2 * std::size_t(a)], y_[2 * i + 1] = s.y[2 * std::size_t(a) + 1];
  }
}

// KL(P || Q) = sum p_ij ln(p_ij / q_ij) with q_ij = w_ij / Z.
double Tsne::kl_divergence() const {
  if (!impl_ || impl_->m() < 2) return 0;
  const Impl& s = *impl_;
  Workspace ws;
  const double Z = forces(nullptr, s.y.data(), s.m(), float(opt_.theta), opt_.threads, &ws);
  double kl = 0;
  for (int i = 0; i < s.m(); ++i)
    for (std::size_t e = s.P.start[std::size_t(i)]; e < s.P.start[std::size_t(i) + 1]; ++e) {
      const double p = s.P.vals[e];
      if (p <= 0) continue;
      const int j = s.P.cols[e];
      const double dx = double(s.y[2 * std::size_t(i)]) - s.y[2 * std::size_t(j)];
      const double dy = double(s.y[2 * std::size_t(i) + 1]) - s.y[2 * std::size_t(j) + 1];
      kl += p * std::log(p * Z * (1 + dx * dx + dy * dy));
    }
  return kl;
}

}  // namespace ev
