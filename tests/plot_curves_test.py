"""tests/bench/plot_curves.py on small loss files written by the test: the SVG's curves, legend, ticks and
reference lines, the crossings it prints, and the inputs it refuses."""
import json
import math
import os
import subprocess
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "bench", "plot_curves.py")
SVG = "{http://www.w3.org/2000/svg}"


def run(*args):
    return subprocess.run([sys.executable, SCRIPT, *args], capture_output=True, text=True)


class PlotCurvesTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        d = self.dir.name
        self.csv = os.path.join(d, "a.csv")
        with open(self.csv, "w") as f:  # as --export-loss-csv writes it: training rows without a validation loss
            f.write("step,train_loss,val_loss\n0,3.5,\n1,3.4,\n100,3.1,3.0\n150,2.9,\n200,2.4,2.0\n300,,1.8\n")
        self.json = os.path.join(d, "sweep.json")
        with open(self.json, "w") as f:  # as --sweep-out writes it (the fields the plot reads)
            json.dump({"param": "hidden", "best": 1, "runs": [
                {"value": "50", "batch": 32, "val_curve": [[100, 3.2], [200, 2.8], [300, 2.6]]},
                {"value": "100", "batch": 32, "val_curve": [[100, 3.1], [200, 2.6], [300, 2.3]]}]}, f)
        self.svg = os.path.join(d, "out.svg")

    def tearDown(self):
        self.dir.cleanup()

    def texts(self, root):
        return [t.text for t in root.iter(SVG + "text")]

    def test_curves_legend_ticks_and_reference_line(self):
        r = run(self.csv, self.json, "--label", "solo", "--hline", "half way=2.5", "-o", self.svg)
        self.assertEqual(r.returncode, 0, r.stderr)
        root = ET.parse(self.svg).getroot()
        polylines = list(root.iter(SVG + "polyline"))
        self.assertEqual(len(polylines), 3)
        self.assertEqual(len(polylines[0].get("points").split()), 3)  # the CSV's three validation rows
        self.assertEqual(len({p.get("stroke") for p in polylines}), 3)  # a colour each
        texts = self.texts(root)
        for label in ("solo", "hidden=50", "hidden=100", "half way (2.5)", "step", "validation loss (nats)"):
            self.assertIn(label, texts)
        for tick in ("0", "100", "200", "300"):
            self.assertIn(tick, texts)
        numbers = [float(t.replace(",", "")) for t in texts if t.replace(".", "").replace(",", "").isdigit()]
        for v in numbers:  # round values only: whole multiples of 0.1
            self.assertAlmostEqual(v * 10, round(v * 10), places=6)
        # Crossings, interpolated: solo 3.0 at 100 to 2.0 at 200; hidden=100 2.6 at 200 to 2.3 at 300.
        self.assertIn("solo crosses half way (2.5) at step 150", r.stdout)
        self.assertIn("hidden=100 crosses half way (2.5) at step 233", r.stdout)
        self.assertIn("hidden=50 stays above half way (2.5)", r.stdout)

    def test_perplexity_examples_and_log_axis(self):
        r = run(self.json, "--perplexity", "--log-y", "--x", "examples",
                "--hline", f"trigram={math.exp(2.5):.4f}", "-o", self.svg)
        self.assertEqual(r.returncode, 0, r.stderr)
        root = ET.parse(self.svg).getroot()
        texts = self.texts(root)
        self.assertIn("examples seen", texts)
        self.assertIn("validation perplexity, log scale", texts)
        self.assertIn("8,000", texts)  # 300 steps of batch 32: 9,600 examples
        self.assertNotIn("10,000", texts)
        self.assertIn("hidden=100 crosses trigram (12.1825) at examples 7,467", r.stdout)
        # The highest perplexity (exp 3.2 = 24.5) sits above the lowest (exp 2.3 = 10.0) on the page.
        ys = [float(p.split(",")[1]) for pl in root.iter(SVG + "polyline") for p in pl.get("points").split()]
        self.assertLess(min(ys), max(ys))

    def test_refuses_what_it_cannot_plot(self):
        no_val = os.path.join(self.dir.name, "no_val.csv")
        with open(no_val, "w") as f:
            f.write("step,train_loss,val_loss\n0,3.5,\n1,3.4,\n")
        r = run(no_val, "-o", self.svg)
        self.assertEqual(r.returncode, 1)
        self.assertIn("--val-every", r.stderr)
        self.assertFalse(os.path.exists(self.svg))
        r = run(self.csv, "--x", "examples", "-o", self.svg)  # a CSV does not know its batch
        self.assertEqual(r.returncode, 1)
        self.assertIn("--batch", r.stderr)
        r = run(self.csv, "--hline", "no value", "-o", self.svg)
        self.assertEqual(r.returncode, 2)
        self.assertIn("LABEL=VALUE", r.stderr)


if __name__ == "__main__":
    unittest.main()
