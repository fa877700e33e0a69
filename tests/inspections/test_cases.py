"""Discrepancy cases: a count's gap freezes the weapon, is recounted by another person,
investigated, and closed as explained or by a write-off approved above the site level."""

import pytest

from pssm.domain.errors import ConflictError, PermissionDeniedError, ValidationError
from pssm.inspections import services as counts
from pssm.journal.models import JournalEntry
from pssm.movements import cases
from pssm.movements import services as movements
from pssm.movements.models import Discrepancy, Voucher
from pssm.registry.models import Weapon
from tests.movements.conftest import Armoury


@pytest.fixture
def kti(make):
    armoury = Armoury(make, "KTI")
    armoury.receive("AK-1", "AK-2", "AK-3")
    armoury.clerk = make.user("storekeeper", armoury.site, username="clerk-kti")
    armoury.national = make.user(
        "national_authority", armoury.site.organisation.country, username="dnac"
    )
    return armoury


def _count(kti, *scans):
    count = counts.count_start(actor=kti.keeper, site=kti.site, witness="Lt Diarra")
    for serial, location in scans:
        counts.count_scan(actor=kti.keeper, count=count, serial=serial, location=location)
    return counts.count_close(actor=kti.commander, count=count)


def _issue(kti, serial):
    v = movements.voucher_create(
        actor=kti.keeper, site=kti.site, kind="issue", custodian_unit="1st company"
    )
    movements.voucher_line_add(actor=kti.keeper, voucher=v, serial=serial)
    return v


def test_a_missing_weapon_opens_a_case_that_freezes_it_until_written_off_by_two_people(kti):
    _count(kti, ("AK-1", kti.rack), ("AK-3", kti.rack))
    case = Discrepancy.objects.get(kind="missing")
    weapon = Weapon.objects.get(serial="AK-2")
    assert case.site == kti.site and case.weapon == weapon and case.state == "open"
    assert weapon.on_hold
    assert JournalEntry.objects.filter(kind="discrepancy.opened").count() == 1

    # frozen: it cannot be put on an issue voucher
    with pytest.raises(ConflictError) as err:
        _issue(kti, "AK-2")
    assert err.value.code == "frozen" and case.number in err.value.render()
    _issue(kti, "AK-1")  # other weapons move as usual

    # the counter cannot recount their own count; a write-off needs recount and note first
    with pytest.raises(PermissionDeniedError):
        cases.case_recount(actor=kti.keeper, case=case, confirmed=True)
    with pytest.raises(ValidationError) as err:
        cases.case_write_off(actor=kti.clerk, case=case, reason="stolen")
    assert set(err.value.details) == {"recount", "note"}
    with pytest.raises(ValidationError):
        cases.case_recount(actor=kti.clerk, case=case, confirmed=None)
    cases.case_recount(actor=kti.clerk, case=case, confirmed=True)
    with pytest.raises(ConflictError):
        cases.case_recount(actor=kti.commander, case=case, confirmed=False)
    with pytest.raises(ValidationError):
        cases.case_investigate(actor=kti.commander, case=case, note="short")
    cases.case_investigate(
        actor=kti.commander,
        case=case,
        note="Rack R01 padlock found forced; the guard roster of 12-14 November is checked.",
    )

    # a confirmed gap is not closed as explained by the site itself
    with pytest.raises(PermissionDeniedError) as err:
        cases.case_explain(actor=kti.commander, case=case, note="Paperwork")
    assert err.value.code == "above_site"

    voucher = cases.case_write_off(actor=kti.clerk, case=case, reason="stolen")
    case.refresh_from_db()
    assert voucher.kind == "loss" and voucher.above_site and voucher.state == "submitted"
    assert case.state == "pending" and case.closing_voucher == voucher

    # the site's commander may not approve it; the national authority does
    with pytest.raises(PermissionDeniedError) as err:
        movements.voucher_approve(actor=kti.commander, voucher=voucher)
    assert err.value.code == "above_site"
    assert Voucher.objects.get(pk=voucher.pk).state == "submitted"
    movements.voucher_approve(actor=kti.national, voucher=voucher)

    case.refresh_from_db()
    weapon.refresh_from_db()
    assert (case.state, case.resolution, case.closed_by) == ("closed", "written_off", kti.national)
    assert weapon.status == "stolen" and not weapon.on_hold
    kinds = list(
        JournalEntry.objects.filter(kind__startswith="discrepancy.").values_list("kind", flat=True)
    )
    assert sorted(kinds) == sorted(
        [
            "discrepancy.opened",
            "discrepancy.recounted",
            "discrepancy.investigated",
            "discrepancy.settlement_submitted",
            "discrepancy.closed",
        ]
    )


