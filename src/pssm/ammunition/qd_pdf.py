"""The quantity-distance safety report as PDF, the document the ammunition technician prepares
and the approving authority signs: the site and the rule set applied, when it was printed,
per explosive storehouse its hazard division in words, its aggregated NEQ, licence, waivers
and every PES-ES pair with the required and actual distances, the storehouses a correction of
the rules put in breach, and the signature blocks. Drawn from
:func:`pssm.ammunition.safety.site_report` (labelled by the view), in the user's language with
its number and date formats (``4 260 kg``)."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pssm.core.pdf import day, field_rows, latin1, measure, printed_line, signature_blocks
from pssm.sites.models import Building

# UN Model Regulations 2.1.1.4 (the hazard divisions of class 1), in IATG 01.50 words.
HD_LABELS = {
    "1.1": gettext_lazy("mass explosion hazard"),
    "1.2": gettext_lazy("projection hazard, no mass explosion"),
    "1.2.1": gettext_lazy("projection hazard, no mass explosion"),
    "1.2.2": gettext_lazy("projection hazard, no mass explosion"),
    "1.3": gettext_lazy("fire hazard, minor blast or projection"),
    "1.4": gettext_lazy("no significant hazard"),
    "1.5": gettext_lazy("very insensitive, mass explosion hazard"),
    "1.6": gettext_lazy("extremely insensitive articles"),
}
STOREHOUSE_TYPES = dict(Building.StorehouseType.choices)


def division(hd: str | None) -> str:
    """``HD 1.1 (mass explosion hazard)``; a dash for none."""
    if not hd:
        return "-"
    label = HD_LABELS.get(hd)
    return f"HD {hd} ({label})" if label else f"HD {hd}"


def _until(value: str) -> str:
    try:
        return day(datetime.fromisoformat(value).date())
    except ValueError:
        return value


def _heading(pdf, text: str, size: int = 11) -> None:
    pdf.set_font("Helvetica", "B", size)
    pdf.multi_cell(0, size * 0.55, latin1(text), new_x="LMARGIN", new_y="NEXT")


def _reviews(pdf, report: dict) -> None:
    """The storehouses a correction of the rules put in breach, before the distance tables."""
    if not report.get("reviews"):
        return
    first = report["reviews"][0]
    pdf.ln(2)
    _heading(
        pdf,
        _("Storehouses in breach after the correction of the quantity-distance rules")
        + f" ({first['ruleset_before']} -> {first['ruleset']})",
        10,
    )
    pdf.set_font("Helvetica", "", 8)
    for r in report["reviews"]:
        state = _("still in breach") if r["still_in_breach"] else _("resolved")
        for b in r["breaches"]:
            pdf.multi_cell(
                0,
                4,
                latin1(
                    _(
                        "%(storehouse)s, %(hd)s, %(neq)s - %(site)s: required before "
                        "%(before)s, required now %(now)s, actual %(actual)s - %(state)s"
                    )
                    % {
                        "storehouse": f"{r['name']} ({r['building']})",
                        "hd": f"HD {b['hd']}",
                        "neq": measure(b["neq_kg"], "kg"),
                        "site": b.get("name") or b["exposed_site"],
                        "before": measure(b["required_before_m"], "m"),
                        "now": measure(b["required_m"], "m"),
                        "actual": measure(b["actual_m"], "m"),
                        "state": state,
                    }
                ),
                new_x="LMARGIN",
                new_y="NEXT",
            )


def _storehouse_rows(row: dict) -> list[tuple[str, str]]:
    limits = ", ".join(
        _("HD %(hd)s at most %(kg)s") % {"hd": hd, "kg": measure(kg, "kg")}
        for hd, kg in row["licence_limits_kg"].items()
    )
    if row["licence"]:
        licence = f"{row['licence']} ({limits})" if limits else row["licence"]
    else:
        licence = _("none: no ammunition may be received")
    compatibility = _("compatible") if row["compatible"] else _("INCOMPATIBLE")
    for c in row["conflicts"]:
        compatibility += f"; {c['first']} / {c['second']}: {c['text']}"
    most = ", ".join(
        f"HD {hd}: " + (_("no distance limit") if kg is None else measure(kg, "kg"))
        for hd, kg in row["max_neq_kg"].items()
    )
    rows = [
        (_("Storehouse type"), str(STOREHOUSE_TYPES.get(row["storehouse_type"], ""))),
        (_("Governing hazard division"), division(row["governing_hd"])),
        (_("NEQ (aggregated)"), measure(row["neq_kg"], "kg")),
        (
            _("NEQ by hazard division"),
            ", ".join(f"HD {hd}: {measure(kg, 'kg')}" for hd, kg in row["by_hd"].items()),
        ),
        (_("Licence"), licence),
        (_("Compatibility"), compatibility),
        (_("Licence breaches"), "; ".join(b["text"] for b in row["licence_breaches"])),
        (_("Most NEQ it could hold"), most),
        (
            _("Waivers"),
            "; ".join(
                _("%(rule)s until %(date)s: %(why)s")
                % {"rule": w["rule"], "date": _until(w["valid_until"]), "why": w["justification"]}
                for w in row["waivers"]
            ),
        ),
    ]
    return rows


def _distance_table(pdf, row: dict) -> None:
    widths = [44, 40, 13, 20, 58, 20, 20, 20, 20, 22]
    head = [
        _("Exposed site"),
        _("Relationship"),
        "HD",
        _("NEQ"),
        _("Formula (Q in kg, metres)"),
        _("Required"),
        _("Actual"),
        _("Margin"),
        _("Status"),
        _("Rule"),
    ]
    pdf.set_font("Helvetica", "B", 8)
    for w, h in zip(widths, head, strict=True):
        pdf.cell(w, 5, latin1(h), border=1)
    pdf.ln()
    pdf.set_font("Helvetica", "", 8)
    if not row["distances"]:
        pdf.cell(sum(widths), 5, latin1(_("No exposed site on the plan.")), border=1)
        pdf.ln()
    for d in row["distances"]:
        cells = [
            d.get("name") or d["exposed_site"],
            d["relationship_label"],
            d["governing_hd"],
            measure(d["neq_kg"], "kg"),
            d["formula"],
            measure(d["required_m"], "m"),
            measure(d["actual_m"], "m"),
            measure(d["margin_m"], "m"),
            d["status_label"],
            d["rule"] + (" *" if d["provisional"] else ""),
        ]
        for w, value in zip(widths, cells, strict=True):
            pdf.cell(w, 5, latin1(value)[: int(w / 1.6)], border=1)
        pdf.ln()


def report_pdf(report: dict, printed_by=None, prepared_by: str = "") -> bytes:
    """The PDF of a labelled QD report (see ``ammunition.views._labelled``)."""
    from fpdf import FPDF

    pdf = FPDF(orientation="L", format="A4")
    pdf.set_auto_page_break(True, margin=12)
    pdf.add_page()
    pdf.set_title(latin1(f"{_('Quantity-distance report')} {report['name']}"))
    _heading(pdf, f"{_('Quantity-distance report')} - {report['name']} ({report['site']})", 14)
    field_rows(
        pdf,
        [
            (_("Site"), f"{report['name']} ({report['site']})"),
            (_("Rules applied"), report["ruleset"]),
            (_("PES-ES pairs checked"), str(report["pairs"])),
            (_("Distances not met"), str(report["violations"])),
            (
                _("Not on the plan, so not checked"),
                ", ".join(report["unplaced"]),
            ),
        ],
        label_width=60,
        size=9,
    )
    printed_line(pdf, printed_by)
    _reviews(pdf, report)
    for row in report["storehouses"]:
        pdf.ln(3)
        if pdf.get_y() > pdf.h - 60:
            pdf.add_page()
        _heading(pdf, f"{row['name']} ({row['building']})", 11)
        field_rows(pdf, _storehouse_rows(row), label_width=60, size=9)
        pdf.ln(1)
        _distance_table(pdf, row)
    pdf.ln(3)
    pdf.set_font("Helvetica", "I", 8)
    pdf.multi_cell(
        0,
        4,
        latin1(_("* provisional value, to be verified against the official edition.")),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    signature_blocks(
        pdf,
        [
            (_("Prepared by (ammunition technician)"), prepared_by),
            (_("Approving authority"), ""),
        ],
        column=135,
    )
    return bytes(pdf.output())


def report_response(report: dict, printed_by=None, prepared_by: str = "") -> HttpResponse:
    response = HttpResponse(
        report_pdf(report, printed_by, prepared_by), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="qd-{report["site"]}.pdf"'
    return response
