"""Serial search over the registry: exact, normalised and near matches, scoped."""

from pssm.registry.selectors import weapon_search


def test_search_ranks_exact_normalised_and_near(kti):
    kti.receive("AK470015", "AK-47-0015B", "AK470016", "ZZ999")

    found = [(m.value, w.serial) for m, w in weapon_search(user=kti.keeper, query="AK470015")]

    assert found[0] == ("exact", "AK470015")
    assert ("near", "AK470016") in found
    assert all(serial != "ZZ999" for _m, serial in found)


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