def test_a_recount_that_finds_the_weapon_closes_the_case_as_explained_at_the_site(kti):
    _count(kti, ("AK-1", kti.rack), ("AK-3", kti.rack2))  # AK-2 missing, AK-3 wrong place
    missing = Discrepancy.objects.get(kind="missing")
    misplaced = Discrepancy.objects.get(kind="wrong_location")
    assert misplaced.expected_location.endswith("-R01") and misplaced.found_location.endswith(
        "-R02"
    )

    cases.case_recount(actor=kti.clerk, case=missing, confirmed=False)
    cases.case_investigate(
        actor=kti.clerk, case=missing, note="Found behind rack R01 during the recount."
    )
    with pytest.raises(ConflictError):  # nothing to write off
        cases.case_write_off(actor=kti.clerk, case=missing, reason="lost")
    with pytest.raises(ValidationError):
        cases.case_explain(actor=kti.commander, case=missing, note="")
    with pytest.raises(PermissionDeniedError):  # a storekeeper does not close a case
        cases.case_explain(actor=kti.clerk, case=missing, note="Put back in its place.")
    closed = cases.case_explain(actor=kti.commander, case=missing, note="Put back in its place.")
    assert (closed.state, closed.resolution) == ("closed", "explained")
    assert not Weapon.objects.get(serial="AK-2").on_hold
    with pytest.raises(ConflictError):
        cases.case_investigate(actor=kti.clerk, case=missing, note="A later note is refused.")

    # a confirmed wrong location is explained only with an approval above the site
    cases.case_recount(actor=kti.clerk, case=misplaced, confirmed=True)
    cases.case_investigate(actor=kti.clerk, case=misplaced, note="Moved to R02 while painting.")
    with pytest.raises(PermissionDeniedError):
        cases.case_explain(actor=kti.commander, case=misplaced, note="Moved back to R01.")
    cases.case_explain(actor=kti.national, case=misplaced, note="Moved back to R01.")
    assert not Weapon.objects.filter(on_hold=True).exists()


def test_a_cancelled_write_off_reopens_the_case_and_the_weapon_stays_frozen(kti):
    _count(kti, ("AK-1", kti.rack), ("AK-3", kti.rack))
    case = Discrepancy.objects.get()
    cases.case_recount(actor=kti.clerk, case=case, confirmed=True)
    cases.case_investigate(actor=kti.clerk, case=case, note="Not found anywhere on the site.")
    voucher = cases.case_write_off(actor=kti.clerk, case=case, reason="lost")
    with pytest.raises(ConflictError):  # one settlement at a time
        cases.case_write_off(actor=kti.clerk, case=case, reason="lost")
    movements.voucher_cancel(actor=kti.commander, voucher=voucher)
    case.refresh_from_db()
    assert case.state == "open" and case.closing_voucher is None
    assert Weapon.objects.get(serial="AK-2").on_hold
    assert JournalEntry.objects.filter(kind="discrepancy.reopened").count() == 1


def test_an_issued_weapon_found_on_the_shelf_is_adjusted_by_a_return(kti):
    v = _issue(kti, "AK-3")
    movements.voucher_submit(actor=kti.keeper, voucher=v)
    movements.voucher_approve(actor=kti.commander, voucher=v)
    _count(kti, ("AK-1", kti.rack), ("AK-2", kti.rack), ("AK-3", kti.rack2))
    case = Discrepancy.objects.get()
    assert case.kind == "unexpected" and case.found_location == kti.rack2.code
    cases.case_recount(actor=kti.clerk, case=case, confirmed=True)
    cases.case_investigate(actor=kti.clerk, case=case, note="Returned by the company, no voucher.")
    adjustment = cases.case_write_off(actor=kti.clerk, case=case)
    assert adjustment.kind == "return"
    movements.voucher_approve(actor=kti.national, voucher=adjustment)
    case.refresh_from_db()
    weapon = Weapon.objects.get(serial="AK-3")
    assert (case.state, case.resolution) == ("closed", "adjusted")
    assert weapon.status == "in_store" and weapon.location == kti.rack2


