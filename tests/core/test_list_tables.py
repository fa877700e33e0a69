"""Every list is a sortable table (issue 18, item 5): a column header sorts it, the filters
still filter, and a sort on an unknown or unsortable column is ignored, not a server error."""

from datetime import date

import pytest
from django.urls import reverse

from pssm.inspections import services as inspections
from tests.lists import shown, sorted_both_ways

# every list page, with a column that cannot be sorted (or none)
LISTS = [
    ("sites:site_list", (), ""),
    ("sites:organisation_list", (), ""),
    ("sites:country_list", (), ""),
    ("sites:country_detail", ("ML",), ""),
    ("sites:organisation_detail", ("ML-ORGA",), ""),
    ("journal:entry_list", (), "hash"),
    ("accounts:user_list", (), ""),
    ("movements:case_list", (), ""),
    ("movements:in_transit", (), ""),
    ("movements:destruction_list", (), "certificate"),
    ("inspections:inspection_list", (), ""),
    ("inspections:count_list", ("ML-SITEA",), "gaps"),
    ("inspections:security_log", ("ML-SITEA",), ""),
    ("ammunition:lot_list", (), ""),
    ("ammunition:nature_list", (), "provisional"),
    ("ammunition:suspension_list", (), "lift"),
    ("ammunition:safety", (), "reports"),
    ("tracing:request_list", (), ""),
    ("tracing:transfer_list", (), "scans"),
    ("tracing:lost_stolen", (), "event"),
    ("programme:activity_list", (), "countries"),
    ("reports:report_list", (), ""),
    ("notices:notice_list", (), ""),
]


@pytest.fixture
def admin(make, two_sites):
    return make.user("administrator", None, username="admin-lists", language="en")


@pytest.mark.parametrize(("name", "args", "unsortable"), LISTS)
def test_an_unknown_or_unsortable_sort_is_ignored(client, admin, name, args, unsortable):
    client.force_login(admin)
    url = reverse(name, args=args)

    answers = [
        client.get(url, {"sort": value})
        for value in ("no-such-column", "-no-such-column", "code,,-", unsortable or "x__y")
    ]

    assert [a.status_code for a in answers] == [200] * 4
    assert all(a.context["table"] is not None for a in answers)


def test_the_records_behind_a_figure_ignore_a_bad_sort(client, admin):
    client.force_login(admin)
    year = date.today().year

    resp = client.get(
        "/reports/records/ML/",
        {"source": "losses", "start": f"{year}-01-01", "end": f"{year}-12-31", "sort": "nope"},
    )

    assert resp.status_code == 200 and "table" in resp.context


def test_sites_sort_by_code_and_filter_by_kind(client, admin, make, two_sites):
    make.site(two_sites["a"].organisation, code="SITEC", kind="armoury")
    client.force_login(admin)
    url = reverse("sites:site_list")

    up, down = sorted_both_ways(client, url, "code", lambda s: s.code)
    armouries = shown(client.get(url, {"kind": "armoury"}))

    assert up == ["ML-SITEA", "ML-SITEB", "ML-SITEC"] and down == up[::-1]
    assert [s.code for s in armouries] == ["ML-SITEC"]


def test_sites_sort_by_number_of_buildings(client, admin, make, two_sites):
    make.building(two_sites["b"], code="ESH02")
    client.force_login(admin)

    up, down = sorted_both_ways(
        client, reverse("sites:site_list"), "building_count", lambda s: s.code
    )

    assert up == ["ML-SITEA", "ML-SITEB"] and down == ["ML-SITEB", "ML-SITEA"]


def test_a_site_filter_value_that_is_not_offered_is_named_and_lists_nothing(client, admin):
    client.force_login(admin)

    resp = client.get(reverse("sites:site_list"), {"kind": "castle"})

    assert resp.status_code == 200 and "kind" in resp.context["table"].filter.errors_or_none()
    assert shown(resp) == []


def test_organisations_sort_by_name_and_filter_by_country(client, admin, make, two_sites):
    other = make.country("NE", "Niger")
    make.organisation(other, code="FAN")
    client.force_login(admin)
    url = reverse("sites:organisation_list")

    up, down = sorted_both_ways(client, url, "code", lambda o: o.code)
    niger = shown(client.get(url, {"country": "NE"}))

    assert up == ["ML-ORGA", "ML-ORGB", "NE-FAN"] and down == up[::-1]
    assert [o.code for o in niger] == ["NE-FAN"]


def test_countries_sort_by_name(client, admin, make):
    make.country("NE", "Niger")
    make.country("BF", "Burkina Faso")
    client.force_login(admin)

    up, down = sorted_both_ways(client, reverse("sites:country_list"), "name", lambda c: c.code)

    assert up == ["BF", "ML", "NE"] and down == ["NE", "ML", "BF"]


