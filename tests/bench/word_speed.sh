#!/usr/bin/env bash
# word_speed.sh: the word-level model of Bengio et al. (2003) at full size
# (V 17,000, C of 17,000 x 30, block 3, hidden 100, batch 32) in embedviz-train
# against the same model in PyTorch on OpenBLAS, one thread each, both pinned
# to the same core, interleaved, same run; and ours again on two threads. Our
# side trains on a generated text of 17,000 distinct letter-only words with
# Zipf frequencies; the peer's step costs the same whatever the ids, so it
# draws random ones.
# Usage: tests/bench/word_speed.sh [build-dir] [steps] [repeats]   (a Release build)
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
steps=${2:-2000}
repeats=${3:-3}
libdir=/usr/lib/x86_64-linux-gnu
if ! /usr/bin/python3 -c "import torch" 2>/dev/null; then
  echo "word_speed: PyTorch not installed (apt-get install python3-torch); skipping"; exit 0
fi
blas="$libdir/openblas-pthread"
if [ ! -e "$blas/libblas.so.3" ]; then
  echo "word_speed: OpenBLAS not found (apt-get install libopenblas0-pthread): no fair peer; skipping"; exit 0
fi
pin=()
command -v taskset >/dev/null && pin=(taskset -c "${SPEED_CORE:-1}")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
/usr/bin/python3 - "$work/zipf.txt" <<'PY'
import random, sys
V = 16998  # with the boundary and <unk>: 17,000 tokens
def word(i):  # letter-only, distinct: a, b, ..., z, ba, bb, ...
    s = ""
    while True:
        s = chr(97 + i % 26) + s
        i //= 26
        if i == 0: return s
words = [word(i) for i in range(V)]
weights = [1.0 / (r + 1) for r in range(V)]
rng = random.Random(7)
with open(sys.argv[1], "w") as f:
    for _ in range(10):  # every word ten times, so the training split surely has it
        for i in range(0, V, 12): f.write(" ".join(words[i:i + 12]) + "\n")
    for _ in range(8000): f.write(" ".join(rng.choices(words, weights, k=12)) + "\n")
PY
echo "word_speed: load before: $(uptime | sed 's/.*load average/load average/')"
peak=$("${pin[@]}" "$build/tests/bench/peak" 1 | tail -n 1)
results=()
for r in $(seq "$repeats"); do
  results+=("ours $("${pin[@]}" "$build/src/cli/embedviz-train" --data "$work/zipf.txt" --tokenizer word \
    --block 3 --emb 30 --hidden 100 --batch 32 --optimizer sgd --softmax full --init scaled --lr 0.5 --lr-decay 1 --steps "$steps" --threads 1 --json -q | tail -n 1)")
  V=$(echo "${results[-1]}" | sed 's/.*"vocab":\([0-9]*\).*/\1/')
  # The same on two threads (--threads 2 splits the output layer), unpinned: the scaling.
  results+=("ours2 $("$build/src/cli/embedviz-train" --data "$work/zipf.txt" --tokenizer word \
    --block 3 --emb 30 --hidden 100 --batch 32 --optimizer sgd --softmax full --init scaled --lr 0.5 --lr-decay 1 --steps "$steps" --threads 2 --json -q | tail -n 1)")
  results+=("torch $(OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 LD_LIBRARY_PATH="$blas" \
    PYTHONPATH=tests/bench "${pin[@]}" /usr/bin/python3 tests/bench/word_torch_peer.py "$V" "$(( steps / 4 ))" 1 | tail -n 1)")
done
echo "word_speed: load after:  $(uptime | sed 's/.*load average/load average/')"
/usr/bin/python3 - "$peak" "${results[@]}" <<'PY'
import json, statistics, sys
peak = json.loads(sys.argv[1])
runs = {}
for arg in sys.argv[2:]:
    who, line = arg.split(" ", 1)
    runs.setdefault(who, []).append(json.loads(line))
V = runs["torch"][0]["vocab"]
flop = 6 * 32 * (90 * 100 + 100 * V)  # forward and backward of the two layers
def med(who): return statistics.median(r["steps_per_s"] for r in runs[who])
def span(who):
    v = sorted(r["steps_per_s"] for r in runs[who])
    return f"{v[0]:,.0f}-{v[-1]:,.0f}"
print(f"peak (one core, {peak['isa']}): {peak['gflops']:.1f} GFLOP/s; a step is {flop / 1e6:.0f} MFLOP at V {V:,}")
for label, who in (("embedviz-train", "ours"), (f"PyTorch {runs['torch'][0]['torch']}, OpenBLAS", "torch")):
    g = med(who) * flop / 1e9
    print(f"{label:28s} {med(who):8,.1f} steps/s (runs {span(who)})  {g:5.1f} GFLOP/s  {100 * g / peak['gflops']:4.1f}% of peak")
print(f"BLAS in use by the peer: {runs['torch'][0]['blas']}")
print(f"embedviz-train --threads 2      {med('ours2'):8,.1f} steps/s (runs {span('ours2')}): {med('ours2') / med('ours'):.2f}x one thread")
print(f"ratio {med('ours') / med('torch'):.2f}x (bar 2x, goal 3x)")
PY
