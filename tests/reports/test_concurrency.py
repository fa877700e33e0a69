"""Two national authorities generating and signing at the same moment."""

import threading
from datetime import date

import pytest
from django.db import connection

from pssm.domain.errors import PssmError
from pssm.reports import services
from pssm.reports.models import Report


def _run_together(*calls):
    barrier = threading.Barrier(len(calls))
    outcomes = []

    def run(call):
        try:
            barrier.wait()
            call()
            outcomes.append("ok")
        except PssmError as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(outcomes)


@pytest.mark.postgres
def test_two_reports_generated_at_once_get_two_numbers(transactional_db, make):
    country = make.country()
    a = make.user("national_authority", country, username="na-1")
    b = make.user("national_authority", country, username="na-2")

    def generate(actor):
        return lambda: services.report_generate(
            actor=actor,
            kind="stock",
            country=country,
            period_start=date(2026, 1, 1),
            period_end=date(2026, 12, 31),
        )

    assert _run_together(generate(a), generate(b)) == ["ok", "ok"]
    numbers = sorted(Report.objects.values_list("number", flat=True))
    assert numbers == ["RPT-ML-2026-STOCK-001", "RPT-ML-2026-STOCK-002"]


@pytest.mark.postgres
def test_a_report_signed_twice_at_once_is_signed_once(transactional_db, make):
    country = make.country()
    a = make.user("national_authority", country, username="na-1")
    b = make.user("national_authority", country, username="na-2")
    report = services.report_generate(
        actor=a,
        kind="poa",
        country=country,
        period_start=date(2026, 1, 1),
        period_end=date(2026, 12, 31),
    )

    outcomes = _run_together(
        lambda: services.report_sign(actor=a, report=report),
        lambda: services.report_sign(actor=b, report=report),
    )

    assert outcomes == ["conflict", "ok"]
    report.refresh_from_db()
    assert report.signed_by in {a, b}
