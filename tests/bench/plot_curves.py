#!/usr/bin/env python3
"""Validation curves of embedviz-train runs on one axes, as an SVG (standard library only).

Inputs, one or more, in any mix:
  FILE.csv   a run's loss history (--export-loss-csv: step,train_loss,val_loss); the rows
             with a validation loss (--val-every N) make its curve
  FILE.json  a sweep's results (--sweep-out FILE): one curve per run, from its val_curve

  plot_curves.py from-vectors.csv from-random.csv --label "from the vectors" --label "from random" \\
      --perplexity --log-y --hline "Kneser-Ney trigram=160.9" -o curves.svg

Prints, for each curve and reference line, the step at which the curve crosses the line
(interpolated linearly between the two validation points around it), if it does.
"""
import argparse
import csv
import json
import math
import os
import sys
from xml.sax.saxutils import escape

# Okabe and Ito's palette for colour-blind readers (its yellow, faint on white, left out).
COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]
DASHES = ["", "8 4", "2 3", "8 3 2 3"]  # cycled after the colours run out
FONT = 14
CHAR_W = 0.58 * FONT  # a sans-serif character's mean width, for layout


class Curve:
    def __init__(self, label, steps, losses, batch=None):
        self.label, self.steps, self.losses, self.batch = label, steps, losses, batch


def read_csv(path):
    steps, losses = [], []
    with open(path, newline="") as f:
        rows = csv.DictReader(f)
        if not rows.fieldnames or "step" not in rows.fieldnames or "val_loss" not in rows.fieldnames:
            raise ValueError(f"{path}: not a loss CSV (step,train_loss,val_loss)")
        for row in rows:
            if row["val_loss"].strip():
                steps.append(int(row["step"]))
                losses.append(float(row["val_loss"]))
    if not steps:
        raise ValueError(f"{path}: no validation losses (train with --val-every N)")
    return [Curve(os.path.splitext(os.path.basename(path))[0], steps, losses)]


def read_sweep_json(path):
    with open(path) as f:
        doc = json.load(f)
    curves = []
    for run in doc.get("runs", []):
        points = run.get("val_curve") or []
        if points:
            label = f"{doc.get('param', 'run')}={run.get('value')}"
            curves.append(Curve(label, [int(s) for s, _ in points], [float(v) for _, v in points], run.get("batch")))
    if not curves:
        raise ValueError(f"{path}: no run with a validation curve")
    return curves


def read_inputs(paths):
    curves = []
    for path in paths:
        curves += read_sweep_json(path) if path.endswith(".json") else read_csv(path)
    return curves


def parse_hline(text):
    label, sep, value = text.rpartition("=")
    if not sep or not label.strip():
        raise argparse.ArgumentTypeError(f'--hline "{text}": want "LABEL=VALUE"')
    try:
        return label.strip(), float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f'--hline "{text}": {value!r} is not a number')


def nice_step(span, count):
    """A step of 1, 2 or 5 times a power of ten giving about `count` intervals over `span`."""
    raw = span / max(count, 1)
    power = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        if m * power >= raw:
            return m * power
    return 10 * power


def linear_ticks(lo, hi, count=6):
    step = nice_step(hi - lo, count)
    first = math.ceil(lo / step - 1e-9)
    ticks = [round(k * step, 12) for k in range(first, int(math.floor(hi / step + 1e-9)) + 1)]
    return ticks


def log_ticks(lo, hi):
    """Round values inside [lo, hi] for a log axis: 1-2-5 per decade, finer when the range is narrow."""
    for mantissas in ((1,), (1, 2, 5), (1, 1.5, 2, 3, 5, 7)):
        ticks = []
        for e in range(math.floor(math.log10(lo)) - 1, math.ceil(math.log10(hi)) + 1):
            ticks += [m * 10 ** e for m in mantissas if lo <= m * 10 ** e <= hi]
        if len(ticks) >= 4:
            return sorted(ticks)
    return linear_ticks(lo, hi, 5)  # under a factor of about two: evenly spaced round values


def fmt(v):
    """Tick text: thousands separated, no trailing zeros; millions as M."""
    if abs(v) >= 1e6:
        return f"{v / 1e6:g}M"
    if abs(v) >= 1000 or v == int(v):
        return f"{v:,.0f}"
    return f"{v:.6g}"


def tick_texts(ticks, linear):
    """Tick texts with one number of decimals along a linear axis (6.6, 6.8, 7.0, not 7)."""
    if not linear or len(ticks) < 2 or max(abs(t) for t in ticks) >= 1000:
        return [fmt(t) for t in ticks]
    decimals = max(0, -math.floor(math.log10(ticks[1] - ticks[0]) + 1e-9))
    return [f"{t:.{decimals}f}" for t in ticks]


