"""The regional evaluation report for a period: per country the achievements drawn from the
data (activities, SOPs, trainings, model installations, indicators with their trend) and the
narrative sections, then the regional summary with the evaluation conference.

The report is built once as a list of blocks and rendered to PDF (fpdf2, like every printable
of PSSM) or DOCX (python-docx). It carries no serial number and no personal name other than
the activities' contact points: trainees and trainers are counted, signatories named by their
office."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q, Sum
from django.utils import translation
from django.utils.translation import gettext as _

from pssm.core.pdf import day, latin1, number
from pssm.domain import programme as rules
from pssm.sites.models import Country

from . import indicators as ind
from .models import (
    Activity,
    Contact,
    ModelInstallation,
    Narrative,
    Participation,
    Programme,
    SopVersion,
    TrainingEvent,
)
from .selectors import installation_rows


@dataclass
class Block:
    kind: str  # "title", "h1", "h2", "p", "table"
    text: str = ""
    rows: list[list[str]] = field(default_factory=list)  # first row: headers


def _money(amount, currency) -> str:
    """An amount to the unit with its currency, in the language's format (``18 500 000 XOF``)."""
    return f"{number(round(amount))} {currency}"


def _dates(start: date, end: date) -> str:
    return f"{day(start)} - {day(end)}"


def _activities(countries, start, end):
    return (
        Activity.objects.filter(countries__code__in=countries)
        .filter(start_date__lte=end, end_date__gte=start)
        .distinct()
        .prefetch_related("types", "countries")
        .annotate(spent=Sum("transactions__amount", filter=Q(transactions__kind__in=["3", "4"])))
        .order_by("start_date", "code")
    )


def _activity_table(items) -> Block:
    rows = [[_("Dates"), _("Activity"), _("Place"), _("Types"), _("Budget"), _("Spent")]]
    for a in items:
        rows.append(
            [
                _dates(a.start_date, a.end_date),
                a.title,
                a.place,
                ", ".join(t.label for t in a.types.all()),
                _money(a.budget_amount, a.currency),
                _money(a.spent or 0, a.currency),
            ]
        )
    return Block("table", rows=rows)


def _country_blocks(country: Country, start: date, end: date, results) -> list[Block]:
    code = country.code
    out = [Block("h1", f"{country.name} ({code})"), Block("h2", _("Activities"))]
    acts = list(_activities([code], start, end))
    out.append(_activity_table(acts) if acts else Block("p", _("No activity in the period.")))
    out.append(Block("h2", _("National SOPs")))
    versions = SopVersion.objects.filter(
        sop__country=country, validation__decided_date__range=(start, end)
    ).select_related("sop", "validation__workshop")
    rows = [
        [
            _("SOP"),
            _("Version"),
            _("Validated on"),
            _("Workshop"),
            _("Participants"),
            _("Signed by"),
        ]
    ]
    for v in versions:
        val = v.validation
        rows.append(
            [
                f"{v.sop.code} · {v.sop.title}",
                v.number,
                day(val.decided_date),
                val.workshop.title if val.workshop else "",
                str(sum(i.participants for i in val.institutions.all())),
                val.signatory_title,
            ]
        )
    out.append(
        Block("table", rows=rows)
        if len(rows) > 1
        else Block("p", _("No SOP validated in the period."))
    )
    out.append(Block("h2", _("Training cascade")))
    events = TrainingEvent.objects.filter(country=country, start_date__range=(start, end))
    parts = Participation.objects.filter(event__in=events)
    trainees = parts.filter(role="trainee").values("person").distinct().count()
    trainers = parts.filter(role="trainer").values("person").distinct().count()
    passed = parts.filter(result="passed").count()
    sessions = _sessions(country)
    depth = rules.cascade(sessions).depth()
    out.append(
        Block(
            "p",
            _(
                "%(events)s training events; %(trainers)s trainers; %(trainees)s persons trained "
                "(each counted once), %(passed)s certificates; the cascade has %(depth)s "
                "generations."
            )
            % {
                "events": events.count(),
                "trainers": trainers,
                "trainees": trainees,
                "passed": passed,
                "depth": depth,
            },
        )
    )
    out.append(Block("h2", _("Model installations")))
    rows = [[_("Installation"), _("Status"), _("Works budget"), _("RRPL level"), _("Score")]]
    for r in installation_rows([code]):
        rows.append([r.name, r.status, r.works, r.level, r.score])
    out.append(Block("table", rows=rows))
    out.append(Block("h2", _("Indicators")))
    out.append(_indicator_table(results, code))
    for n in Narrative.objects.filter(country=country):
        out.append(Block("h2", n.get_section_display()))
        out.append(Block("p", n.text))
    return out


def _sessions(country):
    parts = Participation.objects.filter(event__country=country).values_list(
        "event__code", "event__start_date", "person_id", "role"
    )
    by_event: dict = {}
    for code, start, person, role in parts:
        entry = by_event.setdefault(code, (start, set(), set()))
        (entry[1] if role == "trainer" else entry[2]).add(str(person))
    return [
        rules.Session(code, start, frozenset(tr), frozenset(te))
        for code, (start, tr, te) in by_event.items()
    ]


def _indicator_table(results, code: str) -> Block:
    rows = [
        [
            _("Indicator"),
            _("At the start"),
            _("At the end"),
            _("Numerator / denominator"),
            _("Trend"),
        ]
    ]
    for before, after in results:
        b = next(f for f in before.by_country if f.country == code) if code else before.total
        a = next(f for f in after.by_country if f.country == code) if code else after.total
        den = "" if a.denominator is None else f" / {a.denominator}"
        old = b.percent if b.denominator is not None else b.numerator
        new = a.percent if a.denominator is not None else a.numerator
        trend = "="
        if old is not None and new is not None and new != old:
            trend = "+" if new > old else "-"
        rows.append([after.indicator.name, b.shown, a.shown, f"{a.numerator}{den}", trend])
    return Block("table", rows=rows)


