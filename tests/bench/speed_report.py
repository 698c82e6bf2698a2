"""The report every speed script prints (tests/bench/speed_env.sh calls it):
the run's conditions, one core's FMA peak measured in the same run (the
median of its repeats), each side's median steps per second with the range
of its runs, GFLOP/s and share of the peak where a step's arithmetic is
known, the BLAS library the peer really ran on and its core type, and the
ratios. A run is marked as from a loaded machine, not for the README, when
the load average before it was over 1, or when other work took more than a
quarter of a core while it ran (the run's own processes keep one core busy,
so the load average after it is near 1 by itself).

Usage: speed_report.py KIND CONDITIONS-JSON "who JSON" ...
KIND: lecture, word or gpt; or conditions, for the conditions, the peak and
the verdict alone (kernel_speed.sh). who: peak, ours, ours2, torch, reference.
"""
import json
import statistics
import sys

# Arithmetic of one step of each benchmark (6 multiply-add passes of 2 FLOP
# over the products; see each model's step_flops), by the vocabulary.
FLOP = {
    "lecture": lambda V: 6 * 32 * (30 * 200 + 200 * V),
    "word": lambda V: 6 * 32 * (90 * 100 + 100 * V),
}
BARS = {"lecture": "bar 6x, goal 8x", "word": "bar 2.5x, goal 3x", "gpt": "bar 9x, goal 10x"}
LABELS = {"ours": "embedviz", "ours2": "embedviz, 2 threads", "torch": "PyTorch, OpenBLAS",
          "reference": "PyTorch, reference BLAS"}


def main():
    kind, conditions = sys.argv[1], json.loads(sys.argv[2])
    runs = {}
    for arg in sys.argv[3:]:
        who, line = arg.split(" ", 1)
        runs.setdefault(who, []).append(json.loads(line))

    def med(who, key="steps_per_s"):
        return statistics.median(r[key] for r in runs[who])

    def span(who, key="steps_per_s"):
        v = sorted(r[key] for r in runs[who])
        return f"{v[0]:,.1f}-{v[-1]:,.1f}"

    c = conditions
    loaded = float(c["load_before"].split()[0]) > 1 or c["other_cores"] > 0.25
    print(f"CPU: {c['cpu']}, {c['cores']} cores")
    print(f"load average before {c['load_before']}, after {c['load_after']}; over the {c['seconds']:.0f} s of "
          f"the run other work took {c['other_cores']:.2f} cores, the hypervisor {c['steal_cores']:.2f}")
    peak = med("peak", "gflops")
    print(f"one core's FMA peak ({runs['peak'][0]['isa']}, {len(runs['peak'])} runs): {peak:.1f} GFLOP/s "
          f"(runs {span('peak', 'gflops')})")
    if kind == "conditions":
        return verdict(loaded)
    peer = next((runs[w][0] for w in ("torch", "reference") if w in runs), None)
    if peer:
        blas = peer.get("blas_info", {})
        print(f"peer: PyTorch {peer['torch']}; BLAS {peer['blas']}; core type {blas.get('core', 'unknown')} "
              f"({blas.get('config', 'no OpenBLAS configuration')}); OPENBLAS_CORETYPE "
              f"{blas.get('coretype_env') or 'unset'}")
    V = runs["ours"][0].get("vocab", 27)
    flop = FLOP[kind](V) if kind in FLOP else 0
    if flop:
        print(f"a step: {flop / 1e6:.2f} MFLOP (vocabulary {V:,})")
    for who in ("ours", "ours2", "torch", "reference"):
        if who not in runs:
            continue
        s = med(who)
        line = f"{LABELS[who]:26s} {s:10,.1f} steps/s (runs {span(who)})"
        if flop:
            g = s * flop / 1e9
            line += f"  {g:6.1f} GFLOP/s  {100 * g / peak:5.1f}% of peak"
        print(line)
    if "ours2" in runs:
        print(f"two threads against one: {med('ours2') / med('ours'):.2f}x (bar 1.8x)")
    for who in ("torch", "reference"):
        if who in runs:
            fair = "the fair peer" if who == "torch" else "the slow netlib code: not a fair peer"
            print(f"ratio against {LABELS[who]}: {med('ours') / med(who):.2f}x ({fair}; {BARS.get(kind, '')})")
    verdict(loaded)


def verdict(loaded):
    if loaded:
        print("LOADED MACHINE: these figures are not for the README; run again on a quiet machine")
    else:
        print("quiet machine: these figures may be quoted, with the command that made them")


if __name__ == "__main__":
    main()
