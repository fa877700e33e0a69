"""A weapon's history reads as sentences with names, never ledger codes (issue 18, build
item 3), and its data stay on demand."""

from django.urls import reverse
from django.utils import translation

from pssm.movements import selectors, words
from pssm.registry.models import Weapon
from pssm.registry.services import person_create


def test_the_history_names_the_rack_the_soldier_and_the_approver(kti):
    kti.receive("HW-1")
    person = person_create(
        actor=kti.keeper,
        site=kti.site,
        service_number="ML-0099",
        first_name="Ibrahim",
        last_name="Coulibaly",
        rank="Caporal",
    )
    kti.post("issue", ["HW-1"], custodian=person)
    weapon = Weapon.objects.get(serial="HW-1")

    with translation.override("en"):
        sentences = [h["text"] for h in words.history(selectors.weapon_history(weapon))]

    assert sentences[0].startswith("Receipt: registered, In store, ")
    assert str(kti.rack) in sentences[0]
    assert "to issued to Caporal COULIBALY Ibrahim (ML-0099)" in sentences[1]
    assert f"Approved by {kti.commander.username}." in sentences[1]
    assert not any("person:" in s or "in_store" in s for s in sentences)


def test_the_weapon_page_shows_the_sentences_and_keeps_the_data(client, kti):
    kti.receive("HW-2")
    weapon = Weapon.objects.get(serial="HW-2")
    client.force_login(kti.keeper)

    page = client.get(reverse("registry:weapon_detail", args=[weapon.pk])).content.decode()

    history = page[page.index('id="weapon-history"') :]
    assert str(kti.rack) in history and "<details>" in history
    assert '"in_store"' not in history.split("<details>")[0]
