import pytest

from pssm.movements import services
from pssm.registry import catalogue
from pssm.registry.models import WeaponType


class Armoury:
    """One site with an armoury room, a storekeeper who prepares and a commander who approves."""

    def __init__(self, make, code):
        self.make = make
        self.site = make.site(code=code, kind="armoury")
        self.building = make.building(self.site, code="ARM01", kind="armoury_room")
        self.rack = make.location(self.building, code="R01")
        self.rack2 = make.location(self.building, code="R02")
        self.keeper = make.user("storekeeper", self.site, username=f"keeper-{code.lower()}")
        self.commander = make.user(
            "site_commander", self.site, username=f"commander-{code.lower()}"
        )
        catalogue.seed(WeaponType)  # a committing test may have emptied the seeded table
        self.ak = WeaponType.objects.get(make="Kalashnikov", model="AKM")

    def post(self, kind, serials=(), **header):
        voucher = services.voucher_create(actor=self.keeper, site=self.site, kind=kind, **header)
        for serial in serials:
            services.voucher_line_add(
                actor=self.keeper,
                voucher=voucher,
                serial=serial,
                weapon_type=self.ak if kind == "receipt" else None,
            )
        services.voucher_submit(actor=self.keeper, voucher=voucher)
        return services.voucher_approve(actor=self.commander, voucher=voucher)

    def receive(self, *serials):
        return self.post("receipt", serials, reason="acquisition", location=self.rack)


@pytest.fixture
def kti(make):
    return Armoury(make, "KTI")


@pytest.fixture
def seg(make):
    return Armoury(make, "SEG")
