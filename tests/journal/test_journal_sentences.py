"""The journal reads as sentences in the user's language, with the content on demand
(issue 18, build item 3)."""

import json

from django.urls import reverse
from django.utils import translation

from pssm.journal import sentences
from pssm.journal.models import JournalEntry
from tests.movements.conftest import Armoury


def test_every_kind_the_code_writes_has_a_name():
    import re
    from pathlib import Path

    src = Path(__file__).resolve().parents[2] / "src" / "pssm"
    written = set()
    for path in src.rglob("*.py"):
        if path.name == "tell.py":  # kinds of notifications, not of journal entries
            continue
        text = path.read_text()
        written |= set(re.findall(r'kind="([a-z_]+\.[a-z_]+)"', text))
        written |= set(re.findall(r'^[A-Z_]+ = "([a-z_]+\.[a-z_]+)"$', text, re.M))
        written |= set(re.findall(r'_journal\(\s*actor,\s*"([a-z_]+\.[a-z_]+)"', text))
    written |= {
        "discrepancy.closed",
        "discrepancy.investigated",
        "discrepancy.recounted",
        "discrepancy.reopened",
        "discrepancy.settlement_submitted",
        "user.password_changed",
    }

    assert written - set(sentences.EVENT_LABELS) == set()


def test_a_posted_voucher_reads_as_a_sentence(make, client):
    kti = Armoury(make, "KTI")
    kti.receive("JS-1")
    entry = JournalEntry.objects.filter(kind="voucher.posted").get()
    client.force_login(kti.commander)

    with translation.override("en"):
        text = sentences.sentence(entry)
    page = client.get(reverse("journal:entry_detail", args=[entry.uuid])).content.decode()
    listing = client.get(reverse("journal:entry_list")).content.decode()

    number = json.loads(entry.payload)["number"]
    assert text.startswith("Voucher approved and posted: voucher ML-KTI/")
    assert text.endswith(f", at {kti.site.code}, by {kti.commander.username}.")
    assert 'id="entry-sentence"' in page and "<details>" in page
    assert ">voucher.posted<" not in listing
    assert f"voucher {number}" in text
