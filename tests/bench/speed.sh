#!/usr/bin/env bash
# speed.sh: embedviz-train against PyTorch on the lecture's configuration
# (block 3, emb 10, hidden 200, batch 32, lr 0.1), same data, same machine,
# same run, one thread each, both pinned to the same core, interleaved with
# each other and with the peak (tests/bench/peak), repeated. The peer is the
# lecture's code on Debian's PyTorch with OpenBLAS at one thread, its core
# type its own (speed_env.sh says how, and the report which it was).
# Usage: tests/bench/speed.sh [build-dir] [steps] [repeats]   (a Release build)
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
steps=${2:-100000}
repeats=${3:-3}
names=../shared/data/names.txt
. tests/bench/speed_env.sh
if [ ! -f "$names" ]; then echo "speed: $names not found; skipping"; exit 0; fi
if ! /usr/bin/python3 -c "import torch" 2>/dev/null; then
  echo "speed: PyTorch not installed (apt-get install python3-torch); skipping"; exit 0
fi
if [ ! -e "$speed_openblas/libblas.so.3" ]; then
  echo "speed: OpenBLAS not found (apt-get install libopenblas0-pthread): no fair peer; skipping"; exit 0
fi
torch_steps=$(( steps / 10 > 2000 ? steps / 10 : 2000 ))
speed_begin speed
results=()
for r in $(seq "$repeats"); do
  results+=("peak $(speed_peak)")
  results+=("ours $("${speed_pin[@]}" "$build/src/cli/embedviz-train" --data "$names" --steps "$steps" --threads 1 \
    --json -q | tail -n 1)")
  results+=("torch $(speed_peer tests/bench/torch_peer.py "$names" "$torch_steps" 1 | tail -n 1)")
done
speed_end
speed_report lecture "${results[@]}"
