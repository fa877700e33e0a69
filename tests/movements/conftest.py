import pytest

from pssm.movements import services
from pssm.movements.models import Discrepancy
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


SERIALS = [f"TR-{n:04d}" for n in range(1, 6)]


@pytest.fixture
def route(make):
    """ML-KTI sends five weapons to ML-SEV (two organisations of one country); SEV receives
    four of them. A national authority of the country and an inspector are there too."""
    kti, sev = Armoury(make, "KTI"), Armoury(make, "SEV")
    kti.receive(*SERIALS)
    dispatch = kti.post("transfer", SERIALS, destination=sev.site)
    receipt = services.voucher_create(
        actor=sev.keeper,
        site=sev.site,
        kind="transfer_receipt",
        dispatch=dispatch,
        location=sev.rack,
    )
    services.voucher_lines_add(
        actor=sev.keeper, voucher=receipt, items=[{"serial": s} for s in SERIALS[:4]]
    )
    services.voucher_submit(actor=sev.keeper, voucher=receipt)
    services.voucher_approve(actor=sev.commander, voucher=receipt)
    country = kti.site.organisation.country
    national = make.user("national_authority", country, username="national")
    return {
        "kti": kti,
        "sev": sev,
        "dispatch": dispatch,
        "receipt": receipt,
        "national": national,
        "case": Discrepancy.objects.get(voucher=receipt),
    }
