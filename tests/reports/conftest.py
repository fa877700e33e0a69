"""A small country with its registry: two armouries, receipts from abroad with documents,
issues, a loss, a theft, a destruction, an export, trace requests and a national authority."""

from datetime import timedelta

import pytest
from django.utils import timezone

from pssm.movements import services as mv
from pssm.movements.destruction import destruction_plan, destruction_record
from pssm.registry.models import WeaponType
from pssm.tracing import services as tracing
from tests.movements.conftest import Armoury

WITNESSES = [
    {"name": "Cne Diarra", "organisation": "Dépôt", "outside": False},
    {"name": "M. Keita", "organisation": "Commission nationale", "outside": True},
]


class Nation:
    def __init__(self, make):
        self.country = make.country()
        self.kti = Armoury(make, "KTI")
        self.seg = Armoury(make, "SEG")
        self.authority = make.user("national_authority", self.country, username="autorite-t")
        self.viewer = make.user("programme_viewer", None, username="programme-t")
        self.pistol = WeaponType.objects.filter(category="pistol").order_by("pk").first()
        today = timezone.localdate()
        self.today = today
        # Stock at home: ten AKM at KTI, five at SEG.
        self.kti.receive(*[f"HOME-{n}" for n in range(10)])
        self.seg.receive(*[f"SEGH-{n}" for n in range(5)])
        # From abroad: four AKM from RS with documents (one without import mark), three
        # pistols from FR with the import record on the voucher only.
        self.abroad = self._abroad(today)
        # An issue, a loss with a police report, a theft, a destruction of two.
        self.kti.post("issue", ["HOME-0"], custodian_unit="Section")
        self.loss = self.kti.post("loss", ["HOME-1"], reason="lost", police_report="PV-77")
        self.theft = self.seg.post("loss", ["SEGH-0"], reason="stolen")
        self._destroy(["HOME-2", "HOME-3"])
        self.kti.post("status_change", ["HOME-5"], reason="surplus")
        # An export of two AKM to Niger, approved by the national authority.
        self.export = mv.voucher_create(
            actor=self.kti.keeper,
            site=self.kti.site,
            kind="export",
            importing_state="NE",
            export_licence="EXP-9",
            end_user_certificate="EUC-NE-9",
        )
        for serial in ("HOME-6", "HOME-7"):
            mv.voucher_line_add(actor=self.kti.keeper, voucher=self.export, serial=serial)
        mv.voucher_submit(actor=self.kti.keeper, voucher=self.export)
        mv.voucher_approve(actor=self.authority, voucher=self.export)
        # Trace requests: one answered on time, one overdue.
        self.answered = tracing.trace_request_create(
            actor=self.authority,
            country=self.country,
            direction="received",
            requester_kind="interpol",
            counterpart="INTERPOL",
            make="Kalashnikov",
            model="AKM",
            serial="HOME-4",
            received_on=today - timedelta(days=3),
            deadline=today + timedelta(days=10),
        )
        from pssm.registry.models import Weapon

        tracing.trace_request_answer(
            actor=self.authority,
            request=self.answered,
            outcome="identified",
            weapon=Weapon.objects.get(serial="HOME-4"),
            answer="Held at KTI.",
        )
        self.overdue = tracing.trace_request_create(
            actor=self.authority,
            country=self.country,
            direction="received",
            requester_kind="un_panel",
            counterpart="UN Panel",
            model="AKM",
            serial="ZZ-999",
            received_on=today - timedelta(days=40),
            deadline=today - timedelta(days=10),
        )

    def _abroad(self, today):
        k = self.kti
        v = mv.voucher_create(
            actor=k.keeper,
            site=k.site,
            kind="receipt",
            reason="acquisition",
            location=k.rack,
            importer="DMA",
            import_date=today - timedelta(days=5),
            exporting_state="RS",
            import_licence="LIC-1",
            end_user_certificate="EUC-1",
        )
        for n in range(4):
            mv.voucher_line_add(
                actor=k.keeper,
                voucher=v,
                serial=f"RS-{n}",
                weapon_type=k.ak,
                details={"import_country": "ML", "import_year": today.year} if n else {},
            )
        mv.voucher_submit(actor=k.keeper, voucher=v)
        mv.voucher_approve(actor=k.commander, voucher=v)
        tracing.transfer_document_save(
            actor=k.keeper, voucher=v, exporter="Exporter RS", carrier="Air cargo"
        )
        w = mv.voucher_create(
            actor=k.keeper,
            site=k.site,
            kind="receipt",
            reason="acquisition",
            location=k.rack,
            importer="Police",
            import_date=today - timedelta(days=4),
            exporting_state="FR",
            import_licence="LIC-2",
            end_user_certificate="EUC-2",
        )
        for n in range(3):
            mv.voucher_line_add(
                actor=k.keeper, voucher=w, serial=f"FR-{n}", weapon_type=self.pistol
            )
        mv.voucher_submit(actor=k.keeper, voucher=w)
        mv.voucher_approve(actor=k.commander, voucher=w)
        return v

    def _destroy(self, serials):
        k = self.kti
        d = destruction_plan(
            actor=k.keeper,
            site=k.site,
            method="cutting",
            place="Aire",
            planned_date=self.today,
            authority="Ordre 1",
        )
        for s in serials:
            mv.voucher_line_add(actor=k.keeper, voucher=d.voucher, serial=s)
        destruction_record(
            actor=k.keeper,
            destruction=d,
            destroyed_on=self.today,
            witnesses=WITNESSES,
            results={line.pk: True for line in d.voucher.lines.all()},
        )
        mv.voucher_approve(actor=k.commander, voucher=d.voucher)


@pytest.fixture
def nation(make):
    return Nation(make)
