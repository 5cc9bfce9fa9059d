"""The report's plots: matplotlib figures rendered to inline SVG (no files, no network).

Text stays text in the SVG (``svg.fonttype = none``), which keeps each plot to a few tens of
kilobytes and lets the browser's fonts render it. Figures are built with the object API
(``Figure``), never ``pyplot``, so no global state or GUI backend is involved, and ids inside
each SVG are salted with the plot's name so several plots can share one page.
"""

from __future__ import annotations

import io
import math
import re
import warnings
from collections.abc import Sequence
from typing import Any

COLORS = {
    "kept": "#2a9d8f",
    "rejected": "#e76f51",
    "rejected by this stage": "#e76f51",
    "rejected elsewhere": "#c9c9c9",
    "quarantined": "#8d99ae",
    "input": "#264653",
    "threshold": "#b5179e",
}
PALETTE = ["#264653", "#2a9d8f", "#e9c46a", "#f4a261", "#e76f51", "#8d99ae", "#6d597a"]


def _figure(width: float, height: float, left: float = 0.08, bottom: float = 0.5) -> Any:
    """A figure with fixed margins (in inches for bottom/top; constrained layout would cost
    as much again as drawing)."""
    import matplotlib

    matplotlib.rcParams.update(
        {
            "svg.fonttype": "none",
            "font.size": 9,
            "font.family": "sans-serif",
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.titlesize": 10,
            "axes.titleweight": "bold",
            "axes.titlelocation": "left",
            "legend.frameon": False,
            "legend.fontsize": 8,
        }
    )
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height))
    fig.subplots_adjust(
        left=left, right=0.97, bottom=bottom / height, top=1 - 0.4 / height, wspace=0.25, hspace=0.7
    )
    return fig


def to_svg(fig: Any, name: str) -> str:
    import matplotlib

    buf = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": name}), warnings.catch_warnings():
        # labels come from the data (hosts, file names); text stays text in the SVG and the
        # browser finds a font, so matplotlib's own font lacking a glyph does not matter
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    svg = buf.getvalue()
    svg = svg[svg.index("<svg") :]
    # shrink with the page but never grow past the figure's own size: width in CSS, not attrs
    m = re.search(r'<svg([^>]*?) width="([\d.]+)pt" height="([\d.]+)pt"', svg)
    if m:
        width_px = float(m.group(2)) * 4 / 3
        svg = svg.replace(m.group(0), f"<svg{m.group(1)}", 1)
        style = f' style="max-width:{width_px:.0f}px"'
    else:
        style = ""
    return svg.replace("<svg", f'<svg class="plot" role="img" aria-label="{name}"{style}', 1)


def funnel(stages: Sequence[str], docs: Sequence[int], chars: Sequence[int]) -> str:
    """Documents and characters remaining after each stage, as horizontal bars."""
    fig = _figure(9, 0.35 * len(stages) + 1.2, left=0.17, bottom=0.35)
    axes = fig.subplots(1, 2, sharey=True)
    y = list(range(len(stages)))
    for ax, values, title in ((axes[0], docs, "documents"), (axes[1], chars, "characters")):
        top = max(values) if values else 0
        ax.barh(y, values, color=COLORS["kept"], height=0.65)
        for yi, v in zip(y, values, strict=True):
            share = f"{100 * v / top:.1f}%" if top else ""
            ax.text(v, yi, f" {_short(v)}  {share}", va="center", fontsize=8)
        ax.set_title(f"{title} remaining")
        ax.set_xlim(0, top * 1.35 if top else 1)
        ax.xaxis.set_major_formatter(_short_formatter())
    axes[0].set_yticks(y, [_clip_label(s, 28) for s in stages])
    axes[0].invert_yaxis()
    return to_svg(fig, "funnel")


def length_histogram(series: dict[str, dict[int, int]], edge: Any) -> str:
    """Document lengths on a log axis, one outline per series (counts per logarithmic bin)."""
    fig = _figure(9, 2.8)
    ax = fig.subplots()
    colors = [COLORS["input"], COLORS["kept"], COLORS["rejected"]]
    for i, ((label, counts), color) in enumerate(zip(series.items(), colors, strict=False)):
        if not counts:
            continue
        lo, hi = min(counts), max(counts)
        bins = list(range(lo, hi + 1))
        edges = [max(edge(b), 0.8) for b in bins] + [edge(hi + 1)]
        ax.stairs(
            [counts.get(b, 0) for b in bins],
            edges,
            label=label,
            color=color,
            fill=i == 0,
            alpha=0.25 if i == 0 else 1.0,
            linewidth=1.6,
        )
    ax.set_xscale("log")
    ax.xaxis.set_major_formatter(_short_formatter())
    ax.xaxis.set_minor_formatter(_short_formatter(minor=True))
    ax.set_xlabel("characters")
    ax.set_ylabel("documents")
    ax.set_title("document length")
    ax.legend(loc="upper right")
    return to_svg(fig, "lengths")


