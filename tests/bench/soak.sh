#!/usr/bin/env bash
# soak.sh: runs >= 2 million training steps and samples the process's resident
# memory (VmRSS in /proc/PID/status) once a second. Passes when RSS grows by at
# most 5 MB (5120 KiB) after the warm-up (the first 15 s).
# Runs the app's headless mode (embedviz --headless --play: the whole app, frames
# drawn offscreen) when the build has it, else (or with EMBEDVIZ_SOAK_ENGINE=1)
# embedviz-soak (tests/bench/soak_main.cpp): the app's training thread and a
# 60 Hz snapshot reader, without GL.
# Usage: tests/bench/soak.sh [build-dir] [steps]   (a Release build; default: build, 2000000)
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
steps=${2:-2000000}
warmup_s=15
bar_kib=5120
names=../shared/data/names.txt
data=()
if [ -f "$names" ]; then data=(--data "$names"); fi

app="$build/src/app/embedviz"
if [ -z "${EMBEDVIZ_SOAK_ENGINE:-}" ] && [ -x "$app" ] && "$app" --help 2>&1 | grep -q -- '--headless'; then
  cmd=("$app" --headless --play --steps "$steps" "${data[@]}")
else
  cmake --build "$build" --target embedviz-soak -j2 >/dev/null
  cmd=("$build/tests/bench/embedviz-soak" --steps "$steps" "${data[@]}")
fi
echo "soak: ${cmd[*]}"
log=$(mktemp)
"${cmd[@]}" >"$log" 2>&1 &
pid=$!
start=$(date +%s%N)
samples=()  # "milliseconds rss_kib"
while kill -0 "$pid" 2>/dev/null; do
  rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
  if [ -n "$rss" ]; then samples+=("$(( ($(date +%s%N) - start) / 1000000 )) $rss"); fi
  sleep 1
done
wait "$pid" && rc=0 || rc=$?
cat "$log"
rm -f "$log"
if [ "$rc" -ne 0 ]; then echo "soak: the run failed (exit $rc)"; exit 1; fi
printf '%s\n' "${samples[@]}" | awk -v w="$warmup_s" -v bar="$bar_kib" '
  { t[NR] = $1 / 1000; r[NR] = $2 }
  END {
    if (NR < 2) { print "soak: too few samples; run more steps"; exit 1 }
    base = -1; top = 0
    for (i = 1; i <= NR; i++) {
      if (t[i] >= w && base < 0) base = r[i]
      if (base >= 0 && r[i] > top) top = r[i]
    }
    if (base < 0) { print "soak: the run ended within the warm-up; run more steps"; exit 1 }
    n = 10; printf "soak: RSS over time (s: MiB):"
    for (k = 0; k <= n; k++) { i = 1 + int((NR - 1) * k / n); printf " %.0f: %.1f", t[i], r[i] / 1024 }
    printf "\nsoak: %d samples over %.0f s; after %d s warm-up RSS %.1f MiB, max after %.1f MiB, final %.1f MiB; growth %d KiB (bar %d KiB)\n",
      NR, t[NR], w, base / 1024, top / 1024, r[NR] / 1024, top - base, bar
    if (top - base > bar) { print "soak: FAIL: RSS grew too much"; exit 1 }
    print "soak: PASS"
  }'
