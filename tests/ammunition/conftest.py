from datetime import date
from decimal import Decimal as D

import pytest

from pssm.ammunition import catalogue
from pssm.ammunition import services as ammo
from pssm.ammunition.models import LotBalance, Nature
from pssm.movements import services as mv
from pssm.sites import services as site_services


def seed_natures():
    """The catalogue seeded by migration (a committing test may have emptied the table)."""
    catalogue.seed(Nature)
    return {n.code: n for n in Nature.objects.all()}


class Depot:
    """An ammunition depot: two licensed storehouses 100 m apart, an unlicensed container,
    a village 500 m away, and the people who prepare, approve and inspect."""

    def __init__(self, make, code="KTI"):
        self.site = make.site(code=code, kind="ammunition_depot")
        self.country = self.site.organisation.country
        self.keeper = make.user("storekeeper", self.site, username=f"keeper-{code.lower()}")
        self.commander = make.user("site_commander", self.site, username=f"cdt-{code.lower()}")
        self.technician = make.user(
            "ammunition_technician", self.site, username=f"ato-{code.lower()}"
        )
        self.authority = make.user(
            "national_authority", self.country, username=f"na-{code.lower()}"
        )
        self.esh1 = self._storehouse(make, "ESH01", 0, 0)
        self.esh2 = self._storehouse(make, "ESH02", 100, 0)
        self.esh3 = self._storehouse(make, "ESH03", 0, 200)  # no licence
        self.s1 = make.location(self.esh1, code="S01")
        self.s1b = make.location(self.esh1, code="S02")
        self.s2 = make.location(self.esh2, code="S01")
        self.s3 = make.location(self.esh3, code="S01")
        ammo.exposed_site_create(
            actor=self.technician,
            site=self.site,
            code="VIL",
            name="Village",
            relationship="inhabited_building",
            plan_x_m=D(-500),
            plan_y_m=D(0),
        )
        for building, number in ((self.esh1, f"{code}-L1"), (self.esh2, f"{code}-L2")):
            ammo.licence_issue(
                actor=self.authority,
                building=building,
                number=number,
                limits_kg={"1.1": "1000", "1.2": "500", "1.4": "10000"},
                permitted_groups="BCDEFS",
                issued_date=date(2026, 1, 1),
                review_date=date(2027, 1, 1),
                authority="DMHTA",
            )
        self.natures = seed_natures()

    def _storehouse(self, make, code, x, y):
        b = make.building(self.site, code=code)
        return site_services.building_update(
            actor=make.actor, building=b, plan_x_m=D(x), plan_y_m=D(y)
        )

    def draft(self, kind, **header):
        return mv.voucher_create(actor=self.keeper, site=self.site, kind=kind, **header)

    def add(self, voucher, lot, qty, nature=None, location=None, **details):
        return mv.voucher_lot_line_add(
            actor=self.keeper,
            voucher=voucher,
            lot_number=lot,
            quantity=qty,
            nature=self.natures[nature] if nature else None,
            location=location,
            details=details,
        )

    def post(self, voucher):
        mv.voucher_submit(actor=self.keeper, voucher=voucher)
        return mv.voucher_approve(actor=self.commander, voucher=voucher)

    def receive(self, lot, qty, nature, location=None, **details):
        v = self.draft("receipt", reason="acquisition", location=location or self.s1)
        self.add(v, lot, qty, nature, **details)
        return self.post(v)

    def balance(self, lot, location):
        row = LotBalance.objects.filter(lot__lot_number=lot, location=location).first()
        return row.quantity if row else 0


@pytest.fixture
def depot(make):
    return Depot(make)
