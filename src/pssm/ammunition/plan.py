"""The site plan as SVG (storehouses, exposed sites and the quantity-distance arcs) and the QD
report as PDF; both drawn from :func:`pssm.ammunition.safety.site_report`."""

from __future__ import annotations

from decimal import Decimal
from xml.sax.saxutils import escape

from django.http import HttpResponse
from django.utils.translation import gettext as _
from fpdf import FPDF

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


def _review_section(pdf: FPDF, report: dict) -> None:
    """The storehouses a correction of the rules put in breach, before the distance tables."""
    if not report.get("reviews"):
        return
    pdf.ln(2)
    pdf.set_font("Helvetica", "B", 10)
    first = report["reviews"][0]
    pdf.multi_cell(
        0,
        5,
        _text(
            _("Storehouses in breach after the correction of the quantity-distance rules")
            + f" ({first['ruleset_before']} -> {first['ruleset']})"
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_font("Helvetica", "", 8)
    for r in report["reviews"]:
        state = _("still in breach") if r["still_in_breach"] else _("resolved")
        for b in r["breaches"]:
            pdf.multi_cell(
                0,
                4,
                _text(
                    f"{r['building']} HD {b['hd']} {b['neq_kg']} kg - {b['exposed_site']}: "
                    f"{_('required before (m)')} {b['required_before_m']}, "
                    f"{_('required now (m)')} {b['required_m']}, {_('actual m')} "
                    f"{b['actual_m']} - {state}"
                ),
                new_x="LMARGIN",
                new_y="NEXT",
            )


def _text(value) -> str:
    """fpdf2's core fonts speak Latin-1; keep what they can print."""
    return (
        str(value)
        .replace("–", "-")
        .replace("—", "-")
        .replace("·", "*")
        .replace("²", "^2")
        .replace("−", "-")
        .encode("latin-1", "replace")
        .decode("latin-1")
    )


def report_pdf(report: dict, labels: dict) -> HttpResponse:
    pdf = FPDF(orientation="L", format="A4")
    pdf.set_auto_page_break(True, margin=12)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.cell(
        0,
        8,
        _text(f"{_('Quantity-distance report')} - {report['site']} {report['name']}"),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_font("Helvetica", "", 9)
    pdf.cell(
        0,
        5,
        _text(
            f"{report['ruleset']} - {report['pairs']} {_('PES-ES pairs')}, "
            f"{report['violations']} {_('violation(s)')}"
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    _review_section(pdf, report)
    widths = [34, 44, 12, 20, 60, 20, 20, 20, 18, 26]
    head = [
        _("Exposed site"),
        _("Relationship"),
        "HD",
        _("NEQ kg"),
        _("Formula (Q in kg, metres)"),
        _("required m"),
        _("actual m"),
        _("margin m"),
        _("status"),
        _("rule"),
    ]
    for row in report["storehouses"]:
        pdf.ln(3)
        pdf.set_font("Helvetica", "B", 10)
        waived = ", ".join(f"{w['rule']} -> {w['valid_until'][:10]}" for w in row["waivers"])
        pdf.multi_cell(
            0,
            5,
            _text(
                f"{row['building']} {row['name']} - HD {row['governing_hd'] or '-'}, "
                f"{row['neq_kg']} kg NEQ - {_('licence')} {row['licence'] or _('none')}"
                + (f" - {_('waivers')}: {waived}" if waived else "")
            ),
            new_x="LMARGIN",
            new_y="NEXT",
        )
        pdf.set_font("Helvetica", "B", 8)
        for w, h in zip(widths, head, strict=True):
            pdf.cell(w, 5, _text(h), border=1)
        pdf.ln()
        pdf.set_font("Helvetica", "", 8)
        for d in row["distances"]:
            cells = [
                d["exposed_site"],
                labels.get(d["relationship"], d["relationship"]),
                d["governing_hd"],
                d["neq_kg"],
                d["formula"],
                d["required_m"],
                d["actual_m"],
                d["margin_m"],
                labels.get(d["status"], d["status"]),
                d["rule"] + (" *" if d["provisional"] else ""),
            ]
            for w, value in zip(widths, cells, strict=True):
                pdf.cell(w, 5, _text(value)[: int(w / 1.6)], border=1)
            pdf.ln()
    pdf.ln(3)
    pdf.set_font("Helvetica", "I", 8)
    pdf.multi_cell(
        0, 4, _text(_("* provisional value, to be verified against the official edition."))
    )
    response = HttpResponse(bytes(pdf.output()), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="qd-{report["site"]}.pdf"'
    return response
