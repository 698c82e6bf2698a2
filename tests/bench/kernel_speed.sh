#!/usr/bin/env bash
# kernel_speed.sh: the word step's three products and its softmax at the
# paper's sizes (batch 32, hidden 100, vocabulary 17,000), each timed alone by
# tests/bench/kernel_bench, pinned to one core, as shares of that core's FMA
# peak measured in the same run; beside them the same products through
# Debian's BLIS and libxsmm where the build found them (libblis-dev,
# libxsmm-dev). The conditions of the run: speed_env.sh.
# Usage: tests/bench/kernel_speed.sh [build-dir] [repeats]   (a Release build)
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
repeats=${2:-7}
. tests/bench/speed_env.sh
export BLIS_NUM_THREADS=1 OMP_NUM_THREADS=1
speed_begin kernel_speed
peaks=("peak $(speed_peak)")
gflops=$(echo "${peaks[0]}" | sed 's/.*"gflops": \([0-9.]*\).*/\1/')
"${speed_pin[@]}" "$build/tests/bench/kernel_bench" "$gflops" "$repeats"
# Debian's BLIS 0.9 may not know a newer CPU and fall back to its generic
# kernels; its AVX-512 (skx) and Zen 3 kernels, chosen by hand, are its best.
if grep -q HAVE_BLIS "$build/tests/bench/CMakeFiles/kernel_bench.dir/flags.make" 2>/dev/null; then
  for arch in 0 6; do  # BLIS 0.9's arch_t: 0 skx, 6 zen3
    BLIS_ARCH_TYPE=$arch "${speed_pin[@]}" "$build/tests/bench/kernel_bench" "$gflops" "$repeats" | sed -n '/^BLIS/,/^tn/p'
  done
fi
peaks+=("peak $(speed_peak)")
speed_end
speed_report conditions "${peaks[@]}"
