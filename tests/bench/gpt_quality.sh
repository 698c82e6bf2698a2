#!/usr/bin/env bash
# gpt_quality.sh: the validation loss of the transformer at its defaults on
# names.txt after N steps, against the same model in PyTorch started from the
# same initial parameters on the same training and validation rows
# (tests/bench/gpt_quality writes them; tests/bench/gpt_torch_peer.py --from
# reads them). The batches differ: each side draws its own. Repeated over seeds.
# Usage: tests/bench/gpt_quality.sh [build-dir] [steps] [seeds...]
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
steps=${2:-2000}
shift $(( $# > 2 ? 2 : $# ))
seeds=("$@")
[ ${#seeds[@]} -eq 0 ] && seeds=(42 43 44)
names=../shared/data/names.txt
openblas=/usr/lib/x86_64-linux-gnu/openblas-pthread
if [ ! -f "$names" ]; then echo "gpt_quality: $names not found; skipping"; exit 0; fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
for seed in "${seeds[@]}"; do
  ours=$("$build/tests/bench/gpt_quality" "$names" "$dir" "$steps" "$seed")
  theirs=$(OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 LD_LIBRARY_PATH="$openblas" \
    /usr/bin/python3 tests/bench/gpt_torch_peer.py --from "$dir" "$steps")
  /usr/bin/python3 - "$ours" "$theirs" <<'PY'
import json, sys
o, t = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(f"seed {o['seed']}: {o['steps']} steps: val loss ours {o['val_loss']:.4f}, PyTorch {t['val_loss']:.4f} "
      f"(both from {o['val_before']:.4f} / {t['val_before']:.4f}): difference {o['val_loss'] - t['val_loss']:+.4f} (bar 0.02)")
PY
done