def test_journal_sorts_by_kind_and_filters_by_site(client, admin, two_sites):
    client.force_login(admin)
    url = reverse("journal:entry_list")

    up, down = sorted_both_ways(client, url, "kind", lambda e: e.kind)
    site_b = shown(client.get(url, {"site": "ML-SITEB"}))

    assert up == sorted(up) and down == sorted(down, reverse=True) and up[0] != down[0]
    assert site_b and {e.scope_site for e in site_b} == {"ML-SITEB"}


def test_journal_is_not_sorted_by_its_hashes(client, admin):
    client.force_login(admin)
    url = reverse("journal:entry_list")

    plain = [e.pk for e in shown(client.get(url))]
    by_hash = [e.pk for e in shown(client.get(url, {"sort": "hash"}))]

    assert by_hash == plain


def test_accounts_sort_by_user_name_and_filter_by_search(client, admin, make):
    make.user("storekeeper", None, username="zz-keeper")
    make.user("storekeeper", None, username="aa-keeper")
    client.force_login(admin)
    url = reverse("accounts:user_list")

    up, down = sorted_both_ways(client, url, "username", lambda u: u.username)
    found = shown(client.get(url, {"q": "zz-"}))

    assert up[0] == "aa-keeper" and down[0] == "zz-keeper" and up == down[::-1]
    assert [u.username for u in found] == ["zz-keeper"]


def test_inspections_sort_by_site_and_filter_by_site(client, admin, make, two_sites):
    inspector = make.user("inspector", two_sites["country"], language="en")
    for site in (two_sites["a"], two_sites["b"]):
        inspections.inspection_start(actor=inspector, site=site, inspected_on=date(2026, 3, 1))
    client.force_login(admin)
    url = reverse("inspections:inspection_list")

    up, down = sorted_both_ways(client, url, "site", lambda i: i.site.code)
    only_b = shown(client.get(url, {"site": "ml-siteb"}))

    assert up == ["ML-SITEA", "ML-SITEB"] and down == ["ML-SITEB", "ML-SITEA"]
    assert [i.site.code for i in only_b] == ["ML-SITEB"]


def test_stock_checks_sort_by_witness(client, admin, two_sites):
    site = two_sites["a"]
    for witness, building in (("Adj Coulibaly", two_sites["building_a"]), ("Lt Traoré", None)):
        inspections.count_start(
            actor=admin, site=site, witness=witness, building=building, items="weapons"
        )
    client.force_login(admin)

    up, down = sorted_both_ways(
        client, reverse("inspections:count_list", args=[site.code]), "witness", lambda c: c.witness
    )

    assert up == ["Adj Coulibaly", "Lt Traoré"] and down == ["Lt Traoré", "Adj Coulibaly"]


def test_key_movements_sort_by_holder(client, make, two_sites):
    site = two_sites["a"]
    commander = make.user("site_commander", site, language="en")
    for code, holder in (("K1", "Sgt Keita"), ("K2", "Cpl Diallo")):
        key = inspections.key_register(actor=commander, site=site, code=code, label=code)
        inspections.key_issue(actor=commander, key=key, holder=holder)
    client.force_login(commander)

    resp_up = client.get(reverse("inspections:security_log", args=[site.code]), {"sort": "holder"})
    resp_down = client.get(
        reverse("inspections:security_log", args=[site.code]), {"sort": "-holder"}
    )

    up = [row.record.holder for row in resp_up.context["loans"].paginated_rows]
    down = [row.record.holder for row in resp_down.context["loans"].paginated_rows]
    assert up == ["Cpl Diallo", "Sgt Keita"] and down == ["Sgt Keita", "Cpl Diallo"]


def test_natures_sort_by_code_and_filter_by_search(client, admin):
    client.force_login(admin)
    url = reverse("ammunition:nature_list")

    up, down = sorted_both_ways(client, url, "code", lambda n: n.code)
    found = shown(client.get(url, {"q": up[0]}))

    assert len(up) > 1 and up[0] != down[0] and up[0] == sorted(up)[0]
    assert found and all(up[0].lower() in (n.code + n.nomenclature).lower() for n in found)


def test_natures_sort_by_the_name_the_reader_sees(client, make):
    reader = make.user("storekeeper", None, language="fr")
    client.force_login(reader)
    client.post(reverse("accounts:language"), {"language": "fr", "next": "/"})
    url = reverse("ammunition:nature_list")

    up, down = sorted_both_ways(client, url, "nomenclature", lambda n: n.name.casefold())

    assert len(up) > 1 and up[0] != down[0] and sorted(up) == sorted(down)
