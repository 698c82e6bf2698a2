# speed_env.sh: what the speed scripts share, sourced by each: the conditions
# of a run (CPU model, load average before and after, the CPU time other work
# and the hypervisor took while it ran), the pinning, and the PyTorch peer's
# environment. The peer runs on OpenBLAS at one thread with OPENBLAS_CORETYPE
# and OPENBLAS_L2_SIZE unset: where a machine sets them for older programs,
# OpenBLAS takes the kernels they name (Haswell's AVX2 on an AVX-512 core) and
# the peer is slowed; unset, it picks its own for the CPU, and torch_peer.py
# prints which (openblas_get_corename).
# Usage, from a script at the repository's root with $build set:
#   . tests/bench/speed_env.sh; speed_begin NAME; ...; speed_end; speed_report KIND "${results[@]}"

speed_openblas=/usr/lib/x86_64-linux-gnu/openblas-pthread
speed_pin=()
speed_pin2=()
if command -v taskset >/dev/null; then
  speed_pin=(taskset -c "${SPEED_CORE:-1}")
  speed_pin2=(taskset -c 0,1)
fi

# Jiffies of the whole machine: busy (all but idle and iowait) and steal.
speed_jiffies() {
  awk '/^cpu /{busy = $2 + $3 + $4 + $7 + $8 + $9; print busy, $9}' /proc/stat
}

# The CPU seconds (user and system) of this shell's finished children, into
# speed_children: `times` runs in this shell, since in a $(...) subshell it
# would see that subshell's children, none.
speed_children_cpu() {
  local out
  out=$(mktemp)
  times > "$out"
  speed_children=$(tail -n 1 "$out" | awk '{
    n = split($0, t, " "); s = 0
    for (i = 1; i <= n; ++i) { split(t[i], ms, "m"); s += ms[1] * 60 + ms[2] }
    print s }')
  rm -f "$out"
}

# Prints the conditions before the run and remembers them.
speed_begin() {
  speed_name=$1
  speed_cpu=$(awk -F': ' '/^model name/{print $2; exit}' /proc/cpuinfo)
  speed_load_before=$(cut -d' ' -f1-3 /proc/loadavg)
  speed_j0=$(speed_jiffies)
  speed_children_cpu
  speed_c0=$speed_children
  speed_t0=$(date +%s.%N)
  echo "$speed_name: $speed_cpu, $(getconf _NPROCESSORS_ONLN) cores; load average before: $speed_load_before"
}

# The peer: PyTorch on OpenBLAS, one thread, pinned, the core type its own.
speed_peer() {
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 \
    LD_LIBRARY_PATH="${SPEED_PEER_LIBS:-$speed_openblas}" PYTHONPATH=tests/bench \
    "${speed_pin[@]}" /usr/bin/python3 "$@"
}

# One core's FMA peak, pinned to the core the runs use: a JSON line.
speed_peak() {
  "${speed_pin[@]}" "$build/tests/bench/peak" 0.5 | tail -n 1
}

# After the run: the load average, and the CPU time of the run's processes
# (bash's `times`: its children's user and system time) against the whole
# machine's, so what other work took is known.
speed_end() {
  speed_load_after=$(cut -d' ' -f1-3 /proc/loadavg)
  local j1 ours
  j1=$(speed_jiffies)
  speed_children_cpu
  ours=$(awk -v a="$speed_c0" -v b="$speed_children" 'BEGIN { print b - a }')
  speed_conditions=$(/usr/bin/python3 - "$speed_cpu" "$speed_load_before" "$speed_load_after" "$speed_j0" "$j1" \
    "$speed_t0" "$(date +%s.%N)" "$ours" "$(getconf CLK_TCK)" "$(getconf _NPROCESSORS_ONLN)" <<'PY'
import json, sys
cpu, before, after, j0, j1, t0, t1, ours, hz, cores = sys.argv[1:]
(b0, s0), (b1, s1) = (map(float, j.split()) for j in (j0, j1))
wall = float(t1) - float(t0)
busy, steal = (b1 - b0) / float(hz), (s1 - s0) / float(hz)
print(json.dumps({"cpu": cpu, "load_before": before, "load_after": after, "seconds": wall,
                  "other_cores": max(0.0, busy - steal - float(ours)) / wall, "steal_cores": steal / wall,
                  "cores": int(cores)}))
PY
)
  echo "$speed_name: load average after:  $speed_load_after"
}

# The table: medians, ranges, GFLOP/s, share of the peak, ratios, and whether
# the machine was quiet enough for the figures to be quoted.
speed_report() {
  /usr/bin/python3 tests/bench/speed_report.py "$1" "$speed_conditions" "${@:2}"
}
