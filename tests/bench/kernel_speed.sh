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
peaks+=("peak $(speed_peak)")
speed_end
speed_report conditions "${peaks[@]}"
