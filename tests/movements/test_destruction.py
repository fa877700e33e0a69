"""Destruction of weapons and ammunition (IATG 10.10, MOSAIC 05.50): plan, record before
witnesses, certify by posting; a weapon is destroyed only this way."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from pssm.accounts.authz import SystemActor
from pssm.domain.errors import ValidationError
from pssm.domain.ledger import LedgerError
from pssm.journal.models import JournalEntry
from pssm.journal.verify import journal_verify
from pssm.movements import services
from pssm.movements.destruction import (
    destruction_plan,
    destruction_record,
    destructions_by_year,
)
from pssm.movements.models import Discrepancy
from pssm.registry.models import Weapon

WITNESSES = [
    {"name": "Cne Diarra", "organisation": "1er Bataillon", "outside": False},
    {"name": "M. Keita", "organisation": "Commission nationale", "outside": True},
]


def _plan(site):
    return destruction_plan(
        actor=site.keeper,
        site=site.site,
        method="cutting",
        place="Aire de destruction de Kati",
        planned_date=timezone.localdate(),
        authority="Décision 2026-031",
    )


def test_weapons_are_destroyed_only_through_a_certified_destruction(kti, client):
    kti.receive("D-1", "D-2", "D-3")
    d = _plan(kti)
    for serial in ("D-1", "D-2", "D-3"):
        services.voucher_line_add(actor=kti.keeper, voucher=d.voucher, serial=serial)
    lines = {line.serial: line.pk for line in d.voucher.lines.all()}

    destruction_record(
        actor=kti.keeper,
        destruction=d,
        destroyed_on=timezone.localdate(),
        witnesses=WITNESSES,
        results={lines["D-1"]: True, lines["D-2"]: True, lines["D-3"]: False},
    )
    assert Weapon.objects.get(serial="D-1").status == "in_store"  # not until certified
    services.voucher_approve(actor=kti.commander, voucher=d.voucher)

    statuses = dict(Weapon.objects.filter(serial__startswith="D-").values_list("serial", "status"))
    assert statuses == {"D-1": "destroyed", "D-2": "destroyed", "D-3": "in_store"}
    case = Discrepancy.objects.get(serial="D-3")
    assert case.kind == "missing" and Weapon.objects.get(serial="D-3").on_hold
    assert journal_verify(user=SystemActor("system:test")).ok
    client.force_login(kti.commander)
    pdf = client.get(f"/movements/destructions/{d.pk}/certificate/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    ((row,),) = [destructions_by_year(user=kti.commander)]
    assert (row["method"], row["count"], row["weapons"]) == ("cutting", 1, 2)


def test_a_status_change_can_no_longer_destroy_a_weapon(kti):
    kti.receive("S-1")
    with pytest.raises(ValidationError):
        services.voucher_create(
            actor=kti.keeper, site=kti.site, kind="status_change", reason="destroyed"
        )
    with pytest.raises(ValidationError):
        services.voucher_create(actor=kti.keeper, site=kti.site, kind="destruction")


@pytest.mark.parametrize(
    ("witnesses", "message"),
    [
        ([WITNESSES[0]], "at least two different witnesses"),
        ([WITNESSES[0], {**WITNESSES[0]}], "at least two different witnesses"),
        (
            [WITNESSES[0], {"name": "Adj Coulibaly", "organisation": "1er Bataillon"}],
            "outside the holding unit",
        ),
    ],
)
def test_a_destruction_without_proper_witnesses_is_refused(kti, witnesses, message):
    kti.receive("W-1")
    d = _plan(kti)
    services.voucher_line_add(actor=kti.keeper, voucher=d.voucher, serial="W-1")
    line = d.voucher.lines.get()
    entries = JournalEntry.objects.count()

    with pytest.raises(ValidationError) as err:
        destruction_record(
            actor=kti.keeper,
            destruction=d,
            destroyed_on=timezone.localdate(),
            witnesses=witnesses,
            results={line.pk: True},
        )

    assert message in str(err.value) and "witnesses" in err.value.details
    d.voucher.refresh_from_db()
    assert d.voucher.state == "draft" and JournalEntry.objects.count() == entries


def test_bad_dates_methods_and_quantities_are_refused(make, client):
    from tests.ammunition.conftest import Depot

    depot = Depot(make)
    depot.receive("F1-1988-MAS-07", 1000, "GREN-HAND-F1", location=depot.s2)
    with pytest.raises(ValidationError) as err:
        destruction_plan(
            actor=depot.keeper,
            site=depot.site,
            method="magic",
            place="x",
            planned_date=date.today(),
        )
    assert "method" in err.value.details
    d = destruction_plan(
        actor=depot.keeper,
        site=depot.site,
        method="open_detonation",
        place="Champ de tir de Kati",
        planned_date=date.today(),
    )
    services.voucher_lot_line_add(
        actor=depot.keeper, voucher=d.voucher, lot_number="F1-1988-MAS-07", quantity=600
    )
    line = d.voucher.lines.get()
    for when, results, field in (
        (date.today() + timedelta(days=2), {line.pk: 600}, "destroyed_on"),
        (date.today(), {line.pk: 601}, "results"),
        (date.today(), {}, "results"),
    ):
        with pytest.raises(ValidationError) as err:
            destruction_record(
                actor=depot.keeper,
                destruction=d,
                destroyed_on=when,
                witnesses=WITNESSES,
                results=results,
            )
        assert field in err.value.details

    destruction_record(
        actor=depot.keeper,
        destruction=d,
        destroyed_on=date.today(),
        witnesses=WITNESSES,
        results={line.pk: 550},
    )
    services.voucher_approve(actor=depot.commander, voucher=d.voucher)

    assert depot.balance("F1-1988-MAS-07", depot.s2) == 450  # 550 of the 600 planned
    (row,) = destructions_by_year(user=depot.authority)
    assert (row["method"], row["units"]) == ("open_detonation", 550)
    client.force_login(depot.commander)
    pdf = client.get(f"/movements/destructions/{d.pk}/certificate/")
    text = _pdf_text(pdf.content)
    assert pdf.status_code == 200 and "Total : Unités de munitions" in text
    assert "Total : Armes" not in text  # units and weapons are never added together
    assert "M. Keita (Commission nationale), extérieur à l'unité détentrice" in text
    assert "Signature : ____" in text
    posted = JournalEntry.objects.filter(kind="voucher.posted").order_by("-seq").first()
    assert posted.hash[:16] in text  # the entry that certified it


def _pdf_text(content: bytes) -> str:
    """The text shown by a PDF made by fpdf2: its Flate streams' strings, joined."""
    import re
    import zlib

    shown = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", content, re.S):
        try:
            # a stream whose checksum ends in a carriage return loses it to the pattern: a
            # decompressor object still gives its text (it does not ask for the checksum)
            ops = zlib.decompressobj().decompress(stream)
        except zlib.error:
            continue
        shown += re.findall(rb"\(((?:\\.|[^\\)])*)\)\s*Tj", ops)
    text = " ".join(s.decode("latin-1") for s in shown)
    return re.sub(r"\\([()\\])", r"\1", text)


