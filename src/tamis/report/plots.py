"""The report's plots, written as inline SVG by hand (no files, no network, no plotting library).

The plots are five simple shapes (horizontal and vertical bars, stepped histograms, stacked
histograms with threshold lines), so they are written directly as SVG elements: a plotting
library spent more time laying out and serialising its artists than the whole pass over the
records. Text stays text, so the browser's fonts render it; each plot scales down with the
page but never grows past its own size. Everything here is string formatting of the numbers
given: the same data always gives the same bytes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from tamis.report.style import esc

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

WIDTH = 864  # px: the 9-inch figures the report always had
FONT = 12  # px, the body text of a plot
SMALL = 10  # px, tick labels of small multiples and bar values
TITLE = 13
AXIS = "#333"


def _f(v: float) -> str:
    """A coordinate, short and deterministic."""
    s = f"{v:.1f}"
    return s[:-2] if s.endswith(".0") else s


class _Svg:
    """An SVG document built as a list of element strings."""

    def __init__(self, width: float, height: float, name: str) -> None:
        self.width, self.height, self.name = width, height, name
        self.parts: list[str] = []

    def rect(self, x: float, y: float, w: float, h: float, fill: str, extra: str = "") -> None:
        if w <= 0 or h <= 0:
            return
        self.parts.append(
            f'<rect x="{_f(x)}" y="{_f(y)}" width="{_f(w)}" height="{_f(h)}" fill="{fill}"{extra}/>'
        )

    def line(
        self, x1: float, y1: float, x2: float, y2: float, stroke: str = AXIS, extra: str = ""
    ) -> None:
        self.parts.append(
            f'<line x1="{_f(x1)}" y1="{_f(y1)}" x2="{_f(x2)}" y2="{_f(y2)}" stroke="{stroke}"{extra}/>'
        )

    def text(
        self,
        x: float,
        y: float,
        s: str,
        size: float = FONT,
        anchor: str = "start",
        extra: str = "",
    ) -> None:
        a = "" if anchor == "start" else f' text-anchor="{anchor}"'
        self.parts.append(
            f'<text x="{_f(x)}" y="{_f(y)}" font-size="{size}"{a}{extra}>{esc(s)}</text>'
        )

    def path(self, d: str, fill: str = "none", stroke: str = "none", extra: str = "") -> None:
        self.parts.append(f'<path d="{d}" fill="{fill}" stroke="{stroke}"{extra}/>')

    def legend(self, x: float, y: float, items: Sequence[tuple[str, str]]) -> None:
        """Colour swatches with their labels, one per line, from (x, y) down."""
        for i, (label, color) in enumerate(items):
            yy = y + i * 15
            self.rect(x, yy - 9, 14, 9, color)
            self.text(x + 19, yy, label, SMALL)

    def render(self) -> str:
        return (
            f'<svg class="plot" role="img" aria-label="{esc(self.name)}" '
            f'xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_f(self.width)} {_f(self.height)}" '
            f'style="max-width:{self.width:.0f}px" font-family="sans-serif" fill="#1d2a33">'
            + "".join(self.parts)
            + "</svg>"
        )


class _Scale:
    """Data to pixels along one axis, linear or logarithmic."""

    def __init__(self, lo: float, hi: float, a: float, b: float, log: bool = False) -> None:
        self.log = log
        if log:
            lo, hi = math.log10(lo), math.log10(hi)
        if hi == lo:
            hi = lo + 1
        self.lo, self.hi, self.a, self.b = lo, hi, a, b

    def __call__(self, v: float) -> float:
        if self.log:
            v = math.log10(v) if v > 0 else self.lo
        return self.a + (v - self.lo) * (self.b - self.a) / (self.hi - self.lo)


def nice_ticks(lo: float, hi: float, target: int = 6) -> list[float]:
    """Round tick values (1, 2, 2.5, 5 times a power of ten) covering [lo, hi]."""
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        return [lo] if math.isfinite(lo) else []
    raw = (hi - lo) / target
    mag = 10 ** math.floor(math.log10(raw))
    step = 10 * mag
    for m in (1, 2, 2.5, 5):
        if m * mag >= raw:
            step = m * mag
            break
    first = math.ceil(lo / step - 1e-9)
    ticks = []
    k = first
    while k * step <= hi + step * 1e-9:
        v = k * step
        ticks.append(0.0 if abs(v) < step * 1e-9 else round(v, 12))
        k += 1
    return ticks


def log_ticks(lo: float, hi: float) -> list[tuple[float, bool]]:
    """(value, major) ticks of a log axis: each power of ten, and its 2x and 5x."""
    out = []
    for e in range(math.floor(math.log10(lo)), math.ceil(math.log10(hi)) + 1):
        for m, major in ((1, True), (2, False), (5, False)):
            v = m * 10.0**e
            if lo * (1 - 1e-9) <= v <= hi * (1 + 1e-9):
                out.append((v, major))
    return out


def _tick_label(v: float) -> str:
    return f"{round(v, 10):g}"


def _x_axis(
    svg: _Svg,
    sx: _Scale,
    y: float,
    lo: float,
    hi: float,
    fmt: Any = _tick_label,
    size: float = FONT,
) -> None:
    """The bottom axis: spine, ticks and labels (log axes label 2x and 5x too when a decade
    is wide enough to hold them)."""
    svg.line(sx.a, y, sx.b, y)
    ticks = log_ticks(lo, hi) if sx.log else [(t, True) for t in nice_ticks(lo, hi)]
    minor_labels = sx.log and (sx.b - sx.a) / max(sx.hi - sx.lo, 1e-9) >= 120
    for v, major in ticks:
        x = sx(v)
        svg.line(x, y, x, y + (4 if major else 2.5))
        if major or minor_labels:
            svg.text(x, y + 4 + size, fmt(v), size, "middle")


def _y_axis(
    svg: _Svg, sy: _Scale, x: float, lo: float, hi: float, fmt: Any, size: float = FONT
) -> None:
    svg.line(x, sy.a, x, sy.b)
    for v in nice_ticks(lo, hi, 5):
        y = sy(v)
        svg.line(x - 4, y, x, y)
        svg.text(x - 6, y + size * 0.35, fmt(v), size, "end")


def funnel(stages: Sequence[str], docs: Sequence[int], chars: Sequence[int]) -> str:
    """Documents and characters remaining after each stage, as horizontal bars."""
    row = 34
    top_pad, bottom_pad = 38, 34
    height = top_pad + row * len(stages) + bottom_pad
    svg = _Svg(WIDTH, height, "funnel")
    left = 0.17 * WIDTH
    gap = 0.25 * (WIDTH * 0.97 - left) / 2.25
    panel = (WIDTH * 0.97 - left - gap) / 2
    for p, (values, title) in enumerate(((docs, "documents"), (chars, "characters"))):
        x0 = left + p * (panel + gap)
        top = max(values) if values else 0
        hi = top * 1.35 if top else 1
        sx = _Scale(0, hi, x0, x0 + panel)
        svg.text(x0, top_pad - 14, f"{title} remaining", TITLE, extra=' font-weight="bold"')
        base = top_pad + row * len(stages)
        for i, v in enumerate(values):
            yc = top_pad + row * (i + 0.5)
            svg.rect(x0, yc - row * 0.325, sx(v) - x0, row * 0.65, COLORS["kept"])
            share = f"{100 * v / top:.1f}%" if top else ""
            svg.text(sx(v) + 4, yc + 4, f"{_short(v)} {share}", SMALL)
        svg.line(x0, top_pad, x0, base)
        _x_axis(svg, sx, base, 0, hi, _short)
    for i, s in enumerate(stages):
        svg.text(left - 6, top_pad + row * (i + 0.5) + 4, _clip_label(s, 28), FONT, "end")
    return svg.render()


def length_histogram(series: dict[str, dict[int, int]], edge: Any) -> str:
    """Document lengths on a log axis, one outline per series (counts per logarithmic bin)."""
    height = 270
    svg = _Svg(WIDTH, height, "lengths")
    x0, x1, y0, y1 = 0.08 * WIDTH + 10, 0.97 * WIDTH, height - 48, 38
    colors = [COLORS["input"], COLORS["kept"], COLORS["rejected"]]
    drawn = [(label, counts) for label, counts in series.items() if counts]
    if not drawn:
        svg.text(x0, y1 - 14, "document length", TITLE, extra=' font-weight="bold"')
        return svg.render()
    steps = []
    for label, counts in drawn:
        lo, hi = min(counts), max(counts)
        bins = list(range(lo, hi + 1))
        edges = [max(edge(b), 0.8) for b in bins] + [edge(hi + 1)]
        steps.append((label, [counts.get(b, 0) for b in bins], edges))
    xlo = min(e[0] for _, _, e in steps)
    xhi = max(e[-1] for _, _, e in steps)
    ytop = max(max(c) for _, c, _ in steps) * 1.05
    sx = _Scale(xlo, xhi, x0, x1, log=True)
    sy = _Scale(0, ytop, y0, y1)
    for i, ((_, values, edges), color) in enumerate(zip(steps, colors, strict=False)):
        d = f"M{_f(sx(edges[0]))},{_f(y0)}"
        for v, b in zip(values, edges[1:], strict=False):
            d += f"V{_f(sy(v))}H{_f(sx(b))}"
        d += f"V{_f(y0)}"
        if i == 0:
            svg.path(d + "Z", fill=color, extra=' fill-opacity="0.25"')
        svg.path(d, stroke=color, extra=' stroke-width="1.6"')
    _x_axis(svg, sx, y0, xlo, xhi, _short)
    _y_axis(svg, sy, x0, 0, ytop, _short)
    svg.text((x0 + x1) / 2, height - 8, "characters", FONT, "middle")
    svg.text(14, (y0 + y1) / 2, "documents", FONT, "middle", _rotate(14, (y0 + y1) / 2))
    svg.text(x0, y1 - 14, "document length", TITLE, extra=' font-weight="bold"')
    svg.legend(
        x1 - 200, y1 + 4, [(label, c) for (label, _, _), c in zip(steps, colors, strict=False)]
    )
    return svg.render()


def _rotate(x: float, y: float) -> str:
    return f' transform="rotate(-90 {_f(x)} {_f(y)})"'


def histogram_bins(values: Any, thresholds: list[tuple[str, float]]) -> tuple[Any, bool, list]:
    """Bin edges for a signal's sample, whether the axis is logarithmic, and the thresholds
    near enough to show.

    Heavy tails: the axis ends at the 99th percentile (the rest piles into the last bin),
    extended to the thresholds that are not far beyond it; integers within a range of 60 get
    one bar per value.
    """
    import numpy as np

    lo = float(values.min()) if len(values) else 0.0
    top = float(np.percentile(values, 99)) if len(values) else 1.0
    span = max(top - lo, 1e-9)
    marks = [t for _, t in thresholds if lo - span <= t <= top + 2 * span]
    shown = [(label, t) for label, t in thresholds if t in marks]
    lo = min([lo, *marks])
    hi = max([top, *marks])
    log = lo > 0 and hi / lo > 1000
    if hi == lo:
        lo, hi = lo - 0.5, hi + 0.5
    integral = len(values) and bool(np.all(values == np.round(values)))
    if integral and not log and hi - lo <= 60:
        bins = np.arange(math.floor(lo) - 0.5, math.ceil(hi) + 1.0)
    elif log:
        bins = np.geomspace(lo, hi, 41)
    else:
        bins = np.linspace(lo, hi, 41)
    return bins, log, shown


TAGS = ("kept", "rejected by this stage", "rejected elsewhere")


def signal_histograms(
    stage: str,
    panels: list[tuple[str, list[tuple[float, str]], list[tuple[str, float]]]],
    columns: int = 3,
) -> str:
    """Small multiples: one histogram per signal, stacked by verdict, thresholds as lines."""
    import numpy as np

    rows = math.ceil(len(panels) / columns)
    cell_h, head = 192, 28
    height = head + rows * cell_h
    svg = _Svg(WIDTH, height, f"signals-{stage}")
    left, right = 0.08 * WIDTH, 0.97 * WIDTH
    gap = 0.25 * (right - left) / (columns + 0.25 * (columns - 1))
    cell_w = (right - left - gap * (columns - 1)) / columns
    present_tags: list[str] = []
    for n, (key, sample, thresholds) in enumerate(panels):
        cx = left + (n % columns) * (cell_w + gap)
        cy = head + (n // columns) * cell_h
        y0, y1 = cy + cell_h - 40, cy + 24
        values = np.fromiter((v for v, _ in sample), dtype=float, count=len(sample))
        bins, log, shown = histogram_bins(values, thresholds)
        lo, hi = float(bins[0]), float(bins[-1])
        tags = [t for _, t in sample]
        stacked = []
        for tag in TAGS:
            picked = np.clip(
                np.fromiter((v for v, t in zip(values, tags, strict=True) if t == tag), float),
                lo,
                hi,
            )
            if len(picked):
                stacked.append((tag, np.histogram(picked, bins=bins)[0]))
                if tag not in present_tags:
                    present_tags.append(tag)
        total = np.zeros(len(bins) - 1)
        layers = []
        for tag, counts in stacked:
            below = total
            total = total + counts
            layers.append((tag, below, total))
        ytop = float(total.max()) * 1.05 if len(total) and total.max() > 0 else 1.0
        sx = _Scale(lo, hi, cx, cx + cell_w, log=log)
        sy = _Scale(0, ytop, y0, y1)
        for tag, below, above in layers:
            svg.path(_band(bins, below, above, sx, sy), fill=COLORS[tag])
        for label, t in shown:
            x = sx(t)
            svg.line(
                x, y0, x, y1, COLORS["threshold"], ' stroke-dasharray="5,3" stroke-width="1.2"'
            )
            svg.text(
                x - 3,
                y1 + 2,
                f"{label} = {t:g}",
                SMALL - 1,
                "end",
                f' fill="{COLORS["threshold"]}"{_rotate(x - 3, y1 + 2)}',
            )
        _x_axis(svg, sx, y0, lo, hi, size=SMALL)
        _y_axis(svg, sy, cx, 0, ytop, _short, SMALL)
        svg.text(cx, y1 - 8, _clip_label(key), FONT, extra=' font-weight="bold"')
    if present_tags:
        items = [(t, COLORS[t]) for t in present_tags]
        x = right - 150 * len(items)
        for i, (label, color) in enumerate(items):
            svg.rect(x + 150 * i, 8, 14, 9, color)
            svg.text(x + 150 * i + 19, 17, label, SMALL)
    return svg.render()


def _band(bins: Any, below: Any, above: Any, sx: _Scale, sy: _Scale) -> str:
    """A stepped band between two cumulative histograms (one verdict's share of each bin)."""
    xs = [sx(float(b)) for b in bins]
    d = f"M{_f(xs[0])},{_f(sy(float(below[0])))}"
    for i, v in enumerate(above):
        d += f"V{_f(sy(float(v)))}H{_f(xs[i + 1])}"
    for i in range(len(below) - 1, -1, -1):
        d += f"V{_f(sy(float(below[i])))}H{_f(xs[i])}"
    return d + "Z"


def stacked_bars(
    title: str, labels: Sequence[str], parts: dict[str, Sequence[float]], name: str
) -> str:
    """Horizontal bars split into parts (for example kept and rejected documents per source)."""
    row = 27
    top_pad, bottom_pad = 38, 34
    height = top_pad + row * len(labels) + bottom_pad
    svg = _Svg(WIDTH, height, name)
    x0 = 0.25 * WIDTH
    x1 = (0.86 if len(parts) > 1 else 0.97) * WIDTH
    totals = [0.0] * len(labels)
    for values in parts.values():
        totals = [a + b for a, b in zip(totals, values, strict=True)]
    hi = max(totals) * 1.05 if totals and max(totals) > 0 else 1.0
    sx = _Scale(0, hi, x0, x1)
    base = top_pad + row * len(labels)
    left = [0.0] * len(labels)
    colors = []
    for i, (part, values) in enumerate(parts.items()):
        color = COLORS.get(part, PALETTE[i % len(PALETTE)])
        colors.append((part, color))
        for j, v in enumerate(values):
            yc = top_pad + row * (j + 0.5)
            svg.rect(sx(left[j]), yc - row * 0.35, sx(left[j] + v) - sx(left[j]), row * 0.7, color)
        left = [a + b for a, b in zip(left, values, strict=True)]
    for j, label in enumerate(labels):
        svg.text(x0 - 6, top_pad + row * (j + 0.5) + 4, _clip_label(label), SMALL + 1, "end")
    svg.line(x0, top_pad, x0, base)
    _x_axis(svg, sx, base, 0, hi, _short)
    svg.text(x0, top_pad - 14, title, TITLE, extra=' font-weight="bold"')
    if len(parts) > 1:
        svg.legend(x1 + 12, top_pad + 8, colors)
    return svg.render()


def bars(title: str, xs: Sequence[Any], ys: Sequence[float], xlabel: str, name: str) -> str:
    """Vertical bars (for example duplicate clusters by size)."""
    width = min(9.0, 3.0 + 0.3 * len(xs)) * 96
    rotate = len(xs) > 20
    height = 230 + (60 if rotate else 0)
    svg = _Svg(width, height, name)
    x0, x1 = 0.6 * 96 + 0.05 * width, 0.97 * width
    y0, y1 = height - (100 if rotate else 48), 38
    slots = max(len(xs), 4)
    sx = _Scale(-0.8, slots - 0.2, x0, x1)
    top = max(ys) * 1.05 if ys and max(ys) > 0 else 1.0
    sy = _Scale(0, top, y0, y1)
    half = (sx(0.35) - sx(-0.35)) / 2
    for i, (x, y) in enumerate(zip(xs, ys, strict=True)):
        xc = sx(i)
        svg.rect(xc - half, sy(y), 2 * half, y0 - sy(y), COLORS["input"])
        label = _clip_label(str(x), 12)
        if rotate:
            svg.text(xc + 3, y0 + 6, label, SMALL - 1, "end", _rotate(xc + 3, y0 + 6))
        else:
            svg.text(xc, y0 + 4 + FONT, label, FONT, "middle")
        svg.line(xc, y0, xc, y0 + 4)
    svg.line(x0, y0, x1, y0)
    _y_axis(svg, sy, x0, 0, top, _short)
    svg.text((x0 + x1) / 2, height - 8, xlabel, FONT, "middle")
    svg.text(x0, y1 - 14, title, TITLE, extra=' font-weight="bold"')
    return svg.render()


def _clip_label(s: str, n: int = 40) -> str:
    s = "".join(c if c.isprintable() else "�" for c in s)
    return s if len(s) <= n else s[: n - 1] + "…"


def _short(v: float) -> str:
    for div, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(v) >= div:
            return f"{v / div:.3g}{suffix}"
    return f"{v:.3g}" if isinstance(v, float) and not float(v).is_integer() else f"{int(v)}"
