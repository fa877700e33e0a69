"""The interface's help: a short guide per role, in French and English, from docs/guide."""

from pathlib import Path

import pytest

from pssm.domain.access import Role

GUIDES = Path(__file__).resolve().parents[2] / "docs" / "guide"


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_every_role_has_a_guide_in_both_languages(role):
    french = (GUIDES / "fr" / f"{role}.md").read_text(encoding="utf-8")
    english = (GUIDES / "en" / f"{role}.md").read_text(encoding="utf-8")

    assert french.startswith("# Guide") and english.startswith("# ")
    assert french != english and len(french.split()) > 40 and len(english.split()) > 40


def test_help_shows_the_guides_in_the_users_language_and_marks_their_role(
    make,
    client,
):
    site = make.site(code="KTI")
    keeper = make.user("storekeeper", site)
    client.force_login(keeper)

    index = client.get("/help/").content.decode()
    french = client.get("/help/storekeeper/").content.decode()
    client.post("/accounts/language/", {"language": "en", "next": "/"})
    english = client.get("/help/storekeeper/").content.decode()

    assert "/help/site_commander/" in index and "votre rôle" in index
    assert "<h1>Guide du magasinier</h1>" in french
    assert (
        "<h1>Storekeeper's guide</h1>" in english or "<h1>Storekeeper&#x27;s guide</h1>" in english
    )


def test_an_unknown_guide_is_not_found_and_the_help_needs_a_sign_in(make, client):
    anonymous = client.get("/help/")
    client.force_login(make.user("storekeeper", make.site(code="KTI")))

    assert anonymous.status_code == 302
    assert client.get("/help/../../etc/passwd/").status_code == 404
    assert client.get("/help/spy/").status_code == 404
