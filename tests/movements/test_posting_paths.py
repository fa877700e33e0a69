"""Every everyday voucher through the one movement engine: the holdings it leaves, the
journal entries it writes (with their facts) and the errors it gives, in one scenario."""

import json

import pytest

from pssm.domain.errors import PssmError
from pssm.journal.models import JournalEntry
from pssm.movements import services as mv
from pssm.movements.models import Voucher, VoucherLine
from pssm.registry.models import Weapon
from pssm.registry.services import person_create
from tests.movements.conftest import Armoury


def _scenario(make, code):
    """Receive five weapons, then post one voucher of every simple kind; return what the
    database holds afterwards (ids replaced by serials, times left out)."""
    site = Armoury(make, code)
    other = Armoury(make, f"{code}X")
    site.receive(*(f"{code}-{i}" for i in range(1, 6)))
    soldier = person_create(
        actor=site.keeper,
        site=site.site,
        rank="Sgt",
        last_name="Traoré",
        first_name="Moussa",
        service_number="ML-123",
    )
    site.post("issue", [f"{code}-1"], custodian=soldier)
    site.post("issue", [f"{code}-2"], custodian_unit="1st company")
    site.post("return", [f"{code}-1"], location=site.rack2)
    site.post("loan", [f"{code}-3"], custodian_unit="Gendarmerie")
    site.post("transfer", [f"{code}-4"], destination=other.site)
    site.post("loss", [f"{code}-5"], reason="stolen")
    site.post("status_change", [f"{code}-1"], reason="under_repair")
    errors = []
    for kind, serial, header in (
        ("issue", f"{code}-2", {"custodian_unit": "2nd company"}),  # already issued
        ("return", f"{code}-1", {"location": site.rack}),  # not issued
    ):
        v = mv.voucher_create(actor=site.keeper, site=site.site, kind=kind, **header)
        VoucherLine.objects.create(
            voucher=v, weapon=Weapon.objects.get(serial=serial), serial=serial
        )
        mv.voucher_submit(actor=site.keeper, voucher=v)
        with pytest.raises(PssmError) as err:
            mv.voucher_approve(actor=site.commander, voucher=v)
        errors.append((err.value.code, err.value.render(), err.value.details))
        with pytest.raises(PssmError) as err:
            mv.voucher_approve(actor=site.keeper, voucher=v)
        errors.append((err.value.code, err.value.render()))
    weapons = {
        w.serial: (
            w.status,
            w.site.code[-4:],
            w.location.code[-3:] if w.location_id else "",
            str(w.custodian or w.custodian_unit),
            w.destination.code[-5:] if w.destination_id else "",
        )
        for w in Weapon.objects.filter(serial__startswith=f"{code}-").select_related(
            "site", "location", "destination", "custodian"
        )
    }
    entries = []
    for e in JournalEntry.objects.filter(kind="voucher.posted", scope_site=site.site.code):
        payload = json.loads(e.payload)
        for line in payload["lines"]:
            line.pop("weapon", None)
        for fact in payload["facts"]["w"]:
            assert len(fact[0]) == 36  # the weapon's UUID, different in each scenario
            fact[0] = "uuid"
        entries.append(json.dumps(payload, sort_keys=True))
    states = list(
        Voucher.objects.filter(site=site.site).order_by("seq").values_list("kind", "state")
    )
    text = json.dumps([weapons, entries, errors, states])
    text = text.replace(f"person:{soldier.pk}", "person:X")
    return json.loads(text.replace(code, "SITE").replace(code.lower(), "site"))


def test_every_everyday_voucher_posts_through_the_engine(make):
    weapons, entries, errors, states = _scenario(make, "ENG")

    assert len(entries) == 8 and len(errors) == 4  # the receipt and seven postings
    assert weapons == {
        "SITE-1": ["under_repair", "-SITE", "R02", "", ""],
        "SITE-2": ["issued", "-SITE", "", "1st company", ""],
        "SITE-3": ["issued", "-SITE", "", "Gendarmerie", ""],
        "SITE-4": ["in_transit", "-SITE", "", "", "-SITEX"],
        "SITE-5": ["stolen", "-SITE", "", "", ""],
    }
    issue = json.loads(entries[1])
    assert issue["custodian"].startswith("Sgt TRAORÉ Moussa")
    assert issue["facts"]["w"] == [
        [
            "uuid",
            "SITE-1",
            ["in_store", "ML-SITE", "ML-SITE-ARM01-R01", "", ""],
            ["issued", "ML-SITE", "", "person:X", ""],
        ]
    ]
    assert [e[0] for e in errors] == ["ledger", "permission_denied"] * 2
    assert "Only a weapon in store can be issued" in errors[0][1]
    assert states[-2:] == [["issue", "submitted"], ["return", "submitted"]]
