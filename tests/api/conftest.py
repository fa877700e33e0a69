"""A small demo-like world for the API edge and conformance tests: an armoury with weapons,
a person and vouchers, an ammunition depot with a lot, an inspection, a count, keys and an
access entry, and one user with wide rights who reaches all of it through a token."""

from __future__ import annotations

from datetime import date

import pytest

from tests.ammunition.conftest import Depot
from tests.movements.conftest import Armoury


class World:
    def __init__(self, make):
        from knox.models import AuthToken

        from pssm.accounts import services as account_services
        from pssm.inspections import services as inspections
        from pssm.movements import services as movements
        from pssm.registry import services as registry

        self.armoury = kti = Armoury(make, "KTI")
        self.depot = Depot(make, "DEP")
        kti.receive("AK-0001", "AK-0002", "AK-0003")
        self.person = registry.person_create(
            actor=kti.commander,
            site=kti.site,
            service_number="M-1001",
            first_name="Awa",
            last_name="Traoré",
            rank="Sgt",
        )
        self.issue = kti.post("issue", ["AK-0001"], custodian=self.person)
        self.draft = movements.voucher_create(
            actor=kti.keeper, site=kti.site, kind="issue", custodian_unit="Section 2"
        )
        self.line = movements.voucher_line_add(
            actor=kti.keeper, voucher=self.draft, serial="AK-0002"
        )
        self.depot.receive("MMP19C012-004", 1000, "CTG-762X39-BALL")
        self.count = inspections.count_start(actor=kti.keeper, site=kti.site, witness="Lt Diarra")
        key = inspections.key_register(
            actor=kti.commander, site=kti.site, code="K-01", label="Magasin 1"
        )
        inspections.key_issue(actor=kti.keeper, key=key, holder="Sgt Traoré")
        inspector = make.user("inspector", kti.site.organisation.country)
        self.inspection = inspections.inspection_start(
            actor=inspector, site=kti.site, inspected_on=date.today()
        )
        # Wide rights: the administrator everywhere, with the roles it lacks on both sites.
        self.user = make.user("administrator", username="api-admin")
        for site in (kti.site, self.depot.site):
            for role in ("site_commander", "inspector", "ammunition_technician"):
                account_services.role_grant(
                    actor=make.actor, user=self.user, role=role, level="site", site=site
                )
        self.token = AuthToken.objects.create(user=self.user)[1]

    def path_values(self) -> dict[str, dict[str, str]]:
        """Real values for the path parameters of each operation, by path template."""
        from pssm.ammunition.models import Lot
        from pssm.journal.models import JournalEntry

        kti = self.armoury
        lot = Lot.objects.get(lot_number="MMP19C012-004")
        entry = JournalEntry.objects.order_by("-seq").first()
        return {
            "/api/v1/countries/{code}/": {"code": "ML"},
            "/api/v1/organisations/{code}/": {"code": kti.site.organisation.code},
            "/api/v1/sites/{code}/": {"code": kti.site.code},
            "/api/v1/sites/{code}/keys/": {"code": kti.site.code},
            "/api/v1/sites/{code}/access/": {"code": kti.site.code},
            "/api/v1/sites/{code}/qd-report/": {"code": self.depot.site.code},
            "/api/v1/buildings/{code}/": {"code": kti.building.code},
            "/api/v1/locations/{code}/": {"code": kti.rack.code},
            "/api/v1/weapons/{id}/": {"id": str(self.line.weapon_id)},
            "/api/v1/vouchers/{id}/": {"id": str(self.draft.pk)},
            "/api/v1/vouchers/{id}/check/": {"id": str(self.draft.pk)},
            "/api/v1/vouchers/{id}/lines/": {"id": str(self.draft.pk)},
            "/api/v1/counts/{id}/": {"id": str(self.count.pk)},
            "/api/v1/inspections/{id}/": {"id": str(self.inspection.pk)},
            "/api/v1/lots/{id}/": {"id": str(lot.pk)},
            "/api/v1/journal/{uuid}/": {"uuid": str(entry.uuid)},
        }


@pytest.fixture
def world(make):
    return World(make)