def crossings(curve, xs, level):
    """The interpolated x values at which the curve's loss passes the loss `level`."""
    out = []
    for i in range(1, len(curve.losses)):
        a, b = curve.losses[i - 1] - level, curve.losses[i] - level
        if a == 0 and i == 1:
            out.append(xs[0])
        if (a > 0 >= b) or (a < 0 <= b):
            t = a / (a - b)
            out.append(xs[i - 1] + t * (xs[i] - xs[i - 1]))
    return out


class Axes:
    """Maps data to pixels inside the plot rectangle."""

    def __init__(self, box, xr, yr, log_y):
        self.left, self.top, self.right, self.bottom = box
        self.x0, self.x1 = xr
        self.log_y = log_y
        self.y0, self.y1 = (math.log(yr[0]), math.log(yr[1])) if log_y else yr

    def px(self, x):
        return self.left + (x - self.x0) / (self.x1 - self.x0) * (self.right - self.left)

    def py(self, y):
        v = math.log(y) if self.log_y else y
        return self.bottom - (v - self.y0) / (self.y1 - self.y0) * (self.bottom - self.top)


def text(x, y, s, anchor="start", size=FONT, fill="#222", extra=""):
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="{fill}"{extra}>'
            f"{escape(s)}</text>")


def legend_rows(labels, width):
    """Legend entries wrapped into rows that fit the width: a list of rows of (index, x offset)."""
    rows, row, x = [], [], 0.0
    for i, label in enumerate(labels):
        w = 34 + len(label) * CHAR_W + 24
        if row and x + w > width:
            rows.append(row)
            row, x = [], 0.0
        row.append((i, x))
        x += w
    return rows + [row] if row else rows


