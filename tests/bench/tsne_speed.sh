#!/usr/bin/env bash
# tsne_speed.sh: embedviz's t-SNE (layout_bench) against scikit-learn's
# Barnes-Hut t-SNE (tsne_peer.py) on the same table, in the same run: the
# word model's 17,000 x 30 embedding table after a short training run,
# 1,000 iterations at perplexity 30, theta (angle) 0.5, a random start, the
# automatic learning rate, Euclidean distances (both then build the same P:
# scikit-learn squares Euclidean distances but not cosine ones). Ours runs
# on one thread and on two; scikit-learn's gradient uses OpenMP on every
# core (two here) and OpenBLAS on one thread. Times include the neighbour
# search and the affinities on both sides.
# Usage: tests/bench/tsne_speed.sh [build-dir] [iterations]   (a Release build with EMBEDVIZ_BENCH=ON)
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
iterations=${2:-1000}
for exe in "$build/src/cli/embedviz-train" "$build/tests/bench/layout_bench"; do
  [ -x "$exe" ] || { echo "tsne_speed: $exe missing: build embedviz-train and layout_bench first"; exit 1; }
done
if ! /usr/bin/python3 -c "import sklearn" 2>/dev/null; then
  echo "tsne_speed: scikit-learn not installed (apt-get install python3-sklearn); skipping"; exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "tsne_speed: making the table (embedviz-train, word model, 2,000 steps)..."
"$build/src/cli/embedviz-train" --tokenizer word --steps 2000 --threads 2 --export-word2vec "$work/table.txt" -q >/dev/null
echo "tsne_speed: table $(head -n 1 "$work/table.txt" | tr ' ' 'x')"
echo "tsne_speed: CPU $(grep -m 1 'model name' /proc/cpuinfo | sed 's/.*: //'), $(nproc) cores"
load_before=$(cut -d ' ' -f 1 /proc/loadavg)
echo "tsne_speed: load before: $(uptime | sed 's/.*load average/load average/')"
if awk -v l="$load_before" 'BEGIN { exit !(l >= 1) }'; then
  echo "tsne_speed: WARNING: the 1-minute load is $load_before: other work shares the cores, times will be high and uneven"
fi

ours1=$("$build/tests/bench/layout_bench" "$work/table.txt" --iterations "$iterations" --perplexity 30 --threads 1 | tail -n 1)
ours2=$("$build/tests/bench/layout_bench" "$work/table.txt" --iterations "$iterations" --perplexity 30 --threads 2 | tail -n 1)
peer=$(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=1 \
  /usr/bin/python3 tests/bench/tsne_peer.py "$work/table.txt" --iterations "$iterations" --perplexity 30 | tail -n 1)

echo "tsne_speed: load after:  $(uptime | sed 's/.*load average/load average/')"
/usr/bin/python3 - "$ours1" "$ours2" "$peer" <<'PY'
import json, sys
ours1, ours2, peer = (json.loads(a) for a in sys.argv[1:])
print(f"scikit-learn {peer['sklearn']}: pools in use: {peer['pools']}")
print(f"{'':28s} {'seconds':>8s} {'(affinities)':>12s} {'iterations':>10s} {'KL':>7s}")
for label, r in (("embedviz, 1 thread", ours1), ("embedviz, 2 threads", ours2)):
    print(f"{label:28s} {r['seconds']:8.2f} {r['affinities_s']:12.2f} {r['iterations']:10d} {r['kl']:7.4f}")
print(f"{'scikit-learn Barnes-Hut':28s} {peer['seconds']:8.2f} {'':12s} {peer['iterations']:10d} {peer['kl']:7.4f}")
print(f"ratio (scikit-learn / ours): {peer['seconds'] / ours1['seconds']:.1f}x on 1 thread, "
      f"{peer['seconds'] / ours2['seconds']:.1f}x on 2 threads (goal 3x)")
PY
