"""Demonstration destructions at the Kati depot: two surplus rifles cut before witnesses, and
300 expired F1 hand grenades of 1988 destroyed by open detonation, both certified."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from pssm.accounts.models import User
from pssm.movements import services as mv
from pssm.movements.destruction import destruction_plan, destruction_record
from pssm.movements.models import Destruction
from pssm.registry.models import Weapon
from pssm.sites.models import Site

SITE = "ML-KTI"
WITNESSES = [
    {"name": "Cne Moussa Diarra", "organisation": "Dépôt central de Kati", "outside": False},
    {
        "name": "Mme Aminata Keïta",
        "organisation": "Commission nationale de lutte contre la prolifération des ALPC",
        "outside": True,
    },
]


def load(password: str) -> dict:
    site = Site.objects.get(code=SITE)
    if Destruction.objects.filter(voucher__site=site).exists():
        return {"destructions": 0}
    keeper = User.objects.get(username="magasinier")
    commander = User.objects.get(username="commandant")
    today = timezone.localdate()
    rifles = list(
        Weapon.objects.filter(site=site, status="in_store", on_hold=False)
        .order_by("serial")
        .values_list("serial", flat=True)[:2]
    )
    done = 0
    if rifles:
        d = destruction_plan(
            actor=keeper,
            site=site,
            method="cutting",
            place="Aire de destruction du camp de Kati",
            planned_date=today - timedelta(days=20),
            authority="Décision du chef d'état-major 2026-031 (armes excédentaires)",
        )
        for serial in rifles:
            mv.voucher_line_add(actor=keeper, voucher=d.voucher, serial=serial)
        destruction_record(
            actor=keeper,
            destruction=d,
            destroyed_on=today - timedelta(days=20),
            witnesses=WITNESSES,
            results={line.pk: True for line in d.voucher.lines.all()},
        )
        mv.voucher_approve(actor=commander, voucher=d.voucher)
        done += 1
    grenades = destruction_plan(
        actor=keeper,
        site=site,
        method="open_detonation",
        place="Champ de tir de Kati, fosse n° 2",
        planned_date=today - timedelta(days=10),
        authority="Rapport de surveillance : lot périmé (1988)",
    )
    mv.voucher_lot_line_add(
        actor=keeper, voucher=grenades.voucher, lot_number="F1-1988-MAS-07", quantity=300
    )
    destruction_record(
        actor=keeper,
        destruction=grenades,
        destroyed_on=today - timedelta(days=10),
        witnesses=WITNESSES,
        results={line.pk: 300 for line in grenades.voucher.lines.all()},
    )
    mv.voucher_approve(actor=commander, voucher=grenades.voucher)
    return {"destructions": done + 1}
