"""The inspection report (PDF) the inspector signs and hands to the site commander: the site,
the checklist and its source, the date of the inspection and of its closing, the score and
RRPL level, the count of answers of each kind, every question with its answer, evidence and
note by domain, the critical questions failed, the corrective actions with their owner and
due date, when it was printed, and the signature blocks of the inspector and of the site
commander who receives it. In the user's language, with its number and date formats."""

from __future__ import annotations

from collections import Counter
from itertools import groupby

from django.http import HttpResponse
from django.utils.translation import gettext as _

from pssm.core.pdf import (
    day,
    field_rows,
    latin1,
    number,
    person,
    printed_line,
    qr_png,
    signature_blocks,
    when,
)

from .models import ANSWER_CHOICES, DOMAIN_LABELS

ANSWER_LABELS = dict(ANSWER_CHOICES)


def answer_totals(answers, questions: int) -> list[tuple[str, str]]:
    """(answer, how many of the ``questions`` got it), in the order of the choices, with the
    questions left unanswered last."""
    counts = Counter(a.answer for a in answers.values())
    out = [(str(label), number(counts[value])) for value, label in ANSWER_CHOICES]
    return [*out, (_("Not answered"), number(questions - len(answers)))]


def _header(inspection, commander) -> list[tuple[str, str]]:
    rows = [
        (_("Site"), str(inspection.site)),
        (_("Checklist"), inspection.template.title),
        (_("Source of the checklist"), inspection.template.source),
        (_("Inspected on"), day(inspection.inspected_on)),
        (_("State"), inspection.get_state_display()),
        (_("Opened on"), when(inspection.created_at)),
        (_("Closed on"), when(inspection.closed_at)),
        (_("Inspector"), person(inspection.inspector)),
        (_("Site commander"), person(commander)),
    ]
    if inspection.score_ratio is not None:
        rows.append((_("Score"), f"{number(inspection.percent)} %"))
        rows.append(
            (_("Level (PSSM thresholds)"), number(inspection.level) if inspection.level else "0")
        )
    for level, codes in sorted(inspection.failed_criticals.items()):
        rows.append(
            (
                _("Critical questions failed for level %(level)s") % {"level": level},
                ", ".join(codes),
            )
        )
    return rows


def _questions(doc, inspection, answers) -> None:
    widths = (18, 112, 22, 38)
    heads = (_("Question"), _("Text"), _("Answer"), _("Evidence or note"))
    questions = inspection.template.questions.all()
    for domain, items in groupby(questions, key=lambda q: q.domain):
        doc.ln(2)
        if doc.get_y() > doc.h - 40:
            doc.add_page()
        doc.set_font("Helvetica", "B", 10)
        doc.cell(0, 6, latin1(DOMAIN_LABELS.get(domain, domain)), new_x="LMARGIN", new_y="NEXT")
        doc.set_font("Helvetica", "B", 8)
        with doc.table(col_widths=widths, first_row_as_headings=True) as table:
            row = table.row()
            for head in heads:
                row.cell(latin1(head))
            doc.set_font("Helvetica", "", 8)
            for q in items:
                a = answers.get(q.pk)
                said = str(ANSWER_LABELS.get(a.answer, "")) if a else "-"
                remark = " - ".join(p for p in ((a.evidence, a.note) if a else ()) if p)
                row = table.row()
                for value in (q.code, q.text, said, remark):
                    row.cell(latin1(value))


def _actions(doc, inspection) -> None:
    actions = list(inspection.actions.select_related("question"))
    doc.ln(3)
    doc.set_font("Helvetica", "B", 11)
    doc.cell(0, 7, latin1(_("Corrective actions")), new_x="LMARGIN", new_y="NEXT")
    doc.set_font("Helvetica", "", 9)
    if not actions:
        doc.cell(0, 6, latin1(_("No corrective action.")), new_x="LMARGIN", new_y="NEXT")
        return
    with doc.table(col_widths=(18, 82, 40, 25, 25), first_row_as_headings=True) as table:
        row = table.row()
        for head in (_("Question"), _("Action"), _("Owner"), _("Due by"), _("State")):
            row.cell(latin1(head))
        for act in actions:
            state = (
                _("closed on %(date)s") % {"date": day(act.closed_at.date())}
                if act.closed_at
                else _("open")
            )
            row = table.row()
            for value in (
                act.question.code if act.question_id else "",
                act.description,
                act.owner,
                day(act.due_date),
                state,
            ):
                row.cell(latin1(value))


def inspection_pdf(inspection, url: str, commander=None, printed_by=None) -> bytes:
    from fpdf import FPDF

    answers = {a.question_id: a for a in inspection.answers.all()}
    doc = FPDF(format="A4")
    doc.set_auto_page_break(auto=True, margin=15)
    doc.add_page()
    title = _("Inspection report - %(site)s, %(date)s") % {
        "site": inspection.site.name,
        "date": day(inspection.inspected_on),
    }
    doc.set_title(latin1(title))
    doc.image(qr_png(url), x=170, y=10, w=28)
    doc.set_font("Helvetica", "B", 14)
    doc.multi_cell(150, 7, latin1(title), new_x="LMARGIN", new_y="NEXT")
    doc.ln(1)
    field_rows(doc, _header(inspection, commander), label_width=60)
    doc.ln(1)
    doc.set_font("Helvetica", "B", 10)
    doc.cell(0, 6, latin1(_("Answers")), new_x="LMARGIN", new_y="NEXT")
    totals = answer_totals(answers, inspection.template.questions.count())
    field_rows(doc, totals, label_width=60)
    _questions(doc, inspection, answers)
    _actions(doc, inspection)
    doc.ln(2)
    printed_line(doc, printed_by)
    signature_blocks(
        doc,
        [
            (_("Inspector"), person(inspection.inspector)),
            (_("Received by (site commander)"), person(commander)),
        ],
    )
    return bytes(doc.output())


def inspection_response(inspection, url: str, commander=None, printed_by=None) -> HttpResponse:
    content = inspection_pdf(inspection, url, commander, printed_by)
    response = HttpResponse(content, content_type="application/pdf")
    name = f"inspection-{inspection.site.code}-{inspection.inspected_on.isoformat()}"
    response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    return response
