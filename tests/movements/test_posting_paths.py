"""The plain-SQL posting of everyday vouchers gives exactly what the general path gives: the
same holdings, line snapshots, journal entry and errors."""

import json

import pytest

from pssm.domain.errors import PssmError
from pssm.journal.models import JournalEntry
from pssm.movements import posting
from pssm.movements import services as mv
from pssm.movements.models import Voucher, VoucherLine
from pssm.registry.models import Weapon
from pssm.registry.services import person_create
from tests.movements.conftest import Armoury


def _scenario(make, code, general: bool, monkeypatch):
    """Receive four weapons, then post one voucher of every simple kind; return what the
    database holds afterwards (ids replaced by serials, times left out)."""
    if general:
        monkeypatch.setattr(posting, "approve", lambda actor, pk: None)
    else:
        monkeypatch.undo()
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
        entries.append(json.dumps(payload, sort_keys=True))
    states = list(
        Voucher.objects.filter(site=site.site).order_by("seq").values_list("kind", "state")
    )
    text = json.dumps([weapons, entries, errors, states])
    text = text.replace(f"person:{soldier.pk}", "person:X")
    return json.loads(text.replace(code, "SITE").replace(code.lower(), "site"))


def test_both_paths_post_the_same(make, monkeypatch):
    general = _scenario(make, "GEN", True, monkeypatch)
    fast = _scenario(make, "FST", False, monkeypatch)
    weapons, entries, errors, states = fast
    assert len(entries) == 8 and len(errors) == 4  # the receipt and seven postings
    assert weapons == general[0]
    assert entries == general[1]
    assert errors == general[2]
    assert states == general[3]


def test_the_plain_path_takes_the_everyday_vouchers_and_leaves_the_others(make, monkeypatch):
    calls = []
    real = posting.approve

    def spy(actor, pk):
        result = real(actor, pk)
        calls.append(result is not None)
        return result

    monkeypatch.setattr(posting, "approve", spy)
    kti = Armoury(make, "KTI")
    kti.receive("B-1")  # a receipt of a new weapon: general path
    kti.post("issue", ["B-1"], custodian_unit="1st company")  # plain path
    assert calls == [False, True]
