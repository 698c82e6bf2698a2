#!/usr/bin/env bash
# speed.sh: embedviz-train against PyTorch on the lecture's configuration
# (block 3, emb 10, hidden 200, batch 32, lr 0.1), same data, same machine,
# same run, one thread each, both pinned to the same core, repeated.
# The peer runs on each BLAS that Debian's PyTorch can load, chosen per process
# with LD_LIBRARY_PATH (the system's alternatives stay as they are): OpenBLAS
# at one thread, the fair peer, and the reference BLAS, the slow one a default
# install may have. Every ratio names the BLAS it was measured against.
# Prints the step's GFLOP/s and its share of one core's FMA peak (tests/bench/peak).
# Usage: tests/bench/speed.sh [build-dir] [steps] [repeats]   (a Release build)
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
steps=${2:-100000}
repeats=${3:-3}
names=../shared/data/names.txt
libdir=/usr/lib/x86_64-linux-gnu
if [ ! -f "$names" ]; then echo "speed: $names not found; skipping"; exit 0; fi
if ! /usr/bin/python3 -c "import torch" 2>/dev/null; then
  echo "speed: PyTorch not installed (apt-get install python3-torch); skipping"; exit 0
fi
pin=()
command -v taskset >/dev/null && pin=(taskset -c "${SPEED_CORE:-1}")
echo "speed: load before: $(uptime | sed 's/.*load average/load average/')"

# The peer's BLAS configurations: a directory holding libblas.so.3, and a label.
blas_dirs=() blas_names=()
if [ -e "$libdir/openblas-pthread/libblas.so.3" ]; then blas_dirs+=("$libdir/openblas-pthread"); blas_names+=(openblas); fi
if [ -e "$libdir/blas/libblas.so.3" ]; then blas_dirs+=("$libdir/blas"); blas_names+=(reference); fi
if [ ${#blas_dirs[@]} -eq 0 ]; then blas_dirs+=(""); blas_names+=(default); fi

torch_steps=$(( steps / 10 > 2000 ? steps / 10 : 2000 ))
peak=$("${pin[@]}" "$build/tests/bench/peak" 1 | tail -n 1)
results=()
for r in $(seq "$repeats"); do
  results+=("ours $("${pin[@]}" "$build/src/cli/embedviz-train" --data "$names" --steps "$steps" --threads 1 --json -q | tail -n 1)")
  for i in "${!blas_dirs[@]}"; do
    results+=("${blas_names[$i]} $(OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 \
      LD_LIBRARY_PATH="${blas_dirs[$i]}" "${pin[@]}" /usr/bin/python3 tests/bench/torch_peer.py "$names" "$torch_steps" 1 | tail -n 1)")
  done
done
echo "speed: load after:  $(uptime | sed 's/.*load average/load average/')"

/usr/bin/python3 - "$peak" "${results[@]}" <<'PY'
import json, statistics, sys
peak = json.loads(sys.argv[1])
runs = {}
for arg in sys.argv[2:]:
    who, line = arg.split(" ", 1)
    runs.setdefault(who, []).append(json.loads(line))
flop = 2.19e6  # one step of the lecture's config: 6 * 32 * (30*200 + 200*27)
def med(who): return statistics.median(r["steps_per_s"] for r in runs[who])
def span(who):
    v = sorted(r["steps_per_s"] for r in runs[who])
    return f"{v[0]:,.0f}-{v[-1]:,.0f}" if len(v) > 1 else f"{v[0]:,.0f}"
def line(label, who):
    s = med(who)
    g = s * flop / 1e9
    print(f"{label:34s} {s:9,.0f} steps/s (runs {span(who)})  {g:5.1f} GFLOP/s  {100 * g / peak['gflops']:4.1f}% of peak")
print(f"peak (one core, {peak['isa']}, {peak['chains']} FMA chains): {peak['gflops']:.1f} GFLOP/s")
line("embedviz-train", "ours")
torch_v = next(iter(r for k, v in runs.items() if k != "ours" for r in v))["torch"]
for who in [k for k in runs if k != "ours"]:
    lib = runs[who][0]["blas"]
    line(f"PyTorch {torch_v}, {who} BLAS", who)
    print(f"{'':34s} BLAS in use: {lib}")
for who in [k for k in runs if k != "ours"]:
    lib = runs[who][0]["blas"]
    ref = "openblas" not in lib
    note = ("against the REFERENCE BLAS, the slow netlib code: not a fair peer" if ref
            else "against PyTorch with OpenBLAS, one thread: the fair peer")
    print(f"ratio {med('ours') / med(who):5.1f}x  {note}")
if not any("openblas" in runs[k][0]["blas"] for k in runs if k != "ours"):
    print("speed: OpenBLAS not found (apt-get install libopenblas0-pthread): no fair ratio")
PY
