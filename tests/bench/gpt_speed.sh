#!/usr/bin/env bash
# gpt_speed.sh: the transformer's training step (tests/bench/gpt_bench) against
# the same model in PyTorch (tests/bench/gpt_torch_peer.py) at microgpt's sizes
# (V 27, d 16, block 16, 4 heads, 1 layer, batch 32 items, Adam) on names.txt,
# in the same run, one thread each, both pinned to the same core, repeated;
# PyTorch on OpenBLAS at one thread. Prints both and their ratio.
# Usage: tests/bench/gpt_speed.sh [build-dir] [repeats]   (a Release build)
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
repeats=${2:-3}
names=../shared/data/names.txt
openblas=/usr/lib/x86_64-linux-gnu/openblas-pthread
if [ ! -f "$names" ]; then echo "gpt_speed: $names not found; skipping"; exit 0; fi
if ! /usr/bin/python3 -c "import torch" 2>/dev/null; then
  echo "gpt_speed: PyTorch not installed (apt-get install python3-torch); skipping"; exit 0
fi
if [ ! -e "$openblas/libblas.so.3" ]; then echo "gpt_speed: OpenBLAS ($openblas) not installed; skipping"; exit 0; fi
pin=()
command -v taskset >/dev/null && pin=(taskset -c "${SPEED_CORE:-1}")
echo "gpt_speed: load before: $(uptime | sed 's/.*load average/load average/')"
results=()
for r in $(seq "$repeats"); do
  results+=("ours $("${pin[@]}" "$build/tests/bench/gpt_bench" --benchmark_filter='BM_GptStep/layers:1$' \
    --benchmark_min_time=3 --benchmark_format=json 2>/dev/null | /usr/bin/python3 -c \
    'import json,sys; b=json.load(sys.stdin)["benchmarks"][0]; print(json.dumps({"steps_per_s": b["steps_per_s"]}))')")
  results+=("torch $(OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 LD_LIBRARY_PATH="$openblas" \
    "${pin[@]}" /usr/bin/python3 tests/bench/gpt_torch_peer.py "$names" 2000 | tail -n 1)")
done
echo "gpt_speed: load after:  $(uptime | sed 's/.*load average/load average/')"
/usr/bin/python3 - "${results[@]}" <<'PY'
import json, statistics, sys
runs = {}
for arg in sys.argv[1:]:
    who, line = arg.split(" ", 1)
    runs.setdefault(who, []).append(json.loads(line))
def med(who): return statistics.median(r["steps_per_s"] for r in runs[who])
def span(who):
    v = sorted(r["steps_per_s"] for r in runs[who])
    return f"{v[0]:,.0f}-{v[-1]:,.0f}"
print(f"hand-written (gpt_bench)       {med('ours'):9,.0f} steps/s (runs {span('ours')})")
print(f"PyTorch {runs['torch'][0]['torch']:8s} ({runs['torch'][0]['blas'].split('/')[-2]}) {med('torch'):9,.0f} steps/s (runs {span('torch')})")
print(f"ratio {med('ours') / med('torch'):.1f}x  (bar 5x, goal 10x)")
PY