def render(curves, xs_of, ys_of, hlines, args):
    width, height = args.width, args.height
    labels = [c.label for c in curves]
    legend = legend_rows(labels, width - 100)
    all_x = [x for c in curves for x in xs_of(c)]
    all_y = [y for c in curves for y in ys_of(c)] + [v for _, v in hlines]
    xr = (args.xmin if args.xmin is not None else min(0, min(all_x)), max(all_x))
    ylo, yhi = min(all_y), max(all_y)
    if args.log_y:
        pad = (yhi / ylo) ** 0.04
        yr = (ylo / pad, yhi * pad)
    else:
        pad = (yhi - ylo) * 0.04 or abs(yhi) * 0.05 or 1
        yr = (ylo - pad, yhi + pad)
    yr = (args.ymin if args.ymin is not None else yr[0], args.ymax if args.ymax is not None else yr[1])
    yticks = log_ticks(*yr) if args.log_y else linear_ticks(*yr)
    xticks = linear_ticks(*xr, count=6)
    ytexts, xtexts = tick_texts(yticks, not args.log_y), tick_texts(xticks, True)
    ytick_w = max(len(t) for t in ytexts) * CHAR_W
    top = 40 if args.title else 16
    right = width - max(24, len(xtexts[-1]) * CHAR_W / 2 + 8)  # the last x tick's text stays whole
    box = (28 + ytick_w + 12, top, right, height - 62 - 24 * len(legend))
    ax = Axes(box, xr, yr, args.log_y)
    left, top, right, bottom = box

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="Helvetica, Arial, sans-serif">',
           f'<rect width="{width}" height="{height}" fill="#fff"/>']
    if args.title:
        out.append(text(width / 2, 24, args.title, "middle", FONT + 2, extra=' font-weight="bold"'))
    # Grid and ticks.
    for t, s in zip(yticks, ytexts):
        y = ax.py(t)
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" stroke="#e3e3e3"/>')
        out.append(text(left - 8, y + FONT * 0.35, s, "end"))
    for t, s in zip(xticks, xtexts):
        x = ax.px(t)
        out.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{bottom}" stroke="#e3e3e3"/>')
        out.append(text(x, bottom + FONT + 6, s, "middle"))
    out.append(f'<rect x="{left}" y="{top}" width="{right - left}" height="{bottom - top}" fill="none" stroke="#444"/>')
    xlabel = "examples seen" if args.x == "examples" else "step"
    ylabel = "validation perplexity" if args.perplexity else "validation loss (nats)"
    if args.log_y:
        ylabel += ", log scale"
    out.append(text((left + right) / 2, bottom + 2 * FONT + 14, xlabel, "middle"))
    out.append(text(16, (top + bottom) / 2, ylabel, "middle",
                    extra=f' transform="rotate(-90 16 {(top + bottom) / 2:.1f})"'))
    # Reference lines, labelled at the right end above the line, below it near the top
    # (a white halo keeps the text readable over the grid and curves).
    for label, value in hlines:
        y = ax.py(value)
        ty = y - 6 if y - top > FONT + 8 else y + FONT + 4
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" stroke="#666" stroke-width="1.5" '
                   f'stroke-dasharray="6 4"/>')
        out.append(text(right - 6, ty, f"{label} ({fmt(value)})", "end", FONT - 1, "#444",
                        ' stroke="#fff" stroke-width="4" paint-order="stroke"'))
    # The curves: a polyline and a dot at every validation point.
    for i, c in enumerate(curves):
        colour, dash = COLOURS[i % len(COLOURS)], DASHES[(i // len(COLOURS)) % len(DASHES)]
        pts = [(ax.px(x), ax.py(y)) for x, y in zip(xs_of(c), ys_of(c))]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2.5"{dash_attr} points="'
                   + " ".join(f"{x:.1f},{y:.1f}" for x, y in pts) + '"><title>' + escape(c.label) + "</title></polyline>")
        out += [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}"/>' for x, y in pts]
    # The legend, in rows under the axes.
    for r, row in enumerate(legend):
        row_w = row[-1][1] + 34 + len(labels[row[-1][0]]) * CHAR_W
        x0, y = (width - row_w) / 2, height - 14 - 24 * (len(legend) - 1 - r)
        for i, dx in row:
            colour, dash = COLOURS[i % len(COLOURS)], DASHES[(i // len(COLOURS)) % len(DASHES)]
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            out.append(f'<line x1="{x0 + dx:.1f}" y1="{y - 5}" x2="{x0 + dx + 26:.1f}" y2="{y - 5}" '
                       f'stroke="{colour}" stroke-width="2.5"{dash_attr}/>')
            out.append(text(x0 + dx + 34, y, labels[i]))
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    p.add_argument("inputs", nargs="+", help="loss CSVs (--export-loss-csv) and sweep JSONs (--sweep-out)")
    p.add_argument("-o", "--output", required=True, help="the SVG to write")
    p.add_argument("--label", action="append", default=[], help="a curve's legend text, in order (repeat)")
    p.add_argument("--x", choices=["step", "examples"], default="step", help="x axis: step, or examples seen")
    p.add_argument("--batch", type=int, help="examples per step, for --x examples (a sweep JSON gives its own)")
    p.add_argument("--perplexity", action="store_true", help="plot exp(loss) instead of the loss")
    p.add_argument("--log-y", action="store_true", help="logarithmic y axis")
    p.add_argument("--hline", type=parse_hline, action="append", default=[], metavar='"LABEL=VALUE"',
                   help="a labelled reference line, in the y axis's units (repeat)")
    p.add_argument("--title")
    p.add_argument("--xmin", type=float, help="x axis start (default: 0, or the first point if lower)")
    p.add_argument("--ymin", type=float)
    p.add_argument("--ymax", type=float)
    p.add_argument("--width", type=int, default=900)
    p.add_argument("--height", type=int, default=460)
    args = p.parse_args(argv)
    try:
        curves = read_inputs(args.inputs)
    except (OSError, ValueError, KeyError, TypeError) as e:
        p.exit(1, f"plot_curves: {e}\n")
    if len(args.label) > len(curves):
        p.exit(1, f"plot_curves: {len(args.label)} labels for {len(curves)} curves\n")
    for c, label in zip(curves, args.label):
        c.label = label
    if args.x == "examples":
        for c in curves:
            c.batch = c.batch or args.batch
            if not c.batch:
                p.exit(1, f"plot_curves: --x examples needs --batch N for {c.label}\n")
    bad = [v for _, v in args.hline if args.log_y and v <= 0]
    if bad:
        p.exit(1, "plot_curves: a reference line at or below 0 on a log axis\n")

    def xs_of(c):
        return [s * c.batch for s in c.steps] if args.x == "examples" else c.steps

    def ys_of(c):
        return [math.exp(v) for v in c.losses] if args.perplexity else c.losses

    svg = render(curves, xs_of, ys_of, args.hline, args)
    with open(args.output, "w") as f:
        f.write(svg)
    unit = "examples" if args.x == "examples" else "step"
    for label, value in args.hline:
        level = math.log(value) if args.perplexity else value
        for c in curves:
            xs = xs_of(c)
            where = crossings(c, xs, level)
            if where:
                print(f"{c.label} crosses {label} ({fmt(value)}) at {unit} {', '.join(f'{x:,.0f}' for x in where)}")
            else:
                side = "above" if c.losses[-1] > level else "below"
                print(f"{c.label} stays {side} {label} ({fmt(value)}) from {unit} {xs[0]:,} to {xs[-1]:,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
