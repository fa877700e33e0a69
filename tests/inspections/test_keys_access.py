# ruff: noqa: E501
"""Key register and access log of a site."""

import pytest

from pssm.domain.errors import ConflictError, PermissionDeniedError
from pssm.inspections import services
from pssm.inspections.models import AccessEntry, KeyLoan
from pssm.journal.models import JournalEntry


@pytest.fixture
def ctx(make):
    site = make.site(code="KTI", kind="ammunition_depot")
    return {
        "site": site,
        "building": make.building(site, code="ESH01"),
        "keeper": make.user("storekeeper", site, username="keeper"),
        "commander": make.user("site_commander", site, username="cdt"),
    }


def test_a_key_goes_out_once_and_comes_back(ctx):
    key = services.key_register(
        actor=ctx["commander"], site=ctx["site"], code="k-01", label="Magasin 1"
    )
    loan = services.key_issue(actor=ctx["keeper"], key=key, holder="Sgt Traoré")

    with pytest.raises(ConflictError):
        services.key_issue(actor=ctx["keeper"], key=key, holder="Cpl Diarra")
    back = services.key_return(actor=ctx["keeper"], loan=loan)

    assert back.returned_at is not None and back.received_by == ctx["keeper"]
    assert KeyLoan.objects.count() == 1
    assert JournalEntry.objects.filter(kind__startswith="key.").count() == 3
    with pytest.raises(PermissionDeniedError):
        services.key_register(actor=ctx["keeper"], site=ctx["site"], code="K-02", label="x")


def test_an_entry_alone_is_kept_and_flagged(ctx):
    alone = services.access_record(
        actor=ctx["keeper"],
        building=ctx["building"],
        person="Sgt Traoré",
        companion="",
        purpose="Inventaire",
    )
    pair = services.access_record(
        actor=ctx["keeper"],
        building=ctx["building"],
        person="Sgt Traoré",
        companion="Cpl Diarra",
        purpose="Inventaire",
    )
    services.access_leave(actor=ctx["keeper"], entry=pair)

    assert alone.two_person_broken and not pair.two_person_broken
    assert AccessEntry.objects.get(pk=pair.pk).left_at is not None
    assert (
        '"two_person_broken":true'
        in JournalEntry.objects.filter(kind="access.entered").order_by("seq").first().payload
    )


def test_the_page_keeps_the_register(ctx, client):
    client.force_login(ctx["commander"])

    client.post(
        f"/inspections/security/{ctx['site'].code}/",
        {"op": "key", "code": "K-9", "label": "Armurerie"},
    )
    client.post(
        f"/inspections/security/{ctx['site'].code}/",
        {"op": "enter", "building": ctx["building"].pk, "person": "Sgt Traoré", "purpose": "Ronde"},
    )
    page = client.get(f"/inspections/security/{ctx['site'].code}/").content.decode()

    assert "K-9" in page and "Sgt Traoré" in page
    assert 'class="bad"' in page  # the entry without a second person is flagged
