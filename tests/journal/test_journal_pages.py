"""The journal page and API: an auditor browses and filters entries within their scope."""

import pytest
from django.urls import reverse

from pssm.journal.models import JournalEntry


@pytest.fixture
def auditor_a(make, two_sites):
    return make.user("site_commander", two_sites["a"])


def test_journal_page_lists_only_entries_of_the_users_scope(client, auditor_a, two_sites):
    client.force_login(auditor_a)

    html = client.get(reverse("journal:entry_list")).content.decode()

    assert "SITEA" in html and "SITEB" not in html


def test_journal_page_filters_by_kind(client, auditor_a):
    client.force_login(auditor_a)

    resp = client.get(reverse("journal:entry_list"), {"kind": "location.created"})

    entries = [row.record for row in resp.context["table"].paginated_rows]
    assert entries and {e.kind for e in entries} == {"location.created"}


def test_journal_page_reports_a_bad_date_instead_of_failing(client, auditor_a):
    client.force_login(auditor_a)

    resp = client.get(reverse("journal:entry_list"), {"date_from": "2026-11-31"})

    assert resp.status_code == 200
    assert "date_from" in resp.context["table"].filter.errors_or_none()
    assert not resp.context["table"].page.object_list


def test_journal_entry_of_another_site_is_not_found(client, auditor_a):
    client.force_login(auditor_a)
    other = JournalEntry.objects.filter(scope_site="ML-SITEB").first()

    resp = client.get(reverse("journal:entry_detail", args=[other.uuid]))

    assert resp.status_code == 404


def test_storekeeper_has_no_journal_page(client, make, two_sites):
    keeper = make.user("storekeeper", two_sites["a"])
    client.force_login(keeper)

    assert client.get(reverse("journal:entry_list")).status_code == 403


def test_journal_api_filters_and_rejects_bad_dates(api_client, auditor_a):
    api_client.force_authenticate(auditor_a)

    ok = api_client.get("/api/v1/journal/", {"kind": "building.created"})
    bad = api_client.get("/api/v1/journal/", {"date_to": "tomorrow"})

    assert ok.status_code == 200
    assert [r["kind"] for r in ok.json()["results"]] == ["building.created"]
    assert bad.status_code == 400 and bad.json()["code"] == "invalid"
    assert "date_to" in bad.json()["details"]


def test_journal_verify_api(api_client, make):
    inspector = make.user("inspector", make.country())
    api_client.force_authenticate(inspector)

    body = api_client.get("/api/v1/journal/verify/").json()

    assert body["ok"] is True and body["nodes"][0]["count"] == JournalEntry.objects.count()
