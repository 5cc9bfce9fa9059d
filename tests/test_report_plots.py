"""The report's plots: well-formed SVG that shows the numbers it was given, the same bytes for
the same data, and labels from the data escaped."""

from __future__ import annotations

import random
import xml.etree.ElementTree as ET

import numpy as np

from tamis.report import plots
from tamis.report.sampling import LogHistogram

NS = "{http://www.w3.org/2000/svg}"


def texts(svg: str) -> list[str]:
    return [t.text or "" for t in ET.fromstring(svg).iter(f"{NS}text")]


def test_funnel_shows_what_remains_after_each_stage():
    svg = plots.funnel(["input", "clean", "quality <x>"], [100, 90, 0], [5000, 4000, 0])
    root = ET.fromstring(svg)
    assert root.get("class") == "plot" and root.get("aria-label") == "funnel"
    shown = texts(svg)
    assert "90 90.0%" in shown and "0 0.0%" in shown and "4k 80.0%" in shown
    assert "quality <x>" in shown  # escaped in the markup, intact as text
    assert len(list(root.iter(f"{NS}rect"))) == 4  # the two empty bars draw nothing
    assert svg == plots.funnel(["input", "clean", "quality <x>"], [100, 90, 0], [5000, 4000, 0])


def test_signal_histogram_bins_thresholds_and_verdicts():
    rng = random.Random(3)
    sample = [
        (float(rng.randint(0, 20)), rng.choice(["kept", "rejected by this stage"]))
        for _ in range(300)
    ]
    svg = plots.signal_histograms("q", [("n_words", sample, [("min_words", 5.0)])])
    assert "min_words = 5" in texts(svg) and "n_words" in texts(svg)
    bins, log, shown = plots.histogram_bins(np.array([v for v, _ in sample]), [("min_words", 5.0)])
    assert not log and shown == [("min_words", 5.0)]
    assert np.allclose(np.diff(bins), 1.0)  # integers in a small range: one bar per value
    bands = list(ET.fromstring(svg).iter(f"{NS}path"))
    assert [b.get("fill") for b in bands] == [plots.COLORS["kept"], plots.COLORS["rejected"]]


def test_every_plot_is_well_formed_and_deterministic():
    lengths = LogHistogram()
    for n in (5, 50, 500, 5000, 0):
        lengths.add("input documents (original)", n)
    made = [
        lambda: plots.length_histogram(
            {k: dict(v) for k, v in lengths.counts.items()}, LogHistogram.edge
        ),
        lambda: plots.stacked_bars(
            "per source", ["a.example", "b & c"], {"kept": [3, 1], "rejected": [1, 0]}, "sources"
        ),
        lambda: plots.bars("clusters by size", list(range(2, 30)), [1] * 28, "size", "c"),
        lambda: plots.signal_histograms("s", [("x", [(1e-3, "kept"), (5e2, "kept")], [])]),
    ]
    for make in made:
        svg = make()
        assert ET.fromstring(svg).tag == f"{NS}svg"
        assert svg == make()
    assert "b & c" in texts(made[1]())
