"""Serial search over the registry: exact, normalised and near matches, scoped."""

from pssm.registry.selectors import weapon_search


def test_search_ranks_exact_normalised_and_near(kti):
    kti.receive("AK470015", "AK-47-0015B", "AK470016", "ZZ999")

    found = [
        (m.value, w.serial) for m, w in weapon_search(user=kti.keeper, query="AK470015", near=True)
    ]

    assert found == [("exact", "AK470015"), ("near", "AK-47-0015B"), ("near", "AK470016")]


def test_near_matches_come_when_nothing_matches_better(kti):
    kti.receive("AK470015", "AK470016", "AK470017")

    found_serial = weapon_search(user=kti.keeper, query="ak 47 0015")
    mistyped = weapon_search(user=kti.keeper, query="AK470019")

    assert [(m.value, w.serial) for m, w in found_serial] == [("normalised", "AK470015")]
    assert [(m.value, w.serial) for m, w in mistyped] == [
        ("near", "AK470015"),
        ("near", "AK470016"),
        ("near", "AK470017"),
    ]


def test_near_matches_of_every_kind_of_slip(kti):
    kti.receive("PKM-2231")

    for typed in ("PKM-2281", "PKM-231", "PKM-22331", "PKM-2321", "PKM2213"):
        found = weapon_search(user=kti.keeper, query=typed)
        assert [(m.value, w.serial) for m, w in found] == [("near", "PKM-2231")], typed


def test_search_finds_mistyped_confusable_serials(kti):
    kti.receive("SB-1020")

    found = weapon_search(user=kti.keeper, query="58 1O2O")

    assert [(m.value, w.serial) for m, w in found] == [("normalised", "SB-1020")]


def test_search_never_shows_another_sites_weapons(kti, seg):
    seg.receive("AK-0900")

    assert weapon_search(user=kti.keeper, query="AK-0900") == []
    assert len(weapon_search(user=seg.keeper, query="AK-0900")) == 1


def test_programme_viewer_cannot_search_serials(kti, make):
    import pytest

    from pssm.domain.errors import PermissionDeniedError

    viewer = make.user("programme_viewer")

    with pytest.raises(PermissionDeniedError):
        weapon_search(user=viewer, query="AK")
