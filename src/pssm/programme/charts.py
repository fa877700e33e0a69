"""Server-side SVG charts and the map: a few hundred bytes each, no script, no web font, no
tile server; they print as they show. Text is escaped; colours come from the stylesheet's
palette so that they read in black and white too (bars are labelled with their values)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import mark_safe

BAR = "#2f5d8a"
GRID = "#c8ccd2"
TEXT = "#222"


def bar_chart(title: str, bars: list[tuple[str, float | Decimal | int, str]], *, maximum=None):
    """Horizontal bars: ``(label, value, shown value)``; the scale runs to ``maximum`` (100
    for percentages) or to the largest value."""
    height = 24 + 20 * len(bars)
    top = max([float(v or 0) for _l, v, _s in bars] + [float(maximum or 0), 1.0])
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 320 {height}" width="100%" '
        f'role="img" aria-label="{escape(title)}" class="chart">',
        f"<title>{escape(title)}</title>",
    ]
    for i, (label, value, shown) in enumerate(bars):
        y = 8 + i * 20
        w = 0 if value is None else 200 * float(value) / top
        parts.append(
            f'<text x="0" y="{y + 12}" font-size="11" fill="{TEXT}">{escape(label)}</text>'
            f'<rect x="40" y="{y}" width="200" height="14" fill="none" stroke="{GRID}"/>'
            f'<rect x="40" y="{y}" width="{w:.1f}" height="14" fill="{BAR}"/>'
            f'<text x="246" y="{y + 12}" font-size="11" fill="{TEXT}">{escape(shown)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def level_history(title: str, points: list[tuple[str, int | None, Decimal | None]]):
    """The score (line, 0-100 %) and RRPL level (labels) of successive inspections."""
    width, height = 320, 120
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-label="{escape(title)}" class="chart">',
        f"<title>{escape(title)}</title>",
    ]
    for pct in (0, 50, 100):
        y = 100 - pct * 0.8
        parts.append(
            f'<line x1="30" x2="310" y1="{y}" y2="{y}" stroke="{GRID}"/>'
            f'<text x="0" y="{y + 4}" font-size="10" fill="{TEXT}">{pct}%</text>'
        )
    n = len(points)
    coords = []
    for i, (when, level, percent) in enumerate(points):
        x = 40 + (260 * i / (n - 1) if n > 1 else 130)
        y = 100 - float(percent or 0) * 0.8
        coords.append(f"{x:.1f},{y:.1f}")
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{BAR}"/>'
            f'<text x="{x:.1f}" y="{y - 6:.1f}" font-size="10" text-anchor="middle" '
            f'fill="{TEXT}">L{"" if level is None else level}</text>'
            f'<text x="{x:.1f}" y="115" font-size="9" text-anchor="middle" '
            f'fill="{TEXT}">{escape(when)}</text>'
        )
    if len(coords) > 1:
        parts.append(f'<polyline points="{" ".join(coords)}" fill="none" stroke="{BAR}"/>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


# The programme's region: west of Mauritania to east of Chad, Nigeria's south to Mali's north.
WEST, EAST, SOUTH, NORTH = -18.0, 24.0, 4.0, 25.0
STATUS_COLOURS = {"done": "#1b7f3b", "works": "#c27c0e", "planned": "#8a8f96"}


def installation_map(title: str, points: list[tuple[str, str, float, float, str]]):
    """A plain equirectangular map of the region with one dot per installation ``(code,
    label, latitude, longitude, status)``, a 5-degree graticule and a legend."""
    scale = 16
    width, height = (EAST - WEST) * scale, (NORTH - SOUTH) * scale

    def xy(lat, lon):
        return (lon - WEST) * scale, (NORTH - lat) * scale

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height + 30:.0f}" '
        f'width="100%" role="img" aria-label="{escape(title)}" class="chart map">',
        f"<title>{escape(title)}</title>",
        f'<rect x="0" y="0" width="{width:.0f}" height="{height:.0f}" fill="#f4f1e8" '
        f'stroke="{GRID}"/>',
    ]
    for lon in range(-15, 25, 5):
        x, _y = xy(0, lon)
        parts.append(
            f'<line x1="{x:.0f}" x2="{x:.0f}" y1="0" y2="{height:.0f}" stroke="{GRID}"/>'
            f'<text x="{x + 2:.0f}" y="{height - 3:.0f}" font-size="9" fill="{TEXT}">{lon}°</text>'
        )
    for lat in range(5, 25, 5):
        _x, y = xy(lat, 0)
        parts.append(
            f'<line x1="0" x2="{width:.0f}" y1="{y:.0f}" y2="{y:.0f}" stroke="{GRID}"/>'
            f'<text x="2" y="{y - 2:.0f}" font-size="9" fill="{TEXT}">{lat}°N</text>'
        )
    for code, label, lat, lon, status in points:
        x, y = xy(lat, lon)
        colour = STATUS_COLOURS.get(status, BAR)
        parts.append(
            f'<g><title>{escape(label)}</title><circle cx="{x:.1f}" cy="{y:.1f}" r="5" '
            f'fill="{colour}" stroke="#fff"/><text x="{x + 7:.1f}" y="{y + 4:.1f}" '
            f'font-size="10" fill="{TEXT}">{escape(code)}</text></g>'
        )
    return mark_safe("".join(parts))  # noqa: S308 - closed by legend()


def legend(labels: dict[str, str], height: float) -> str:
    parts = []
    for i, (status, label) in enumerate(labels.items()):
        x = 10 + i * 150
        parts.append(
            f'<circle cx="{x}" cy="{height + 15}" r="5" fill="{STATUS_COLOURS[status]}"/>'
            f'<text x="{x + 9}" y="{height + 19}" font-size="11" '
            f'fill="{TEXT}">{escape(label)}</text>'
        )
    return mark_safe("".join(parts) + "</svg>")  # noqa: S308 - every text is escaped


def map_with_legend(title, points, labels):
    height = (NORTH - SOUTH) * 16
    return mark_safe(installation_map(title, points) + legend(labels, height))  # noqa: S308