def test_a_weapon_with_an_open_case_is_not_opened_twice_and_other_sites_cannot_act(kti, make):
    seg = Armoury(make, "SEG")
    _count(kti, ("AK-1", kti.rack), ("AK-3", kti.rack))
    _count(kti, ("AK-1", kti.rack), ("AK-3", kti.rack))
    assert Discrepancy.objects.count() == 1
    assert JournalEntry.objects.filter(kind="discrepancy.found_again").count() == 1
    case = Discrepancy.objects.get()
    with pytest.raises(PermissionDeniedError):
        cases.case_recount(actor=seg.keeper, case=case, confirmed=True)
    with pytest.raises(PermissionDeniedError):
        cases.case_investigate(actor=seg.commander, case=case, note="Not my site at all here.")


def test_the_case_pages_take_a_missing_weapon_to_its_write_off(
    kti,
    client,
):
    _count(kti, ("AK-1", kti.rack), ("AK-3", kti.rack))
    case = Discrepancy.objects.get()
    url = f"/movements/cases/{case.pk}/"

    client.force_login(kti.clerk)
    listing = client.get("/movements/cases/?state=active").content.decode()
    assert case.number in listing and "AK-2" in listing
    assert "AK-2" in client.get("/movements/cases/?format=csv").getvalue().decode()
    page = client.get(url).content.decode()
    assert 'id="recount"' in page and 'id="write-off"' not in page
    client.post(url, {"op": "recount", "confirmed": "yes"})
    client.post(url, {"op": "investigate", "note": "Rack forced; guard roster checked."})
    response = client.post(url, {"op": "write_off", "reason": "stolen"})
    voucher = Voucher.objects.get(kind="loss")
    assert response.status_code == 302 and response["Location"].endswith(f"/{voucher.pk}/")

    client.force_login(kti.commander)  # the site's own commander sees no approve button
    assert (
        'id="approve-voucher"'
        not in client.get(f"/movements/vouchers/{voucher.pk}/").content.decode()
    )
    client.post(f"/movements/vouchers/{voucher.pk}/approve/")
    assert Voucher.objects.get(pk=voucher.pk).state == "submitted"

    client.force_login(kti.national)
    page = client.get(f"/movements/vouchers/{voucher.pk}/").content.decode()
    assert 'id="approve-voucher"' in page and case.number in page
    client.post(f"/movements/vouchers/{voucher.pk}/approve/")
    case.refresh_from_db()
    assert (case.state, case.resolution) == ("closed", "written_off")
    page = client.get(url).content.decode()
    # The case's history names its events in French, never by their code.
    from django.utils import translation
    from django.utils.html import escape

    from pssm.journal.events import EVENT_LABELS

    with translation.override("fr"):
        closed = str(EVENT_LABELS["discrepancy.closed"])
    assert closed != "Discrepancy case closed"  # it has its French name
    assert escape(closed) in page and "discrepancy.closed" not in page and "Radié" in page


def test_another_site_does_not_see_the_case(kti, make, client):
    _count(kti, ("AK-1", kti.rack), ("AK-3", kti.rack))
    case = Discrepancy.objects.get()
    seg = Armoury(make, "SEG")
    client.force_login(seg.commander)
    assert client.get(f"/movements/cases/{case.pk}/").status_code == 404
    assert case.number not in client.get("/movements/cases/").content.decode()
    client.post(f"/movements/cases/{case.pk}/", {"op": "recount", "confirmed": "yes"})
    case.refresh_from_db()
    assert case.recounted_at is None


