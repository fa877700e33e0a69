"""Surveillance records and the calendar through the services and the pages."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from pssm.ammunition.surveillance import lot_inspection_record, surveillance_calendar
from pssm.domain.errors import NotFoundError, PermissionDeniedError, ValidationError
from pssm.journal.models import JournalEntry


def test_an_old_inspection_makes_the_lot_overdue_and_a_new_one_clears_it(depot, client):
    depot.receive("EX16B020-002", 600, "MORT-82-HE", year_of_manufacture=2016)
    today = timezone.localdate()
    lot_inspection_record(
        actor=depot.technician,
        site=depot.site,
        lot_number="EX16B020-002",
        kind="visual",
        inspected_on=today - timedelta(days=800),
        condition_code="C",
    )

    (row,) = surveillance_calendar(user=depot.authority)
    assert row["state"] == "overdue" and row["lot"] == "EX16B020-002"
    assert JournalEntry.objects.filter(kind="lot.inspected").count() == 1
    client.force_login(depot.authority)
    home = client.get("/").content.decode()
    assert 'id="surveillance-urgent"' in home and "EX16B020-002" in home

    lot_inspection_record(
        actor=depot.technician,
        site=depot.site,
        lot_number="EX16B020-002",
        kind="visual",
        inspected_on=today,
        condition_code="A",
    )
    (row,) = surveillance_calendar(user=depot.authority)
    assert row["state"] == "ok"


def test_a_stability_test_sets_a_band_and_a_retest(depot):
    depot.receive("PR14E007-002", 100, "CTG-762X39-BALL")
    today = timezone.localdate()

    record = lot_inspection_record(
        actor=depot.technician,
        site=depot.site,
        lot_number="PR14E007-002",
        kind="stability",
        inspected_on=today - timedelta(days=30),
        stabiliser_percent="0,31",
        reference="LAB-2026-044",
    )

    assert (record.band, record.retest_years) == ("B", 1)
    (row,) = surveillance_calendar(user=depot.authority)
    assert row["next_test"] > today and row["last_test"].band == "B"


def test_bad_records_are_refused_and_nothing_is_written(depot):
    depot.receive("L-1", 10, "CTG-762X39-BALL")
    today = timezone.localdate()
    base = {"site": depot.site, "lot_number": "L-1", "inspected_on": today}
    cases = [
        ({"kind": "visual"}, "condition_code"),
        ({"kind": "stability"}, "stabiliser_percent"),
        ({"kind": "stability", "stabiliser_percent": "42"}, "stabiliser_percent"),
        (
            {"kind": "visual", "condition_code": "A", "inspected_on": today + timedelta(1)},
            "inspected_on",
        ),
        ({"kind": "xray", "condition_code": "A"}, "kind"),
    ]
    for extra, field in cases:
        with pytest.raises(ValidationError) as err:
            lot_inspection_record(actor=depot.technician, **{**base, **extra})
        assert field in err.value.details, (extra, err.value.details)
    with pytest.raises(NotFoundError) as err:
        lot_inspection_record(
            actor=depot.technician, **{**base, "lot_number": "NOPE", "kind": "visual"}
        )
    assert "lot_number" in err.value.details
    with pytest.raises(PermissionDeniedError):
        lot_inspection_record(
            actor=depot.keeper, **{**base, "kind": "visual", "condition_code": "A"}
        )
    depot.receive("TNT-9", 10, "CHG-DEMO-TNT-400", location=depot.s2)
    with pytest.raises(ValidationError) as err:  # TNT holds no propellant
        lot_inspection_record(
            actor=depot.technician,
            **{**base, "lot_number": "TNT-9", "kind": "stability", "stabiliser_percent": "0.05"},
        )
    assert "kind" in err.value.details
    assert not JournalEntry.objects.filter(kind="lot.inspected").exists()


def test_the_page_shows_the_calendar_and_records_through_the_form(depot, client):
    depot.receive("L-2", 10, "CTG-762X39-BALL")
    client.force_login(depot.technician)

    posted = client.post(
        "/ammunition/lots/surveillance/",
        {
            "site": depot.site.code,
            "lot_number": "L-2",
            "kind": "visual",
            "inspected_on": date.today().isoformat(),
            "condition_code": "A",
        },
    )
    page = client.get("/ammunition/lots/surveillance/?by=country").content.decode()

    assert posted.status_code == 302
    assert 'id="surveillance-calendar"' in page and "L-2" in page
    assert 'class="badge warn">' not in page

    from pssm.ammunition.suspensions import lot_suspend

    lot_suspend(actor=depot.technician, lot_number="L-2", reason="Défaut constaté lot frère")
    page = client.get("/ammunition/lots/surveillance/").content.decode()
    assert 'L-2 <span class="badge warn">suspendu</span>' in page


def test_the_api_gives_the_calendar_and_takes_a_record(depot, api_client):
    depot.receive("L-3", 10, "CTG-762X39-BALL")
    api_client.force_authenticate(depot.technician)

    made = api_client.post(
        "/api/v1/surveillance/",
        {
            "site": depot.site.code,
            "lot_number": "L-3",
            "kind": "stability",
            "inspected_on": date.today().isoformat(),
            "stabiliser_percent": "0.1",
        },
        format="json",
    )
    bad = api_client.post(
        "/api/v1/surveillance/",
        {"site": depot.site.code, "lot_number": "L-3", "kind": "visual", "inspected_on": "x"},
        format="json",
    )
    listed = api_client.get("/api/v1/surveillance/").json()["results"]

    assert made.status_code == 201 and made.json()["band"] == "C"
    assert bad.status_code == 400 and "inspected_on" in bad.json()["details"]
    assert listed[0]["lot"] == "L-3" and listed[0]["state"] == "dispose"
    assert listed[0]["suspended"] is False
