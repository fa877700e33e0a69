"""Writes of the reports: generating one (its figures are kept as computed) and the national
authority's sign-off. One transaction each, journaled."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from pssm.accounts import authz
from pssm.core.services import invalid
from pssm.domain import reporting
from pssm.domain.access import Action, Scope
from pssm.domain.errors import ConflictError, PermissionDeniedError, gettext_noop
from pssm.journal.services import journal_append

from . import figures as report_figures
from .models import Report

LANGUAGES = ("fr", "en")


def check_language(language: str) -> str:
    if language not in LANGUAGES:
        raise invalid(gettext_noop("Choose the language: fr or en."), "language")
    return language


def report_generate(
    *,
    actor,
    kind: str,
    country,
    period_start: date | None,
    period_end: date | None,
    language: str = "fr",
) -> Report:
    """Compute report ``kind`` of ``country`` over the period and keep it, with the digest of
    its figures. Needs the country's aggregates (a national or global grant)."""
    authz.check(actor, Action.AGGREGATES_VIEW, Scope(country=country.code))
    report_figures.check_kind(kind)
    period = reporting.check_period(period_start, period_end)
    check_language(language)
    figures = report_figures.compute(kind=kind, country=country.code, period=period)
    sha = report_figures.digest(figures)
    now = timezone.now()
    with transaction.atomic():
        # Numbers run per country: its row is locked while the next one is taken.
        type(country).objects.select_for_update().filter(pk=country.pk).first()
        prefix = f"RPT-{country.code}-{period.end.year}-{kind.upper()}-"
        last = (
            Report.objects.filter(number__startswith=prefix)
            .order_by("-number")
            .values_list("number", flat=True)
            .first()
        )
        n = int(last.rsplit("-", 1)[1]) + 1 if last else 1
        report = Report.objects.create(
            number=f"{prefix}{n:03d}",
            kind=kind,
            definition=figures["definition"],
            country=country,
            period_start=period.start,
            period_end=period.end,
            language=language,
            figures=figures,
            figures_sha256=sha,
            generated_by=actor if getattr(actor, "pk", None) else None,
            generated_by_name=getattr(actor, "username", str(actor)),
            generated_at=now,
        )
        journal_append(
            actor=actor,
            kind="report.generated",
            payload={
                "number": report.number,
                "kind": kind,
                "definition": report.definition,
                "period": period.as_dict(),
                "language": language,
                "figures_sha256": sha,
            },
            scope=report.scope,
            now=now,
        )
    return report


def report_sign(*, actor, report: Report, note: str = "") -> Report:
    """The national authority signs the report off: the sign-off covers the digest of its
    figures. Refused for anyone without the national role on the report's country (the
    console operator included: a sign-off is a person's), and for a report already signed."""
    if not getattr(actor, "pk", None) or not authz.can(actor, Action.REPORT_SIGN, report.scope):
        raise PermissionDeniedError(
            gettext_noop("Only a national authority of %(country)s signs a report off."),
            params={"country": report.country.code},
            details={"action": str(Action.REPORT_SIGN)},
        )
    now = timezone.now()
    with transaction.atomic():
        locked = Report.objects.select_for_update().get(pk=report.pk)
        if locked.is_signed:
            raise ConflictError(gettext_noop("This report is already signed off."))
        if report_figures.digest(locked.figures) != locked.figures_sha256:
            raise ConflictError(
                gettext_noop("The figures of this report no longer match their digest.")
            )
        locked.signed_by = actor
        locked.signed_at = now
        locked.sign_note = (note or "").strip()
        locked.save(update_fields=["signed_by", "signed_at", "sign_note"])
        journal_append(
            actor=actor,
            kind="report.signed",
            payload={
                "number": locked.number,
                "kind": locked.kind,
                "period": {
                    "start": locked.period_start.isoformat(),
                    "end": locked.period_end.isoformat(),
                },
                "figures_sha256": locked.figures_sha256,
                "note": locked.sign_note,
            },
            scope=locked.scope,
            now=now,
        )
    return locked
