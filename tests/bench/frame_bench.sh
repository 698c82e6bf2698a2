#!/usr/bin/env bash
# frame_bench.sh: the desktop app's frame time and its trainer's speed, in a
# real window under Xvfb (Mesa llvmpipe), training at full speed; and the
# headless CLI on the same configuration and threads, before and after, for the ratio. Bars:
# frame p95 <= 16.7 ms (goal 8 ms); trainer >= 70% of the CLI's steps/s (goal 90%).
# Two cases:
#   names  the lecture config on names.txt (the default)
#   words  the word defaults (17,000 words of WordNet's glosses) with the live
#          t-SNE map on, the view's heaviest picture
# Frames are paced to the display's refresh (60 Hz under Xvfb); the frame
# time is the work of each frame (events, UI, rendering, presenting). The
# conditions are the speed scripts' (speed_env.sh): the CPU, the load average
# before and after, and the cores other work took while the runs ran; a load
# above 1 before, or other work over a quarter of a core, marks the figures as
# from a loaded machine (the runs' own load shows in the load after).
# Usage: tests/bench/frame_bench.sh [build-dir] [frames] [names|words] [extra app flags...]   (a Release build)
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
frames=${2:-1200}
shift $(( $# > 2 ? 2 : $# ))
case_name=names
if [ $# -gt 0 ] && { [ "$1" = names ] || [ "$1" = words ]; }; then case_name=$1; shift; fi
names=../shared/data/names.txt
command -v xvfb-run >/dev/null || { echo "frame_bench: xvfb-run not installed (apt-get install xvfb)"; exit 1; }
if [ "$case_name" = names ]; then
  if [ ! -f "$names" ]; then echo "frame_bench: $names not found; skipping"; exit 0; fi
  app_flags=(--data "$names")
  cli_flags=(--data "$names" --steps 200000 --val-every 10000)
else
  app_flags=(--tokenizer word --projection tsne)
  cli_flags=(--tokenizer word --steps 1500 --val-every 500)
fi
out=$(mktemp -d)
. tests/bench/speed_env.sh
speed_begin "frame_bench ($case_name)"

# The CLI before and after the window: the machine's speed drifts over a
# minute, and the ratio is to the mean of the two. It validates as often as
# the window's run does (the CLI alone validates only at the end): every
# 10,000 steps for the lecture, every 500 with the word defaults, where a
# validation pass (loss and top-1 over the split) costs seconds.
"$build/src/cli/embedviz-train" "${cli_flags[@]}" --json -q > "$out/cli1.json"
xvfb-run -a -s "-screen 0 1920x1200x24" "$build/src/app/embedviz" --size 1600x1000 "${app_flags[@]}" --play \
  --frames "$frames" --stats "$out/app.json" --screenshot "$out/app.png" "$@"
"$build/src/cli/embedviz-train" "${cli_flags[@]}" --json -q > "$out/cli2.json"
speed_end

/usr/bin/python3 - "$out/app.json" "$out/cli1.json" "$out/cli2.json" "$speed_conditions" <<'PY'
import json, sys
app = json.load(open(sys.argv[1]))
clis = [json.loads(open(f).read().strip().splitlines()[-1])["steps_per_s"] for f in sys.argv[2:4]]
cli = sum(clis) / 2
c = json.loads(sys.argv[4])
ratio = app["train_steps_per_s"] / cli
pace = f"paced to {app['fps_limit']:.0f} Hz" if app['fps_limit'] > 0 else "unpaced"
print(f"frames {app['frames']} at {app['width']}x{app['height']}, {pace}, "
      f"shown at {app['fps']:.1f} fps")
print(f"frame time (the work of a frame): p50 {app['frame_ms_p50']:.1f} ms, p95 {app['frame_ms_p95']:.1f} ms "
      f"(bar 16.7, goal 8)")
if "redrawn_p50" in app:
    print(f"  the share of the window redrawn: p50 {100 * app['redrawn_p50']:.0f}%, p95 {100 * app['redrawn_p95']:.0f}%")
if "ui_ms_p50" in app:
    print("  of which: " + ", ".join(f"{k} p50 {app[k + '_ms_p50']:.1f} / p95 {app[k + '_ms_p95']:.1f} ms"
                                     for k in ("ui", "render", "present")))
if app.get("layer_passes_per_s", 0) > 0:
    print(f"  the point layer: rasterising and uploading p50 {app['layer_ms_p50']:.2f} / p95 "
          f"{app['layer_ms_p95']:.2f} ms of CPU a frame, {app['layer_passes_per_s']:.1f} pictures a second")
if "map_layouts_per_s" in app:
    print(f"  the map: first layout after {app['map_first_layout_s']:.1f} s, "
          f"{app['map_layouts_per_s']:.1f} new layouts a second")
print(f"trainer in the app: {app['train_steps_per_s']:.1f} steps/s; CLI before and after: {clis[0]:.1f} and "
      f"{clis[1]:.1f} steps/s; ratio to their mean {100 * ratio:.0f}% (bar 70%, goal 90%)")
print(f"{c['cpu']}; load average before {c['load_before']}, after {c['load_after']}; over the "
      f"{c['seconds']:.0f} s other work took {c['other_cores']:.2f} cores, the hypervisor {c['steal_cores']:.2f}")
loaded = float(c["load_before"].split()[0]) > 1 or c["other_cores"] > 0.25
print("LOADED MACHINE: these figures are not for the README; run again on a quiet machine" if loaded
      else "quiet machine: these figures may be quoted, with the command that made them")
PY
echo "screenshot: $out/app.png"
