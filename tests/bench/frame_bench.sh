#!/usr/bin/env bash
# frame_bench.sh: the desktop app's frame time and its trainer's speed, in a
# real window under Xvfb (Mesa llvmpipe), training the lecture config on
# names.txt at full speed; then the headless CLI on the same config, for the
# ratio. Bars: frame p95 <= 16.7 ms (goal 8 ms); trainer >= 70% of the CLI's
# steps/s (goal 90%).
# Frames are paced to the display's refresh (60 Hz under Xvfb); the frame
# time is the work of each frame (events, UI, rendering, presenting).
# Usage: tests/bench/frame_bench.sh [build-dir] [frames] [extra app flags...]   (a Release build)
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
frames=${2:-1200}
shift $(( $# > 2 ? 2 : $# ))
names=../shared/data/names.txt
if [ ! -f "$names" ]; then echo "frame_bench: $names not found; skipping"; exit 0; fi
command -v xvfb-run >/dev/null || { echo "frame_bench: xvfb-run not installed (apt-get install xvfb)"; exit 1; }
out=$(mktemp -d)

xvfb-run -a -s "-screen 0 1920x1200x24" "$build/src/app/embedviz" --size 1600x1000 --data "$names" --play \
  --frames "$frames" --stats "$out/app.json" --screenshot "$out/app.png" "$@"
"$build/src/cli/embedviz-train" --data "$names" --steps 200000 --json -q > "$out/cli.json"

python3 - "$out/app.json" "$out/cli.json" <<'PY'
import json, sys
app = json.load(open(sys.argv[1]))
cli = json.loads(open(sys.argv[2]).read().strip().splitlines()[-1])
ratio = app["train_steps_per_s"] / cli["steps_per_s"]
pace = f"paced to {app['fps_limit']:.0f} Hz" if app['fps_limit'] > 0 else "unpaced"
print(f"frames {app['frames']} at {app['width']}x{app['height']}, {pace}, "
      f"shown at {app['fps']:.1f} fps")
print(f"frame time (the work of a frame): p50 {app['frame_ms_p50']:.1f} ms, p95 {app['frame_ms_p95']:.1f} ms "
      f"(bar 16.7, goal 8)")
if "ui_ms_p50" in app:
    print("  of which: " + ", ".join(f"{k} p50 {app[k + '_ms_p50']:.1f} / p95 {app[k + '_ms_p95']:.1f} ms"
                                     for k in ("ui", "render", "present")))
print(f"trainer in the app: {app['train_steps_per_s']:.0f} steps/s; CLI: {cli['steps_per_s']:.0f} steps/s; "
      f"ratio {100 * ratio:.0f}% (bar 70%, goal 90%)")
PY
echo "screenshot: $out/app.png"
