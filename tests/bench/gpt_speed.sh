#!/usr/bin/env bash
# gpt_speed.sh: the transformer's training step (tests/bench/gpt_bench) against
# the same model in PyTorch (tests/bench/gpt_torch_peer.py) at microgpt's sizes
# (V 27, d 16, block 16, 4 heads, 1 layer, batch 32 items, Adam) on names.txt,
# in the same run, one thread each, both pinned to the same core, interleaved,
# repeated; both in steps per second of CPU time. The peer: PyTorch on
# OpenBLAS at one thread, its core type its own (speed_env.sh).
# Usage: tests/bench/gpt_speed.sh [build-dir] [repeats]   (a Release build)
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
repeats=${2:-3}
names=../shared/data/names.txt
. tests/bench/speed_env.sh
if [ ! -f "$names" ]; then echo "gpt_speed: $names not found; skipping"; exit 0; fi
if ! /usr/bin/python3 -c "import torch" 2>/dev/null; then
  echo "gpt_speed: PyTorch not installed (apt-get install python3-torch); skipping"; exit 0
fi
if [ ! -e "$speed_openblas/libblas.so.3" ]; then
  echo "gpt_speed: OpenBLAS ($speed_openblas) not installed; skipping"; exit 0
fi
speed_begin gpt_speed
results=()
for r in $(seq "$repeats"); do
  results+=("peak $(speed_peak)")
  results+=("ours $("${speed_pin[@]}" "$build/tests/bench/gpt_bench" --benchmark_filter='BM_GptStep/layers:1$' \
    --benchmark_min_time=3 --benchmark_format=json 2>/dev/null | /usr/bin/python3 -c \
    'import json,sys; b=json.load(sys.stdin)["benchmarks"][0]; print(json.dumps({"steps_per_s": b["steps_per_s"]}))')")
  results+=("torch $(speed_peer tests/bench/gpt_torch_peer.py "$names" 2000 | tail -n 1)")
done
speed_end
speed_report gpt "${results[@]}"
