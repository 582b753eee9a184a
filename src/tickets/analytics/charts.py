"""Small self-contained SVG charts for the HTML report (no JavaScript, no CDN).

Each function takes plain aggregates and returns an ``<svg>`` string with a ``viewBox`` so it
scales with the page. Labels are escaped here; the template marks the result safe.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from html import escape
from typing import Any

WIDTH = 760
PALETTE = {
    "received": "#2563eb",
    "resolved": "#16a34a",
    "backlog": "#ea580c",
    "bar": "#2563eb",
    "good": "#16a34a",
    "bad": "#dc2626",
    "neutral": "#6b7280",
    "band": "#fde68a",
}


def _svg(height: int, body: str, title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" height="{height}" role="img" aria-label="{escape(title)}" '
        f'preserveAspectRatio="xMinYMin meet"><title>{escape(title)}</title>{body}</svg>'
    )


def _text(
    x: float, y: float, text: str, anchor: str = "start", size: int = 11, cls: str = ""
) -> str:
    klass = f' class="{cls}"' if cls else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}"{klass}>'
        f"{escape(text)}</text>"
    )


def _nice_max(value: float) -> float:
    if value <= 0 or math.isnan(value):
        return 1.0
    exponent = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * exponent:
            return step * exponent
    return 10 * exponent


def empty_chart(title: str, message: str) -> str:
    return _svg(60, _text(WIDTH / 2, 35, message, "middle", 13, "muted"), title)


def line_chart(
    days: Sequence[dt.date],
    series: dict[str, Sequence[float]],
    title: str,
    bands: Sequence[tuple[dt.date, dt.date, str]] = (),
) -> str:
    """Daily lines (e.g. received/resolved/backlog) with optional shaded date bands."""
    if not days:
        return empty_chart(title, "no days in the window")
    height, left, right, top, bottom = 260, 48, 16, 24, 40
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    top_value = _nice_max(max((max(v, default=0) for v in series.values()), default=0))
    n = len(days)

    def x(i: float) -> float:
        return left + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)

    def y(v: float) -> float:
        return top + plot_h * (1 - v / top_value)

    parts = [_axes(left, top, plot_w, plot_h, top_value, y)]
    index = {d: i for i, d in enumerate(days)}
    for start, end, label in bands:
        lo, hi = max(start, days[0]), min(end, days[-1])
        if lo > hi:
            continue
        x0, x1 = x(index[lo]) - 3, x(index[hi]) + 3
        parts.append(
            f'<rect class="band" x="{x0:.1f}" y="{top}" width="{max(x1 - x0, 6):.1f}" '
            f'height="{plot_h}" fill="{PALETTE["band"]}" opacity="0.6">'
            f"<title>{escape(label)}</title></rect>"
        )
    for i, (name, values) in enumerate(series.items()):
        color = PALETTE.get(name, PALETTE["neutral"])
        points = " ".join(f"{x(j):.1f},{y(v):.1f}" for j, v in enumerate(values))
        parts.append(f'<polyline fill="none" stroke="{color}" stroke-width="2" points="{points}"/>')
        parts.append(f'<rect x="{left + i * 110}" y="4" width="10" height="10" fill="{color}"/>')
        parts.append(_text(left + i * 110 + 14, 13, name))
    for j in sorted({0, n // 2, n - 1}):
        parts.append(_text(x(j), height - 20, days[j].isoformat(), "middle", 10))
    return _svg(height, "".join(parts), title)


def _axes(
    left: float,
    top: float,
    width: float,
    height: float,
    top_value: float,
    y: Callable[[float], float],
) -> str:
    parts = [
        f'<line x1="{left}" y1="{top + height}" x2="{left + width}" y2="{top + height}" '
        'stroke="#9ca3af"/>'
    ]
    for k in range(5):
        value = top_value * k / 4
        parts.append(
            f'<line x1="{left}" y1="{y(value):.1f}" x2="{left + width}" '
            f'y2="{y(value):.1f}" stroke="#e5e7eb"/>'
        )
        parts.append(_text(left - 6, y(value) + 4, f"{value:g}", "end", 10))
    return "".join(parts)


def hbar_chart(
    rows: Sequence[tuple[str, float, str]], title: str, max_value: float | None = None
) -> str:
    """Horizontal bars: (label, value, annotation) per row."""
    if not rows:
        return empty_chart(title, "no data")
    left, row_h, top = 210, 22, 8
    height = top + row_h * len(rows) + 8
    scale_max = max_value or _nice_max(max(v for _, v, _ in rows))
    plot_w = WIDTH - left - 200
    parts = []
    for i, (label, value, note) in enumerate(rows):
        y = top + i * row_h
        width = max(0.0, plot_w * (value / scale_max if scale_max else 0))
        parts.append(_text(left - 8, y + 15, label[:32], "end"))
        parts.append(
            f'<rect class="bar" x="{left}" y="{y + 3}" width="{width:.1f}" height="{row_h - 6}" '
            f'fill="{PALETTE["bar"]}"><title>{escape(f"{label}: {note}")}</title></rect>'
        )
        parts.append(_text(left + width + 6, y + 15, note))
    return _svg(height, "".join(parts), title)


def box_chart(rows: Sequence[dict[str, float | str]], title: str, unit: str) -> str:
    """One box per row from its p10/p25/median/p75/p90 (log scale when the range is wide)."""
    rows = [r for r in rows if isinstance(r.get("median"), float | int)]
    if not rows:
        return empty_chart(title, "no resolved tickets")
    left, row_h, top, axis_h = 110, 34, 10, 30
    height = top + row_h * len(rows) + axis_h
    plot_w = WIDTH - left - 30
    hi = max(float(r["p90"]) for r in rows)
    lo = min(max(float(r["p10"]), 0.01) for r in rows)
    log = hi / max(lo, 0.01) > 50
    vmin, vmax = (
        (math.log10(max(lo, 0.01)), math.log10(max(hi, 0.02))) if log else (0.0, _nice_max(hi))
    )

    def x(value: float) -> float:
        v = math.log10(max(value, 10**vmin)) if log else value
        return left + plot_w * (v - vmin) / ((vmax - vmin) or 1)

    parts = []
    for i, r in enumerate(rows):
        y = top + i * row_h + row_h / 2
        p10, p25, med, p75, p90 = (float(r[k]) for k in ("p10", "p25", "median", "p75", "p90"))
        tip = escape(
            f"{r['label']}: median {med:.1f} {unit}, p25–p75 {p25:.1f}–{p75:.1f}, "
            f"p10–p90 {p10:.1f}–{p90:.1f}"
        )
        parts.append(_text(left - 8, y + 4, str(r["label"]), "end"))
        parts.append(
            f'<line x1="{x(p10):.1f}" y1="{y}" x2="{x(p90):.1f}" y2="{y}" stroke="#6b7280"/>'
        )
        parts.append(
            f'<rect class="box" x="{x(p25):.1f}" y="{y - 9}" width="{max(x(p75) - x(p25), 2):.1f}" '
            f'height="18" fill="#bfdbfe" stroke="#2563eb"><title>{tip}</title></rect>'
        )
        parts.append(
            f'<line x1="{x(med):.1f}" y1="{y - 9}" x2="{x(med):.1f}" y2="{y + 9}" '
            'stroke="#1e3a8a" stroke-width="2"/>'
        )
    ticks = (
        [10**k for k in range(math.floor(vmin), math.ceil(vmax) + 1)]
        if log
        else [vmax * k / 4 for k in range(5)]
    )
    base = height - axis_h + 14
    for tick in ticks:
        if x(tick) <= WIDTH:
            parts.append(_text(x(tick), base, f"{tick:g}", "middle", 10))
    parts.append(
        _text(WIDTH / 2, base + 13, f"{unit}{' (log scale)' if log else ''}", "middle", 10)
    )
    return _svg(height, "".join(parts), title)


def driver_chart(rows: Sequence[dict[str, Any]], title: str) -> str:
    """Signed effects with bootstrap intervals; categorical drivers drawn in grey (unsigned)."""
    if not rows:
        return empty_chart(title, "no driver model")
    left, row_h, top = 170, 24, 8
    height = top + row_h * len(rows) + 20
    bound = _nice_max(max(abs(float(r["effect_ci_high"])) for r in rows) or 1)
    bound = max(bound, max(abs(float(r["effect_ci_low"])) for r in rows))
    mid, half = left + (WIDTH - left - 20) / 2, (WIDTH - left - 20) / 2

    def x(v: float) -> float:
        return mid + half * v / bound

    parts = [f'<line x1="{mid}" y1="{top}" x2="{mid}" y2="{height - 20}" stroke="#9ca3af"/>']
    for i, r in enumerate(rows):
        y = top + i * row_h
        effect, lo, hi = (float(r[k]) for k in ("effect", "effect_ci_low", "effect_ci_high"))
        color = (
            PALETTE["neutral"]
            if r["kind"] == "categorical"
            else (PALETTE["good"] if effect >= 0 else PALETTE["bad"])
        )
        x0, x1 = sorted((x(0), x(effect)))
        parts.append(_text(left - 8, y + 16, str(r["feature"]), "end"))
        parts.append(
            f'<rect class="bar" x="{x0:.1f}" y="{y + 5}" width="{max(x1 - x0, 1):.1f}" '
            f'height="{row_h - 10}" fill="{color}"><title>{escape(str(r["feature"]))}: '
            f"{effect:+.3f} CSAT points (95% CI {lo:+.3f} to {hi:+.3f})</title></rect>"
        )
        parts.append(
            f'<line x1="{x(lo):.1f}" y1="{y + 12}" x2="{x(hi):.1f}" y2="{y + 12}" '
            'stroke="#111827" stroke-width="1.5"/>'
        )
    parts.append(
        _text(
            mid, height - 4, "effect on CSAT (points; grey = categorical, size only)", "middle", 10
        )
    )
    return _svg(height, "".join(parts), title)


def timeline_chart(
    start: dt.date, end: dt.date, items: Sequence[tuple[str, dt.date, dt.date]], title: str
) -> str:
    """One bar per item across the window's dates (anomalies)."""
    if not items:
        return empty_chart(title, "no anomalies in this window")
    left, row_h, top = 200, 22, 8
    height = top + row_h * len(items) + 26
    span = max((end - start).days + 1, 1)
    plot_w = WIDTH - left - 20

    def x(d: dt.date) -> float:
        return left + plot_w * min(max((d - start).days, 0), span) / span

    parts = []
    for i, (label, lo, hi) in enumerate(items):
        y = top + i * row_h
        x0, x1 = x(lo), x(hi + dt.timedelta(days=1))
        parts.append(_text(left - 8, y + 15, label[:32], "end"))
        parts.append(
            f'<rect class="bar" x="{x0:.1f}" y="{y + 4}" width="{max(x1 - x0, 3):.1f}" '
            f'height="{row_h - 8}" fill="{PALETTE["backlog"]}"><title>{escape(label)}: '
            f"{lo.isoformat()} → {hi.isoformat()}</title></rect>"
        )
    parts.append(_text(left, height - 6, start.isoformat(), "start", 10))
    parts.append(_text(WIDTH - 20, height - 6, end.isoformat(), "end", 10))
    return _svg(height, "".join(parts), title)
