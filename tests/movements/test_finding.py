"""Finding things: the global search, sortable and filterable lists, a person's page with what
they hold and since when, and the overdue returns."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from pssm.movements.models import Voucher
from pssm.registry import custody
from pssm.registry import services as registry_services
from pssm.registry.models import Weapon


def _person(armoury, last="Traoré", number="KTI-1001"):
    return registry_services.person_create(
        actor=armoury.keeper,
        site=armoury.site,
        service_number=number,
        first_name="Moussa",
        last_name=last,
        rank="Sergent",
    )


def _records(response):
    return [row.record for row in response.context["table"].page]


# --- global search ---------------------------------------------------------------------


def test_search_finds_a_part_of_a_serial_from_four_characters(kti, seg, client):
    kti.receive("56-1-0119001", "56-1-0119002", "AK-2000")
    seg.receive("56-1-0119003")  # another site: never shown to KTI's storekeeper
    client.force_login(kti.keeper)

    found = client.get(reverse("search"), {"q": "0119"}).context["results"]
    short = client.get(reverse("search"), {"q": "011"}).context["results"]

    assert sorted(w.serial for w in found.partial) == ["56-1-0119001", "56-1-0119002"]
    assert short.too_short and short.partial == []
    page = client.get(reverse("search"), {"q": "011"}).content.decode()
    assert re.search(r"(at least 4 characters|au moins 4 caractères)", page)


def test_search_finds_a_mistyped_serial_and_goes_straight_to_a_single_exact_one(kti, client):
    kti.receive("MORTAR-302644", "AK470015")
    client.force_login(kti.keeper)
    weapon = Weapon.objects.get(serial="MORTAR-302644")

    exact = client.get(reverse("search"), {"q": "MORTAR-302644"})
    mistyped = client.get(reverse("search"), {"q": "m0rtar 302644"}).context["results"]
    near = client.get(reverse("search"), {"q": "AK470016"}).context["results"]

    assert exact.status_code == 302
    assert exact["Location"] == reverse("registry:weapon_detail", args=[weapon.pk])
    assert [(m.value, h.serial) for m, h in mistyped.serials] == [("normalised", "MORTAR-302644")]
    assert [(m.value, h.serial) for m, h in near.serials] == [("near", "AK470015")]


def test_search_finds_vouchers_persons_and_shows_them_as_links(kti, client):
    person = _person(kti, last="Coulibaly", number="KTI-2002")
    voucher = kti.receive("AK-1")
    client.force_login(kti.keeper)

    by_name = client.get(reverse("search"), {"q": "coulibaly"})
    by_number = client.get(reverse("search"), {"q": voucher.number})

    assert [p.pk for p in by_name.context["results"].persons] == [person.pk]
    assert reverse("registry:person_detail", args=[person.pk]) in by_name.content.decode()
    assert by_number.status_code == 302
    assert by_number["Location"] == reverse("movements:voucher_detail", args=[voucher.pk])


def test_search_is_refused_to_who_sees_no_serial_and_has_no_box(make, client):
    viewer = make.user("programme_viewer")
    client.force_login(viewer)

    refused = client.get(reverse("search"), {"q": "AK"})
    dashboard = client.get(reverse("core:dashboard")).content.decode()

    assert refused.status_code == 403
    assert 'action="/search/"' not in dashboard


def test_an_overlong_search_is_cut_and_nothing_breaks(kti, client):
    client.force_login(kti.keeper)

    response = client.get(reverse("search"), {"q": "A" * 5000})

    assert response.status_code == 200
    assert len(response.context["results"].query) == 64


# --- lists: sorting and filtering -------------------------------------------------------


def test_the_weapon_list_sorts_by_any_column_header(kti, client):
    kti.receive("B-200", "A-100", "C-300")
    client.force_login(kti.keeper)
    url = reverse("registry:weapon_list")

    ascending = [w.serial for w in _records(client.get(url, {"sort": "serial"}))]
    descending = client.get(url, {"sort": "-serial"})

    assert ascending == ["A-100", "B-200", "C-300"]
    assert [w.serial for w in _records(descending)] == ["C-300", "B-200", "A-100"]
    html = descending.content.decode()
    assert re.search(r'<a href="\?sort=serial">[^<]+</a> ▼', html)  # the header toggles


def test_a_bad_filter_value_is_named_and_lists_nothing(kti, client):
    kti.receive("A-100")
    client.force_login(kti.keeper)

    response = client.get(reverse("registry:weapon_list"), {"status": "melted"})

    assert response.status_code == 200
    assert _records(response) == []
    assert "melted" in response.content.decode()  # "Select a valid choice. melted is not …"
    assert "status" in response.context["table"].filter.form.errors


def test_the_weapon_list_filters_by_status_and_exports_what_it_lists(kti, client):
    kti.receive("A-100", "B-200")
    person = _person(kti)
    kti.post("issue", ["A-100"], custodian=person)
    client.force_login(kti.keeper)
    url = reverse("registry:weapon_list")

    issued = _records(client.get(url, {"status": "issued"}))
    export = client.get(url, {"status": "issued", "format": "csv"})

    assert [w.serial for w in issued] == ["A-100"]
    body = b"".join(export.streaming_content).decode("utf-8-sig")
    assert "A-100" in body and "B-200" not in body


def test_the_person_list_sorts_and_counts_what_each_holds(kti, client):
    zara, abdou = _person(kti, "Zerbo", "KTI-1"), _person(kti, "Ag Ahmed", "KTI-2")
    kti.receive("A-1", "A-2")
    kti.post("issue", ["A-1", "A-2"], custodian=zara)
    client.force_login(kti.keeper)
    url = reverse("registry:person_list")

    rows = _records(client.get(url, {"sort": "-name"}))
    found = _records(client.get(url, {"q": "zerbo"}))

    assert [(p.last_name, p.held) for p in rows] == [("Zerbo", 2), ("Ag Ahmed", 0)]
    assert [p.pk for p in found] == [zara.pk] and abdou.pk not in [p.pk for p in found]


# --- a person's page ----------------------------------------------------------------------


def test_a_persons_page_shows_what_they_hold_since_when_and_their_history(kti, client):
    person = _person(kti)
    kti.receive("AK-1", "AK-2")
    issue = kti.post("issue", ["AK-1", "AK-2"], custodian=person)
    kti.post("return", ["AK-2"], location=kti.rack)
    client.force_login(kti.keeper)

    response = client.get(reverse("registry:person_detail", args=[person.pk]))

    holdings = response.context["holdings"]
    assert [h.weapon.serial for h in holdings] == ["AK-1"]
    assert holdings[0].since == Voucher.objects.get(pk=issue.pk).posted_at
    assert holdings[0].number == issue.number and holdings[0].due is None  # an issue: no date
    history = [row.record for row in response.context["history"].paginated_rows]
    assert [(line.voucher.kind, line.weapon.serial) for line in history] == [
        ("return", "AK-2"),  # newest first
        ("issue", "AK-2"),
        ("issue", "AK-1"),
    ]
    html = response.content.decode()
    assert "TRAORÉ" in html and issue.number in html


def test_a_person_of_another_site_is_not_found(kti, seg, client):
    other = _person(seg, number="SEG-1")
    client.force_login(kti.keeper)

    response = client.get(reverse("registry:person_detail", args=[other.pk]))

    assert response.status_code == 404


# --- overdue returns ----------------------------------------------------------------------


def test_a_loan_is_overdue_after_its_days_and_an_issue_is_not(kti, settings):
    settings.PSSM_LOAN_DAYS = 30
    person = _person(kti)
    kti.receive("LN-7", "DT-8")
    kti.post("loan", ["LN-7"], custodian=person)
    kti.post("issue", ["DT-8"], custodian=person)

    today = custody.overdue_list(user=kti.keeper)
    later = custody.overdue_list(user=kti.keeper, now=timezone.now() + timedelta(days=40))

    assert today == []
    assert [(h.weapon.serial, h.kind, h.days_overdue) for h in later] == [("LN-7", "loan", 10)]
    settings.PSSM_ISSUE_DAYS = 1
    both = custody.overdue_list(user=kti.keeper, now=timezone.now() + timedelta(days=40))
    assert [h.weapon.serial for h in both] == ["DT-8", "LN-7"]  # most overdue first


def test_a_returned_loan_is_no_longer_overdue(kti):
    person = _person(kti)
    kti.receive("L-1")
    kti.post("loan", ["L-1"], custodian=person)
    kti.post("return", ["L-1"], location=kti.rack)

    later = custody.overdue_list(user=kti.keeper, now=timezone.now() + timedelta(days=400))

    assert later == []


def test_the_overdue_page_lists_the_late_loans_with_their_holder(kti, seg, client):
    person = _person(kti)
    kti.receive("L-1")
    loan = kti.post("loan", ["L-1"], custodian=person)
    # Arrange: the loan was posted 45 days ago.
    Voucher.objects.filter(pk=loan.pk).update(posted_at=timezone.now() - timedelta(days=45))
    seg_person = _person(seg, number="SEG-9")
    seg.receive("S-1")
    seg_loan = seg.post("loan", ["S-1"], custodian=seg_person)
    Voucher.objects.filter(pk=seg_loan.pk).update(posted_at=timezone.now() - timedelta(days=45))
    client.force_login(kti.keeper)

    response = client.get(reverse("registry:overdue_list"))

    rows = _records(response)
    assert [(h.weapon.serial, h.days_overdue) for h in rows] == [("L-1", 15)]
    html = response.content.decode()
    assert loan.number in html and "TRAORÉ" in html and "S-1" not in html


@pytest.mark.parametrize("bad", [{"kind": "theft"}, {"site": "ML-NOWHERE"}])
def test_a_bad_overdue_filter_is_named(kti, client, bad):
    client.force_login(kti.keeper)

    response = client.get(reverse("registry:overdue_list"), bad)

    assert response.status_code == 200
    assert set(bad) <= set(response.context["table"].filter.form.errors)


def test_the_voucher_list_sorts_filters_and_names_a_bad_filter(kti, client):
    receipt = kti.receive("A-100")
    person = _person(kti)
    issue = kti.post("issue", ["A-100"], custodian=person)
    client.force_login(kti.keeper)
    url = reverse("movements:voucher_list")

    by_number = [v.pk for v in _records(client.get(url, {"sort": "number"}))]
    issues = [v.pk for v in _records(client.get(url, {"kind": "issue"}))]
    bad = client.get(url, {"state": "lost"})

    assert by_number == sorted(
        [receipt.pk, issue.pk], key=lambda pk: Voucher.objects.get(pk=pk).number
    )
    assert issues == [issue.pk]
    assert _records(bad) == [] and "state" in bad.context["table"].filter.form.errors
