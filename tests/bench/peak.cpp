// peak: one core's single-precision FMA throughput, the ceiling a training
// step is measured against (tests/bench/speed.sh prints the step's share of it).
// Twelve independent accumulator chains hide the FMA latency (4 cycles, two
// FMA ports: 8 in flight at least), so the loop is bound by throughput only.
// The widest vector unit the CPU has is chosen at run time: AVX-512, AVX2+FMA,
// or scalar. Not a general CPU benchmark: no loads, no stores, one thread.
// Prints one JSON line: {"isa": ..., "gflops": ...}.
#include <immintrin.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

namespace {

constexpr int kChains = 12;

// Each chain: acc = acc * a + b, with a just below 1 so nothing overflows.
__attribute__((target("avx512f"))) float run_avx512(long iters) {
  __m512 acc[kChains];
  for (int c = 0; c < kChains; ++c) acc[c] = _mm512_set1_ps(float(c));
  const __m512 a = _mm512_set1_ps(0.999999f), b = _mm512_set1_ps(1e-6f);
  for (long i = 0; i < iters; ++i)
    for (int c = 0; c < kChains; ++c) acc[c] = _mm512_fmadd_ps(acc[c], a, b);
  __m512 s = acc[0];
  for (int c = 1; c < kChains; ++c) s = _mm512_add_ps(s, acc[c]);
  float out[16];
  _mm512_storeu_ps(out, s);
  float sum = 0;
  for (float x : out) sum += x;
  return sum;
}

__attribute__((target("avx2,fma"))) float run_avx2(long iters) {
  __m256 acc[kChains];
  for (int c = 0; c < kChains; ++c) acc[c] = _mm256_set1_ps(float(c));
  const __m256 a = _mm256_set1_ps(0.999999f), b = _mm256_set1_ps(1e-6f);
  for (long i = 0; i < iters; ++i)
    for (int c = 0; c < kChains; ++c) acc[c] = _mm256_fmadd_ps(acc[c], a, b);
  __m256 s = acc[0];
  for (int c = 1; c < kChains; ++c) s = _mm256_add_ps(s, acc[c]);
  float out[8];
  _mm256_storeu_ps(out, s);
  float sum = 0;
  for (float x : out) sum += x;
  return sum;
}

float run_scalar(long iters) {
  volatile float seed = 0.999999f;  // keeps the compiler from folding the loop
  float acc[kChains];
  for (int c = 0; c < kChains; ++c) acc[c] = float(c);
  const float a = seed, b = 1e-6f;
  for (long i = 0; i < iters; ++i)
    for (int c = 0; c < kChains; ++c) acc[c] = acc[c] * a + b;
  float s = 0;
  for (float x : acc) s += x;
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  const double seconds_wanted = argc > 1 ? std::atof(argv[1]) : 1.0;
  const char* isa = "scalar";
  int lanes = 1;
  float (*run)(long) = run_scalar;
  if (__builtin_cpu_supports("avx512f")) {
    isa = "avx512", lanes = 16, run = run_avx512;
  } else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
    isa = "avx2", lanes = 8, run = run_avx2;
  }
  using clock = std::chrono::steady_clock;
  // Grow the iteration count until one run lasts long enough; keep the best of five.
  long iters = 1 << 16;
  double best = 0, sink = 0;
  for (;;) {
    const auto t0 = clock::now();
    sink += run(iters);
    const double s = std::chrono::duration<double>(clock::now() - t0).count();
    if (s > seconds_wanted / 5) break;
    iters *= 2;
  }
  for (int rep = 0; rep < 5; ++rep) {
    const auto t0 = clock::now();
    sink += run(iters);
    const double s = std::chrono::duration<double>(clock::now() - t0).count();
    const double gflops = 2.0 * lanes * kChains * double(iters) / s / 1e9;  // an FMA is 2 FLOP a lane
    if (gflops > best) best = gflops;
  }
  std::printf("{\"isa\": \"%s\", \"chains\": %d, \"gflops\": %.2f, \"checksum\": %g}\n", isa, kChains, best, sink);
  return 0;
}
