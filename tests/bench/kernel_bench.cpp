// kernel_bench: the word step's three products and its softmax at the paper's
// sizes (batch 32, hidden 100, vocabulary 17,000), each timed alone, one
// thread, in GFLOP/s and as a share of one core's FMA peak (pass the peak
// that tests/bench/peak measured; kernel_speed.sh does). Where the build found
// them, the same products through Debian's BLIS (its typed API, general
// strides, one thread) and libxsmm (JIT kernels for strips of the long
// dimension, as libxsmm is meant to be used on small products), as
// alternatives to ours. Benchmarks only: neither library is a dependency of
// the programs.
//
//   logits = h W2            (32, 17000) = (32, 100)(100, 17000)   nn
//   dh     = dlogits W2^T    (32, 100) = (32, 17000)(17000, 100)   nt
//   W2    += a h^T dlogits   (100, 17000) += (100, 32)(32, 17000)  tn
//
// Prints one line per product and library: the median of the repeats, its
// range, and a checksum against ours (the largest relative difference).
// Usage: kernel_bench [peak-gflops] [repeats] [B H V]
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "core/base/kernels.h"

#if defined(EMBEDVIZ_HAVE_BLIS)
#include <blis.h>
#endif
#if defined(EMBEDVIZ_HAVE_LIBXSMM)
#include <libxsmm.h>
#endif

namespace {

using clock_type = std::chrono::steady_clock;

struct Timing {
  double median = 0, lo = 0, hi = 0;  // seconds per call
};

// Repeats of enough calls to last about 50 ms each; median and range per call.
Timing time_it(int repeats, const std::function<void()>& f) {
  f();  // warm the caches and any JIT
  int calls = 1;
  for (;;) {
    const auto t0 = clock_type::now();
    for (int i = 0; i < calls; ++i) f();
    if (std::chrono::duration<double>(clock_type::now() - t0).count() > 0.05) break;
    calls *= 2;
  }
  std::vector<double> per;
  for (int r = 0; r < repeats; ++r) {
    const auto t0 = clock_type::now();
    for (int i = 0; i < calls; ++i) f();
    per.push_back(std::chrono::duration<double>(clock_type::now() - t0).count() / calls);
  }
  std::sort(per.begin(), per.end());
  return {per[per.size() / 2], per.front(), per.back()};
}

double max_rel_diff(const std::vector<float>& a, const std::vector<float>& b) {
  double scale = 0, d = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    scale = std::max(scale, double(std::fabs(a[i])));
    d = std::max(d, double(std::fabs(a[i] - b[i])));
  }
  return scale > 0 ? d / scale : d;
}

void report(const char* what, const char* who, double flop, double peak, const Timing& t, double diff) {
  const double g = flop / t.median / 1e9;
  std::printf("%-8s %-8s %9.1f us (%.1f-%.1f)  %6.1f GFLOP/s", what, who, t.median * 1e6, t.lo * 1e6, t.hi * 1e6, g);
  if (peak > 0) std::printf("  %5.1f%% of peak", 100 * g / peak);
  if (diff >= 0) std::printf("  max rel diff %.1e", diff);
  std::printf("\n");
}

}  // namespace

