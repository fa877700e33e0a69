"""Server-side SVG bar charts: light (a few hundred bytes a bar), printable (black text,
grey bars, no script, no style attribute: the Content-Security-Policy allows them inline),
and readable by screen readers through their title and the table printed beside them. Each
bar links to the list of records behind it."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

BAR_H = 18
GAP = 6
LABEL_W = 210
BAR_W = 300
VALUE_W = 60


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    href: str = ""


def bar_chart(chart_id: str, title: str, bars: list[Bar]) -> str:
    """A horizontal bar chart as an ``<svg>`` element (text, not markup-safe: escape done
    here)."""
    height = max(1, len(bars)) * (BAR_H + GAP) + GAP
    width = LABEL_W + BAR_W + VALUE_W
    top = max((b.value for b in bars), default=0) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{escape(chart_id)}" class="chart" '
        f'role="img" aria-labelledby="{escape(chart_id)}-t" viewBox="0 0 {width} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet">',
        f'<title id="{escape(chart_id)}-t">{escape(title)}</title>',
    ]
    for i, bar in enumerate(bars):
        y = GAP + i * (BAR_H + GAP)
        w = round(BAR_W * bar.value / top) if bar.value else 0
        label = escape(bar.label if len(bar.label) <= 34 else bar.label[:33] + "…")
        body = (
            f'<text x="{LABEL_W - 6}" y="{y + BAR_H - 5}" text-anchor="end" font-size="12" '
            f'fill="#111">{label}</text>'
            f'<rect x="{LABEL_W}" y="{y}" width="{max(w, 1)}" height="{BAR_H}" fill="#4a5d73">'
            f"<title>{escape(bar.label)}: {bar.value}</title></rect>"
            f'<text x="{LABEL_W + max(w, 1) + 4}" y="{y + BAR_H - 5}" font-size="12" '
            f'fill="#111">{bar.value}</text>'
        )
        if bar.href:
            body = f'<a href="{escape(bar.href)}">{body}</a>'
        parts.append(body)
    if not bars:
        parts.append(f'<text x="{LABEL_W}" y="{BAR_H}" font-size="12" fill="#555">0</text>')
    parts.append("</svg>")
    return "".join(parts)