def test_a_frozen_weapon_cannot_be_planned_for_destruction(kti):
    kti.receive("FZ-1")
    Weapon.objects.filter(serial="FZ-1").update(on_hold=True)
    d = _plan(kti)
    with pytest.raises(Exception) as err:
        services.voucher_line_add(actor=kti.keeper, voucher=d.voucher, serial="FZ-1")
    assert getattr(err.value, "code", "") == "frozen" or isinstance(err.value, LedgerError)


def test_the_api_plans_and_records_a_destruction(kti, api_client):
    kti.receive("API-1")
    api_client.force_authenticate(kti.keeper)

    planned = api_client.post(
        "/api/v1/destructions/",
        {
            "site": kti.site.code,
            "method": "crushing",
            "place": "Atelier de Kati",
            "planned_date": date.today().isoformat(),
        },
        format="json",
    ).json()
    line = api_client.post(
        f"/api/v1/vouchers/{planned['voucher_id']}/lines/", {"serial": "API-1"}, format="json"
    ).json()
    recorded = api_client.post(
        f"/api/v1/destructions/{planned['id']}/record/",
        {
            "destroyed_on": date.today().isoformat(),
            "witnesses": WITNESSES,
            "results": {str(line["id"]): True},
        },
        format="json",
    )
    bad_year = api_client.get("/api/v1/destructions/", {"year": "20x6"})

    assert recorded.status_code == 200 and recorded.json()["state"] == "submitted"
    assert bad_year.status_code == 400 and "year" in bad_year.json()["details"]


def test_a_refused_record_on_the_page_keeps_what_was_typed(kti, client):
    kti.receive("PG-1", "PG-2")
    d = _plan(kti)
    for serial in ("PG-1", "PG-2"):
        services.voucher_line_add(actor=kti.keeper, voucher=d.voucher, serial=serial)
    lines = {line.serial: line.pk for line in d.voucher.lines.all()}
    client.force_login(kti.keeper)
    url = f"/movements/destructions/{d.pk}/"
    typed = {
        "destroyed_on": timezone.localdate().isoformat(),
        "w_name_0": "Cne Diarra",
        "w_org_0": "1er Bataillon",
        f"r_{lines['PG-1']}": "1",
        f"r_{lines['PG-2']}": "0",
    }

    refused = client.post(url, typed, HTTP_ACCEPT_LANGUAGE="fr")

    html = refused.content.decode()
    assert refused.status_code == 400
    assert "témoins" in html  # the reason, in French
    assert 'value="Cne Diarra"' in html and 'value="1er Bataillon"' in html
    assert f'value="{typed["destroyed_on"]}"' in html
    assert 'value="0" selected' in html  # PG-2 still marked as not there
    d.voucher.refresh_from_db()
    assert d.voucher.state == "draft"

    done = client.post(
        url, {**typed, "w_name_1": "M. Keita", "w_org_1": "Commission", "w_out_1": "1"}
    )
    assert done.status_code == 302
    d.voucher.refresh_from_db()
    assert d.voucher.state == "submitted"
    assert d.voucher.lines.get(serial="PG-2").received is False


