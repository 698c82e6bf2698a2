#!/usr/bin/env bash
# word_speed.sh: the word-level model of Bengio et al. (2003) at full size
# (V 17,000, C of 17,000 x 30, block 3, hidden 100, batch 32, the full
# softmax) in embedviz-train against the same model in PyTorch on OpenBLAS,
# one thread each, both pinned to the same core, interleaved with each other
# and with the peak (tests/bench/peak), same run; and ours again on two
# threads (pinned to both cores). Our side trains on a generated text of
# 17,000 distinct letter-only words with Zipf frequencies; the peer's step
# costs the same whatever the ids, so it draws random ones. The conditions
# and the peer's environment: speed_env.sh.
# Usage: tests/bench/word_speed.sh [build-dir] [steps] [repeats]   (a Release build)
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
steps=${2:-2000}
repeats=${3:-3}
. tests/bench/speed_env.sh
if ! /usr/bin/python3 -c "import torch" 2>/dev/null; then
  echo "word_speed: PyTorch not installed (apt-get install python3-torch); skipping"; exit 0
fi
if [ ! -e "$speed_openblas/libblas.so.3" ]; then
  echo "word_speed: OpenBLAS not found (apt-get install libopenblas0-pthread): no fair peer; skipping"; exit 0
fi
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
train() {  # threads, then the pinning
  "${@:2}" "$build/src/cli/embedviz-train" --data "$work/zipf.txt" --tokenizer word --block 3 --emb 30 --hidden 100 \
    --batch 32 --optimizer sgd --softmax full --init scaled --lr 0.5 --lr-decay 1 --steps "$steps" --threads "$1" \
    --json -q | tail -n 1
}
speed_begin word_speed
results=()
for r in $(seq "$repeats"); do
  results+=("peak $(speed_peak)")
  results+=("ours $(train 1 "${speed_pin[@]}")")
  V=$(echo "${results[-1]}" | sed 's/.*"vocab":\([0-9]*\).*/\1/')
  results+=("torch $(speed_peer tests/bench/word_torch_peer.py "$V" "$(( steps / 4 ))" 1 | tail -n 1)")
  results+=("ours2 $(train 2 "${speed_pin2[@]}")")
done
speed_end
speed_report word "${results[@]}"