def signal_histograms(
    stage: str,
    panels: list[tuple[str, list[tuple[float, str]], list[tuple[str, float]]]],
    columns: int = 3,
) -> str:
    """Small multiples: one histogram per signal, stacked by verdict, thresholds as lines."""
    import numpy as np

    rows = math.ceil(len(panels) / columns)
    fig = _figure(9, 2.0 * rows + 0.4, bottom=0.3)
    axes = np.atleast_1d(fig.subplots(rows, columns, squeeze=False)).ravel()
    tags = ("kept", "rejected by this stage", "rejected elsewhere")
    for ax, (key, sample, thresholds) in zip(axes, panels, strict=False):
        values = np.array([v for v, _ in sample], dtype=float)
        lo = float(values.min()) if len(values) else 0.0
        top = float(np.percentile(values, 99)) if len(values) else 1.0
        # heavy tails: the axis ends at the 99th percentile (the rest piles into the last bin),
        # extended to the thresholds that are not far beyond it
        span = max(top - lo, 1e-9)
        marks = [t for _, t in thresholds if lo - span <= t <= top + 2 * span]
        thresholds = [(label, t) for label, t in thresholds if t in marks]
        lo = min([lo, *marks])
        hi = max([top, *marks])
        log = lo > 0 and hi / lo > 1000
        if hi == lo:
            lo, hi = lo - 0.5, hi + 0.5
        integral = len(values) and bool(np.all(values == np.round(values)))
        if integral and not log and hi - lo <= 60:
            bins = np.arange(math.floor(lo) - 0.5, math.ceil(hi) + 1.0)  # one bar per value
        elif log:
            bins = np.geomspace(lo, hi, 41)
        else:
            bins = np.linspace(lo, hi, 41)
        stacked = [
            np.clip(np.array([v for v, t in sample if t == tag], dtype=float), lo, hi)
            for tag in tags
        ]
        present = [(s, tag) for s, tag in zip(stacked, tags, strict=True) if len(s)]
        if present:
            ax.hist(
                [s for s, _ in present],
                bins=bins,
                stacked=True,
                histtype="stepfilled",
                color=[COLORS[t] for _, t in present],
                label=[t for _, t in present],
            )
        for label, t in thresholds:
            ax.axvline(t, color=COLORS["threshold"], linestyle="--", linewidth=1.2)
            ax.annotate(
                f"{label} = {t:g}",
                (t, 1),
                xycoords=("data", "axes fraction"),
                fontsize=7,
                color=COLORS["threshold"],
                rotation=90,
                va="top",
                ha="right",
                bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "none", "pad": 1},
            )
        if log:
            ax.set_xscale("log")
        ax.set_title(_clip_label(key), fontsize=9)
        ax.tick_params(labelsize=7)
    for ax in axes[len(panels) :]:
        ax.set_visible(False)
    handles, labels = axes[0].get_legend_handles_labels()
    if handles:
        fig.legend(handles, labels, loc="upper right", ncols=3)
    return to_svg(fig, f"signals-{stage}")


def stacked_bars(
    title: str, labels: Sequence[str], parts: dict[str, Sequence[float]], name: str
) -> str:
    """Horizontal bars split into parts (for example kept and rejected documents per source)."""
    fig = _figure(9, 0.28 * len(labels) + 1.0, left=0.25, bottom=0.35)
    ax = fig.subplots()
    y = list(range(len(labels)))
    left = [0.0] * len(labels)
    for i, (part, values) in enumerate(parts.items()):
        ax.barh(
            y,
            values,
            left=left,
            height=0.7,
            label=part,
            color=COLORS.get(part, PALETTE[i % len(PALETTE)]),
        )
        left = [a + b for a, b in zip(left, values, strict=True)]
    ax.set_yticks(y, [_clip_label(s) for s in labels], fontsize=8)
    ax.invert_yaxis()
    ax.xaxis.set_major_formatter(_short_formatter())
    ax.set_title(title)
    if len(parts) > 1:
        fig.subplots_adjust(right=0.86)
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return to_svg(fig, name)


def bars(title: str, xs: Sequence[Any], ys: Sequence[float], xlabel: str, name: str) -> str:
    """Vertical bars (for example duplicate clusters by size)."""
    width = min(9.0, 3.0 + 0.3 * len(xs))
    fig = _figure(width, 2.4, left=0.6 / width + 0.05)
    ax = fig.subplots()
    pos = list(range(len(xs)))
    ax.bar(pos, ys, color=COLORS["input"], width=0.7)
    ax.set_xticks(pos, [_clip_label(str(x), 12) for x in xs])
    ax.set_xlim(-0.8, max(len(xs), 4) - 0.2)
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    ax.yaxis.set_major_formatter(_short_formatter())
    if len(xs) > 20:
        ax.tick_params(axis="x", labelrotation=90, labelsize=7)
    return to_svg(fig, name)


def _clip_label(s: str, n: int = 40) -> str:
    s = "".join(c if c.isprintable() else "�" for c in s)
    return s if len(s) <= n else s[: n - 1] + "…"


def _short(v: float) -> str:
    for div, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(v) >= div:
            return f"{v / div:.3g}{suffix}"
    return f"{v:.3g}" if isinstance(v, float) and not float(v).is_integer() else f"{int(v)}"


def _short_formatter(minor: bool = False) -> Any:
    """1.2k / 3M labels; on a log axis's minor ticks only 2x and 5x are labelled."""
    from matplotlib.ticker import FuncFormatter

    def label(v: float, _: Any) -> str:
        if minor:
            lead = v / 10 ** math.floor(math.log10(v)) if v > 0 else 0
            if round(lead) not in (2, 5):
                return ""
        return _short(v)

    return FuncFormatter(label)