def test_pages_say_reasons_and_statuses_in_words(kti, client):
    receipt = kti.post("receipt", ["SZ-1"], reason="seizure", location=kti.rack)
    d = _plan(kti)
    services.voucher_line_add(actor=kti.keeper, voucher=d.voucher, serial="SZ-1")
    line = d.voucher.lines.get()
    destruction_record(
        actor=kti.keeper,
        destruction=d,
        destroyed_on=timezone.localdate(),
        witnesses=WITNESSES,
        results={line.pk: True},
    )
    services.voucher_approve(actor=kti.commander, voucher=d.voucher)
    client.force_login(kti.keeper)

    voucher_page = client.get(f"/movements/vouchers/{receipt.pk}/", HTTP_ACCEPT_LANGUAGE="fr")
    weapon = Weapon.objects.get(serial="SZ-1")
    history = client.get(f"/registry/weapons/{weapon.pk}/", HTTP_ACCEPT_LANGUAGE="fr")

    assert "(Saisie)" in voucher_page.content.decode()
    html = history.content.decode()
    assert f"Saisie, {kti.rack}" in html and f"Détruite ({kti.site.name})" in html
    assert ">seized" not in html and ">destroyed" not in html


def test_impossible_dates_and_a_witness_typed_twice_are_refused(seg):
    from tests.ammunition.conftest import Depot

    today = timezone.localdate()
    for planned in (date(1800, 1, 1), today + timedelta(days=800)):
        with pytest.raises(ValidationError) as err:
            destruction_plan(
                actor=seg.keeper,
                site=seg.site,
                method="cutting",
                place="Aire de Kati",
                planned_date=planned,
            )
        assert "planned_date" in err.value.details
    seg.receive("OLD-1")
    d = _plan(seg)
    services.voucher_line_add(actor=seg.keeper, voucher=d.voucher, serial="OLD-1")
    line = d.voucher.lines.get()
    entries = JournalEntry.objects.count()

    with pytest.raises(ValidationError) as err:
        destruction_record(
            actor=seg.keeper,
            destruction=d,
            destroyed_on=date(1901, 1, 1),
            witnesses=WITNESSES,
            results={line.pk: True},
        )
    assert "destroyed_on" in err.value.details
    with pytest.raises(ValidationError) as err:
        destruction_record(
            actor=seg.keeper,
            destruction=d,
            destroyed_on=today,
            witnesses=[
                {"name": "Mme Keïta", "organisation": "CNLPAL", "outside": True},
                {"name": "mme  keïta ", "organisation": "CNLPAL", "outside": True},
            ],
            results={line.pk: True},
        )
    assert "witnesses" in err.value.details
    assert JournalEntry.objects.count() == entries
    # Yesterday's destruction, recorded today, is accepted.
    destruction_record(
        actor=seg.keeper,
        destruction=d,
        destroyed_on=today - timedelta(days=1),
        witnesses=WITNESSES,
        results={line.pk: True},
    )

    # Nor can ammunition be destroyed before the year it was made.
    depot = Depot(seg.make)
    depot.receive("F1-NEW-1", 10, "GREN-HAND-F1", location=depot.s2, year_of_manufacture=today.year)
    d2 = destruction_plan(
        actor=depot.keeper,
        site=depot.site,
        method="open_detonation",
        place="Champ de tir",
        planned_date=today,
    )
    services.voucher_lot_line_add(
        actor=depot.keeper, voucher=d2.voucher, lot_number="F1-NEW-1", quantity=10
    )
    with pytest.raises(ValidationError) as err:
        destruction_record(
            actor=depot.keeper,
            destruction=d2,
            destroyed_on=date(today.year - 1, 12, 31),
            witnesses=WITNESSES,
            results={d2.voucher.lines.get().pk: 10},
        )
    assert "destroyed_on" in err.value.details and f"{today.year}-01-01" in str(err.value)


def test_ammunition_is_not_planned_for_a_method_meant_for_weapons(make):
    from tests.ammunition.conftest import Depot

    depot = Depot(make)
    depot.receive("M82-CUT", 50, "MORT-82-HE")
    lines = 0
    for method, allowed in (("cutting", False), ("smelting", False), ("industrial", True)):
        d = destruction_plan(
            actor=depot.keeper,
            site=depot.site,
            method=method,
            place="Atelier",
            planned_date=date.today(),
        )
        if allowed:
            services.voucher_lot_line_add(
                actor=depot.keeper, voucher=d.voucher, lot_number="M82-CUT", quantity=50
            )
            lines += 1
        else:
            with pytest.raises(ValidationError) as err:
                services.voucher_lot_line_add(
                    actor=depot.keeper, voucher=d.voucher, lot_number="M82-CUT", quantity=50
                )
            assert "lot_number" in err.value.details and "IATG 10.10" in str(err.value)
        assert d.voucher.lines.count() == (1 if allowed else 0)