def test_the_api_follows_a_case_step_by_step(kti, api_client):
    _count(kti, ("AK-1", kti.rack), ("AK-3", kti.rack))
    case = Discrepancy.objects.get()
    url = f"/api/v1/discrepancies/{case.pk}/"

    api_client.force_authenticate(kti.keeper)
    listed = api_client.get("/api/v1/discrepancies/?state=active").json()
    assert [c["number"] for c in listed["results"]] == [case.number]
    assert listed["results"][0]["source"] == {"count": case.count_id}
    refused = api_client.post(url, {"step": "recount", "confirmed": True}, format="json")
    assert refused.status_code == 403  # the counter does not recount

    api_client.force_authenticate(kti.clerk)
    bad = api_client.post(url, {"step": "recount"}, format="json")
    assert bad.status_code == 400 and "confirmed" in bad.json()["details"]
    ok = api_client.post(url, {"step": "recount", "confirmed": True}, format="json")
    assert ok.status_code == 200 and ok.json()["recount_confirmed"] is True
    note = {"step": "investigate", "note": "Not found on the site."}
    assert api_client.post(url, note, format="json").status_code == 200
    done = api_client.post(url, {"step": "write_off", "reason": "lost"}, format="json").json()
    assert done["state"] == "pending" and done["closing_voucher"]

    voucher = Voucher.objects.get(number=done["closing_voucher"])
    api_client.force_authenticate(kti.commander)
    assert api_client.post(f"/api/v1/vouchers/{voucher.pk}/approve/").status_code == 403
    api_client.force_authenticate(kti.national)
    assert api_client.post(f"/api/v1/vouchers/{voucher.pk}/approve/").status_code == 200
    final = api_client.get(url).json()
    assert (final["state"], final["resolution"]) == ("closed", "written_off")


def test_the_compliance_dashboard_shows_counts_due_cases_and_losses(kti, make, client):
    from pssm.accounts.authz import SystemActor
    from pssm.sites import services as site_services

    site_services.site_update(
        actor=SystemActor("system:test"), site=kti.site, is_model_installation=True
    )
    count = counts.count_start(
        actor=kti.keeper, site=kti.site, witness="Lt Diarra", policy="COUNT.MONTHLY_SERIAL"
    )
    counts.count_scan(actor=kti.keeper, count=count, serial="AK-1", location=kti.rack)
    counts.count_scan(actor=kti.keeper, count=count, serial="AK-3", location=kti.rack)
    counts.count_close(actor=kti.commander, count=count)

    viewer = make.user("programme_viewer", None, username="programme")
    client.force_login(viewer)
    page = client.get("/inspections/compliance/").content.decode()
    assert "KTI" in page and "AK-2" not in page  # aggregates only for the programme
    assert "1 dossier(s) ouvert(s)" in page or "1 open case" in page

    client.force_login(kti.national)
    page = client.get("/inspections/compliance/").content.decode()
    assert "AK-2" in page  # the loss is on the national dashboard at once
    rows = client.get("/inspections/compliance/?by=country&format=csv").getvalue()
    header, line = rows.decode("utf-8-sig").splitlines()[:2]
    from django.utils import translation

    from pssm.core.exports import HEADERS

    with translation.override("fr"):
        label = {key: str(text) for key, text in HEADERS.items()}
    assert header.startswith(";".join(label[k] for k in ("country", "name", "sites")))
    values = dict(zip(header.split(";"), line.split(";"), strict=True))
    assert (
        values[label["country"]],
        values[label["open_cases"]],
        values[label["losses_open"]],
    ) == ("ML", "1", "1")
    # the monthly inventory is done: only the annual count is overdue
    site_rows = client.get("/inspections/compliance/?format=csv").getvalue().decode()
    assert "KTI" in site_rows
    assert values[label["counts_overdue"]] == "0"


def test_a_voucher_prepared_before_the_freeze_is_refused_at_approval(kti):
    v = _issue(kti, "AK-2")
    movements.voucher_submit(actor=kti.keeper, voucher=v)
    _count(kti, ("AK-1", kti.rack), ("AK-3", kti.rack))
    with pytest.raises(ConflictError) as err:
        movements.voucher_approve(actor=kti.commander, voucher=v)
    assert err.value.code == "frozen"
    assert Weapon.objects.get(serial="AK-2").status == "in_store"
