"""Creating and editing the geography: validation, duplicates, journal, never a partial write."""

from decimal import Decimal

import pytest

from pssm.domain.errors import ConflictError, PermissionDeniedError, ValidationError
from pssm.journal.models import JournalEntry
from pssm.sites import services
from pssm.sites.models import Building, Site


def test_site_code_is_composed_from_country_and_short_code(make):
    site = make.site(code="kti")

    assert site.code == "ML-KTI"
    assert JournalEntry.objects.filter(kind="site.created", scope_site="ML-KTI").count() == 1


def test_duplicate_site_code_is_a_conflict_and_changes_nothing(make):
    org = make.organisation(code="GN")
    make.site(org, code="KTI")
    other = make.organisation(code="FAMA")
    before = (Site.objects.count(), JournalEntry.objects.count())

    with pytest.raises(ConflictError) as exc:
        make.site(other, code="KTI")

    assert exc.value.code == "conflict" and "code" in exc.value.details
    assert (Site.objects.count(), JournalEntry.objects.count()) == before


def test_building_codes_nest_under_the_site(make):
    building = make.building(make.site(code="KTI"), code="ESH03")

    assert building.code == "ML-KTI-ESH03"
    assert make.location(building, code="B01").code == "ML-KTI-ESH03-B01"


def test_explosive_storehouse_needs_its_type(make):
    site = make.site()

    with pytest.raises(ValidationError) as exc:
        services.building_create(
            actor=make.actor,
            site=site,
            code="ESH9",
            name="X",
            kind="explosive_storehouse",
            storehouse_type="",
        )

    assert "storehouse_type" in exc.value.details
    assert not Building.objects.filter(code__endswith="ESH9").exists()


def test_bad_kind_and_coordinates_name_their_fields(make):
    org = make.organisation()

    with pytest.raises(ValidationError) as exc:
        services.site_create(
            actor=make.actor,
            organisation=org,
            code="BAD",
            name="",
            kind="castle",
            latitude=Decimal("123.5"),
        )

    assert {"name", "kind", "latitude"} <= set(exc.value.details)


def test_update_journals_only_real_changes(make):
    site = make.site(code="KTI")
    before = JournalEntry.objects.count()

    services.site_update(actor=make.actor, site=site, name=site.name)
    unchanged = JournalEntry.objects.count()
    services.site_update(actor=make.actor, site=site, town="Kati", is_model_installation=True)

    assert unchanged == before
    entry = JournalEntry.objects.order_by("-seq").first()
    assert entry.kind == "site.updated"
    assert entry.payload_data["changes"] == {
        "is_model_installation": [False, True],
        "town": ["", "Kati"],
    }


def test_code_cannot_be_changed(make):
    site = make.site(code="KTI")

    with pytest.raises(ValidationError):
        services.site_update(actor=make.actor, site=site, code="ML-XXX")

    site.refresh_from_db()
    assert site.code == "ML-KTI"


def test_storekeeper_cannot_create_buildings(make):
    site = make.site()
    keeper = make.user("storekeeper", site)

    with pytest.raises(PermissionDeniedError):
        services.building_create(
            actor=keeper, site=site, code="ARM1", name="X", kind="armoury_room"
        )


def test_site_commander_manages_buildings_of_their_site_only(make, two_sites):
    commander = make.user("site_commander", two_sites["a"])

    services.building_create(
        actor=commander, site=two_sites["a"], code="ARM1", name="Salle", kind="armoury_room"
    )
    with pytest.raises(PermissionDeniedError):
        services.building_create(
            actor=commander, site=two_sites["b"], code="ARM1", name="X", kind="armoury_room"
        )
