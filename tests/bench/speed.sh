#!/usr/bin/env bash
# speed.sh: embedviz-train against PyTorch on the lecture's configuration
# (block 3, emb 10, hidden 200, batch 32, lr 0.1), same data, same machine,
# same run, one thread each. Prints both speeds, their ratio and GFLOP/s.
# Usage: tests/bench/speed.sh [build-dir] [steps]   (a Release build)
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
steps=${2:-50000}
names=../shared/data/names.txt
if [ ! -f "$names" ]; then echo "speed: $names not found; skipping"; exit 0; fi
if ! /usr/bin/python3 -c "import torch" 2>/dev/null; then
  echo "speed: PyTorch not installed (apt-get install python3-torch); skipping"; exit 0
fi
pin=()
command -v taskset >/dev/null && pin=(taskset -c 0)

ours=$("${pin[@]}" "$build/src/cli/embedviz-train" --data "$names" --steps "$steps" --threads 1 --json -q | tail -n 1)
torch_steps=$(( steps / 10 > 2000 ? steps / 10 : 2000 ))
peer=$(OMP_NUM_THREADS=1 "${pin[@]}" /usr/bin/python3 tests/bench/torch_peer.py "$names" "$torch_steps" 1 | tail -n 1)

/usr/bin/python3 - "$ours" "$peer" <<'PY'
import json, sys
ours, peer = json.loads(sys.argv[1]), json.loads(sys.argv[2])
flop = 2.19e6  # one step of the lecture's config: 6 * 32 * (30*200 + 200*27)
print(f"embedviz-train: {ours['steps_per_s']:9.0f} steps/s  ({ours['steps_per_s'] * flop / 1e9:.1f} GFLOP/s), "
      f"{ours['steps']} steps")
print(f"PyTorch:        {peer['steps_per_s']:9.0f} steps/s  ({peer['steps_per_s'] * flop / 1e9:.1f} GFLOP/s), "
      f"{peer['steps']} steps, torch {__import__('torch').__version__}")
print(f"ratio: {ours['steps_per_s'] / peer['steps_per_s']:.1f}x  (bar 10x, goal 15x)")
PY