def evaluation_blocks(*, programme: Programme, countries: list[str], start: date, end: date):
    """The report's blocks, in the active language."""
    rules.check_period(start, end, field="to")
    before = ind.indicators_compute(countries=countries, as_of=start)
    after = ind.indicators_compute(countries=countries, as_of=end)
    results = list(zip(before, after, strict=True))
    out = [
        Block("title", _("Regional evaluation report")),
        Block("p", programme.title),
        Block(
            "p",
            _("Period: %(start)s to %(end)s") % {"start": day(start), "end": day(end)},
        ),
    ]
    for country in Country.objects.filter(code__in=countries).order_by("code"):
        out.extend(_country_blocks(country, start, end, results))
    out.append(Block("h1", _("Regional summary")))
    acts = list(_activities(countries, start, end))
    budget = {}
    for a in acts:
        budget[a.currency] = budget.get(a.currency, 0) + a.budget_amount
    installations = ModelInstallation.objects.filter(country__code__in=countries)
    out.append(
        Block(
            "p",
            _(
                "%(activities)s activities (budget %(budget)s); %(done)s of %(planned)s model "
                "installations done; %(sops)s SOP versions validated."
            )
            % {
                "activities": len(acts),
                "budget": ", ".join(_money(v, k) for k, v in sorted(budget.items())) or "0",
                "done": installations.filter(status="done").count(),
                "planned": installations.count(),
                "sops": SopVersion.objects.filter(
                    sop__country__code__in=countries, validation__decided_date__range=(start, end)
                ).count(),
            },
        )
    )
    out.append(_indicator_table(results, ""))
    evaluations = [a for a in acts if a.is_evaluation]
    if evaluations:
        out.append(Block("h2", _("Evaluation conference")))
        for a in evaluations:
            out.append(Block("p", f"{a.title} — {a.place}, {_dates(a.start_date, a.end_date)}"))
            out.append(Block("p", a.description))
    for n in Narrative.objects.filter(programme=programme, country__isnull=True):
        out.append(Block("h2", n.get_section_display()))
        out.append(Block("p", n.text))
    contacts = Contact.objects.filter(activity__in=acts).order_by("name", "email")
    seen, rows = set(), [[_("Contact point"), _("Organisation"), _("Email"), _("Telephone")]]
    for c in contacts:
        if (c.name, c.email) not in seen:
            seen.add((c.name, c.email))
            rows.append([c.name, c.organisation, c.email, c.telephone])
    out.append(Block("h2", _("Contact points")))
    out.append(Block("table", rows=rows))
    return out


def render_pdf(blocks: list[Block], title: str) -> bytes:
    from fpdf import FPDF

    doc = FPDF(format="A4")
    doc.set_auto_page_break(auto=True, margin=15)
    doc.set_title(latin1(title))
    doc.add_page()
    width = doc.w - doc.l_margin - doc.r_margin
    for b in blocks:
        if b.kind == "title":
            doc.set_font("Helvetica", "B", 17)
            doc.multi_cell(width, 9, latin1(b.text), new_x="LMARGIN", new_y="NEXT")
        elif b.kind == "h1":
            doc.ln(4)
            doc.set_font("Helvetica", "B", 14)
            doc.multi_cell(width, 8, latin1(b.text), new_x="LMARGIN", new_y="NEXT")
        elif b.kind == "h2":
            doc.ln(2)
            doc.set_font("Helvetica", "B", 11)
            doc.multi_cell(width, 6, latin1(b.text), new_x="LMARGIN", new_y="NEXT")
        elif b.kind == "p":
            doc.set_font("Helvetica", "", 10)
            doc.multi_cell(width, 5, latin1(b.text), new_x="LMARGIN", new_y="NEXT")
        else:
            doc.set_font("Helvetica", "", 8)
            with doc.table(first_row_as_headings=True, line_height=4, text_align="LEFT") as table:
                for row in b.rows:
                    cells = table.row()
                    for value in row:
                        cells.cell(latin1(value))
    return bytes(doc.output())


def render_docx(blocks: list[Block], title: str) -> bytes:
    import docx

    doc = docx.Document()
    doc.core_properties.title = title
    for b in blocks:
        if b.kind == "title":
            doc.add_heading(b.text, level=0)
        elif b.kind in {"h1", "h2"}:
            doc.add_heading(b.text, level=1 if b.kind == "h1" else 2)
        elif b.kind == "p":
            doc.add_paragraph(b.text)
        else:
            table = doc.add_table(rows=0, cols=len(b.rows[0]))
            table.style = "Table Grid"
            for row in b.rows:
                cells = table.add_row().cells
                for cell, value in zip(cells, row, strict=False):
                    cell.text = str(value)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def evaluation_report(
    *, programme: Programme, countries: list[str], start: date, end: date, lang: str, fmt: str
) -> bytes:
    """The report as PDF (``fmt="pdf"``) or DOCX (``"docx"``) in ``lang`` (fr or en)."""
    with translation.override(lang):
        blocks = evaluation_blocks(programme=programme, countries=countries, start=start, end=end)
        title = _("Regional evaluation report")
        return render_docx(blocks, title) if fmt == "docx" else render_pdf(blocks, title)
