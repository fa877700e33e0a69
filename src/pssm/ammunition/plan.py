"""The site plan as SVG (storehouses, exposed sites and the quantity-distance arcs), drawn from
:func:`pssm.ammunition.safety.site_report` (the PDF of the report is :mod:`.qd_pdf`)."""

from __future__ import annotations

from decimal import Decimal
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _

COLOURS = {
    "inhabited_building": "#b45309",
    "inhabited_building_low_density": "#b45309",
    "vulnerable_building": "#b91c1c",
    "public_traffic_route": "#1d4ed8",
    "site_boundary": "#4b5563",
    "process_building": "#7c3aed",
    "inter_magazine": "#065f46",
}


def plan_svg(report: dict, width: int = 640) -> str:
    """An SVG of the plan: each placed storehouse with an arc at its largest required
    distance to an inhabited building, each exposed site as a dot, violations in red."""
    points = [
        (Decimal(e["x_m"]), Decimal(e["y_m"]))
        for e in report["exposed_sites"]
        if e["x_m"] is not None
    ]
    arcs = []
    for row in report["storehouses"]:
        if not row["placed"]:
            continue
        x, y = Decimal(row["x_m"]), Decimal(row["y_m"])
        radius = max(
            (
                Decimal(d["required_m"])
                for d in row["distances"]
                if d["relationship"] == "inhabited_building"
            ),
            default=Decimal(0),
        )
        arcs.append((row, x, y, radius))
        points += [(x - radius, y - radius), (x + radius, y + radius)]
    if not points:
        return ""
    min_x = min(p[0] for p in points) - 20
    max_x = max(p[0] for p in points) + 20
    min_y = min(p[1] for p in points) - 20
    max_y = max(p[1] for p in points) + 20
    span = max(max_x - min_x, max_y - min_y, Decimal(1))
    scale = Decimal(width) / span

    def sx(v):
        return float((v - min_x) * scale)

    def sy(v):  # north up
        return float((max_y - v) * scale)

    height = float((max_y - min_y) * scale)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="plan" viewBox="0 0 {width} {height:.0f}" '
        f'role="img" aria-label="{escape(_("Site plan with quantity-distance arcs"))}">'
    ]
    for row, x, y, radius in arcs:
        bad = any(d["status"] == "violation" for d in row["distances"])
        colour = "#b91c1c" if bad else "#065f46"
        out.append(
            f'<circle cx="{sx(x):.1f}" cy="{sy(y):.1f}" r="{float(radius * scale):.1f}" '
            f'fill="none" stroke="{colour}" stroke-dasharray="6 4"><title>'
            f"{escape(row['building'])}: {escape(_('inhabited building distance'))} "
            f"{row['distances'] and radius} m</title></circle>"
        )
        out.append(
            f'<rect x="{sx(x) - 6:.1f}" y="{sy(y) - 6:.1f}" width="12" height="12" '
            f'fill="{colour}"><title>{escape(row["building"])} · HD {row["governing_hd"] or "-"} · '
            f"{row['neq_kg']} kg</title></rect>"
            f'<text x="{sx(x) + 9:.1f}" y="{sy(y) + 4:.1f}" font-size="11">'
            f"{escape(row['building'].rsplit('-', 1)[-1])}</text>"
        )
    for e in report["exposed_sites"]:
        if e["x_m"] is None or e["relationship"] == "inter_magazine":
            continue
        x, y = Decimal(e["x_m"]), Decimal(e["y_m"])
        colour = COLOURS.get(e["relationship"], "#111")
        out.append(
            f'<circle cx="{sx(x):.1f}" cy="{sy(y):.1f}" r="5" fill="{colour}"><title>'
            f"{escape(e['name'])}</title></circle>"
            f'<text x="{sx(x) + 8:.1f}" y="{sy(y) + 4:.1f}" font-size="11">'
            f"{escape(e['code'].rsplit('-', 1)[-1])}</text>"
        )
    out.append("</svg>")
    return "".join(out)