int main(int argc, char** argv) {
  const double peak = argc > 1 ? std::atof(argv[1]) : 0;
  const int repeats = argc > 2 ? std::atoi(argv[2]) : 7;
  const int B = argc > 5 ? std::atoi(argv[3]) : 32, H = argc > 5 ? std::atoi(argv[4]) : 100,
            V = argc > 5 ? std::atoi(argv[5]) : 17000;
  std::mt19937 rng(7);
  std::normal_distribution<float> normal;
  auto filled = [&](std::size_t n, float s) {
    std::vector<float> v(n);
    for (float& x : v) x = s * normal(rng);
    return v;
  };
  std::vector<float> h = filled(std::size_t(B) * H, 1), W2 = filled(std::size_t(H) * V, 0.1f),
                     D = filled(std::size_t(B) * V, 0.01f);
  std::vector<float> logits(std::size_t(B) * V), probs(std::size_t(B) * V), dh(std::size_t(B) * H);
  std::vector<float> maxes(B), sums(B);
  const double flop = 2.0 * B * H * V;
  std::printf("kernel_bench: B %d, H %d, V %d; %.1f MFLOP a product; vectors of %d floats\n", B, H, V, flop / 1e6,
              ev::kernels::vector_width());

  namespace k = ev::kernels;
  // The update runs on a copy of W2 that it keeps moving by tiny steps.
  std::vector<float> W2u = W2;
  const float step = 1e-7f;
  std::vector<float> ref_nn, ref_nt;

  report("nn", "embedviz", flop, peak,
         time_it(repeats, [&] { k::gemm_nn(B, V, H, h.data(), H, W2.data(), V, logits.data(), V, false); }), -1);
  ref_nn = logits;
  report("nt", "embedviz", flop, peak,
         time_it(repeats, [&] { k::gemm_nt(B, V, H, D.data(), V, W2.data(), V, dh.data(), H, false); }), -1);
  ref_nt = dh;
  report("tn", "embedviz", flop, peak,
         time_it(repeats, [&] { k::gemm_tn(B, V, H, step, h.data(), H, D.data(), V, W2u.data(), V, true); }), -1);
  const Timing soft = time_it(repeats, [&] {
    k::softmax_rows(B, V, ref_nn.data(), V, probs.data(), V, maxes.data(), sums.data());
  });
  std::printf("%-8s %-8s %9.1f us (%.1f-%.1f)  %6.1f ns a row of %d  (the time of %.2f products at this rate)\n",
              "softmax", "embedviz", soft.median * 1e6, soft.lo * 1e6, soft.hi * 1e6, soft.median * 1e9 / B, V,
              soft.median / (flop / (peak > 0 ? peak : 100) / 1e9));
  // SGD's step takes nt and tn in one pass over W2 (k::gemm_nt_update), so
  // the step's products and softmax are nn, that pass and the softmax.
  std::vector<float> partials(std::size_t(k::chunks(V)) * std::size_t(H) * std::size_t(k::packed_width(B)));
  const Timing fused = time_it(repeats, [&] {
    k::gemm_nt_update(B, 0, V, H, D.data(), V, W2u.data(), V, h.data(), H, step, partials.data());
    k::sum_chunks(B, V, H, partials.data(), dh.data(), H);
  });
  report("nt+tn", "embedviz", 2 * flop, peak, fused, -1);
  const Timing forward =
      time_it(repeats, [&] { k::gemm_nn(B, V, H, h.data(), H, W2.data(), V, logits.data(), V, false); });
  const Timing step_parts{forward.median + fused.median + soft.median, forward.lo + fused.lo + soft.lo,
                          forward.hi + fused.hi + soft.hi};
  report("step", "embedviz", 3 * flop, peak, step_parts, -1);
  std::printf("(step: nn, nt+tn and the softmax, the products and softmax of one SGD step, medians added)\n");

#if defined(EMBEDVIZ_HAVE_BLIS)
  {
    bli_thread_set_num_threads(1);
    float one = 1, zero = 0, a = step;
    std::printf("BLIS %s, %s kernels\n", bli_info_get_version_str(), bli_arch_string(bli_arch_query_id()));
    report("nn", "BLIS", flop, peak, time_it(repeats, [&] {
             bli_sgemm(BLIS_NO_TRANSPOSE, BLIS_NO_TRANSPOSE, B, V, H, &one, h.data(), H, 1, W2.data(), V, 1, &zero,
                       logits.data(), V, 1);
           }), max_rel_diff(ref_nn, logits));
    // dh = D W2^T: W2 read as its transpose through its strides.
    report("nt", "BLIS", flop, peak, time_it(repeats, [&] {
             bli_sgemm(BLIS_NO_TRANSPOSE, BLIS_NO_TRANSPOSE, B, H, V, &one, D.data(), V, 1, W2.data(), 1, V, &zero,
                       dh.data(), H, 1);
           }), max_rel_diff(ref_nt, dh));
    report("tn", "BLIS", flop, peak, time_it(repeats, [&] {
             bli_sgemm(BLIS_NO_TRANSPOSE, BLIS_NO_TRANSPOSE, H, V, B, &a, h.data(), 1, H, D.data(), V, 1, &one,
                       W2u.data(), V, 1);
           }), -1);
  }
#endif

#if defined(EMBEDVIZ_HAVE_LIBXSMM)
  {
    libxsmm_init();
    std::printf("libxsmm %s, target %s\n", LIBXSMM_VERSION, libxsmm_get_target_arch());
    // Column-major view: logits^T (V, B) = W2^T (V, H) h^T (H, B), in strips
    // of kStrip rows of the vocabulary, each one small JIT kernel.
    constexpr int kStrip = 64;
    const libxsmm_blasint m = kStrip, lda = V, ldh = H, ldc = V;
    const float one = 1, zero = 0;
    const int beta0 = LIBXSMM_GEMM_FLAG_BETA_0, none = LIBXSMM_GEMM_FLAG_NONE;
    const libxsmm_smmfunction nn = libxsmm_smmdispatch(m, B, H, &lda, &ldh, &ldc, &one, &zero, &beta0, nullptr);
    // W2^T (V, H) += D^T (V, B) h (B, H): h as (B, H) column-major is h^T row-major, copied once a call.
    std::vector<float> ht(std::size_t(B) * H);
    const libxsmm_blasint ldd = V, ldt = B, ldw = V;
    const libxsmm_smmfunction tn = libxsmm_smmdispatch(m, H, B, &ldd, &ldt, &ldw, &one, &one, &none, nullptr);
    // The last columns (fewer than a strip), a kernel of their own.
    const libxsmm_blasint rest = V % kStrip == 0 ? kStrip : V % kStrip;
    const libxsmm_smmfunction nn_rest = libxsmm_smmdispatch(rest, B, H, &lda, &ldh, &ldc, &one, &zero, &beta0, nullptr);
    const libxsmm_smmfunction tn_rest = libxsmm_smmdispatch(rest, H, B, &ldd, &ldt, &ldw, &one, &one, &none, nullptr);
    if (!nn || !tn || !nn_rest || !tn_rest) {
      std::printf("libxsmm: no JIT kernel for these shapes\n");
    } else {
      report("nn", "libxsmm", flop, peak, time_it(repeats, [&] {
               int j = 0;
               for (; j + kStrip <= V; j += kStrip) nn(W2.data() + j, h.data(), logits.data() + j);
               if (j < V) nn_rest(W2.data() + j, h.data(), logits.data() + j);
             }), max_rel_diff(ref_nn, logits));
      report("tn", "libxsmm", flop, peak, time_it(repeats, [&] {
               for (int b = 0; b < B; ++b)
                 for (int i = 0; i < H; ++i) ht[std::size_t(i) * B + b] = h[std::size_t(b) * H + i];
               int j = 0;
               for (; j + kStrip <= V; j += kStrip) tn(D.data() + j, ht.data(), W2u.data() + j);
               if (j < V) tn_rest(D.data() + j, ht.data(), W2u.data() + j);
             }), -1);
      std::printf("nt       libxsmm  (not measured: its JIT kernels take no transposed A in 1.17, and the "
                  "contraction runs along the 17,000)\n");
    }
    libxsmm_finalize();
  }
#endif
  return 0;
}
