"""The regional node's figures (pssm.sync.regional): aggregates per country and site from the
national node, signed; never a serial number, a person's name or a user name."""

import json
import zlib

import pytest

from pssm.domain import journal as chain
from pssm.domain import syncformat as fmt
from pssm.domain.access import Role
from pssm.domain.errors import PssmError
from pssm.registry.models import Person, Weapon
from pssm.sync import nodes, regional
from pssm.sync.models import RegionalFigures, ThisNode

pytestmark = pytest.mark.django_db


@pytest.fixture
def stocked(make, two_sites, system):
    """Site A holds weapons issued to a named soldier; this node is the national node."""
    from pssm.movements import services
    from pssm.registry import catalogue
    from pssm.registry.models import WeaponType

    catalogue.seed(WeaponType)
    ak = WeaponType.objects.get(make="Kalashnikov", model="AKM")
    keeper = make.user(Role.STOREKEEPER, two_sites["a"], username="keepera")
    boss = make.user(Role.SITE_COMMANDER, two_sites["a"], username="bossa")
    receipt = services.voucher_create(
        actor=keeper, site=two_sites["a"], kind="receipt", reason="acquisition",
        location=two_sites["location_a"],
    )  # fmt: skip
    for serial in ("RGN-000111", "RGN-000222"):
        services.voucher_line_add(actor=keeper, voucher=receipt, serial=serial, weapon_type=ak)
    services.voucher_submit(actor=keeper, voucher=receipt)
    services.voucher_approve(actor=boss, voucher=receipt)
    Person.objects.create(
        organisation=two_sites["a"].organisation, site=two_sites["a"], service_number="SN-7788",
        first_name="Mamadou", last_name="Kéita",
    )  # fmt: skip
    authority = make.user(Role.NATIONAL_AUTHORITY, two_sites["country"], username="autorite1")
    nodes.national_init(user=authority)
    return authority


def _body(data: bytes) -> str:
    head, _sep, rest = data.partition(b"\n")[2].partition(b"\n")
    return zlib.decompress(rest).decode()


def test_the_figures_count_per_site_and_carry_no_serial_or_name(stocked, two_sites):
    data = regional.regional_export(user=stocked, country_code="ml", to="sahel-regional")
    text = _body(data)
    figures = json.loads(text)
    (site_a,) = [s for s in figures["sites"] if s["site"] == two_sites["a"].code]
    assert site_a["weapons_by_status"] == {"in_store": 2}
    assert site_a["weapons_by_category"] == {Weapon.objects.first().weapon_type.category: 2}
    assert figures["totals"]["weapons_by_status"] == {"in_store": 2}
    forbidden = list(Weapon.objects.values_list("serial", flat=True))
    forbidden += list(Weapon.objects.values_list("serial_norm", flat=True))
    forbidden += [p.last_name for p in Person.objects.all()] + ["SN-7788", "Mamadou"]
    from pssm.accounts.models import User

    forbidden += list(User.objects.values_list("username", flat=True))
    for value in forbidden:
        assert value and value not in text, f"{value!r} reached the regional figures"


def test_only_the_country_s_authority_sends_them_and_bad_input_is_named(stocked, make, two_sites):
    commander = make.user(Role.SITE_COMMANDER, two_sites["a"])
    from pssm.domain.errors import NotFoundError, PermissionDeniedError, ValidationError

    with pytest.raises(PermissionDeniedError):
        regional.regional_export(user=commander, country_code="ML", to="sahel-regional")
    with pytest.raises(NotFoundError):
        regional.regional_export(user=stocked, country_code="ZZ", to="sahel-regional")
    with pytest.raises(ValidationError) as bad:
        regional.regional_export(user=stocked, country_code="ML", to="a b")
    assert "to" in bad.value.details


def test_a_regional_node_keeps_signed_figures_once_and_refuses_the_rest(make, settings, tmp_path):
    national_seed = "66" * 32
    admin = make.user(Role.ADMINISTRATOR)
    node = regional.regional_init(
        user=admin, trusted={"ml-national": chain.public_key(national_seed)}
    )
    assert node.role == "regional"

    def bundle(seed=national_seed, to=None, body=None, sender="ml-national", kind="regional"):
        header = {
            "id": __import__("uuid").uuid4().__str__(), "kind": kind, "from": sender,
            "to": to or node.node_id, "key": chain.public_key(seed),
            "version": fmt.PROTOCOL_VERSION,
            "created": "2026-12-02T00:00:00Z", "clock": 0,
        }  # fmt: skip
        body = body or {
            "format": regional.FORMAT,
            "country": "ML",
            "at": "2026-12-02T00:00:00Z",
            "sites": [],
        }
        return fmt.pack(header, body, lambda m: chain.sign(seed, m))

    good = bundle()
    record = regional.regional_receive(user=admin, data=good)
    assert record.country == "ML"
    assert getattr(regional.regional_receive(user=admin, data=good), "duplicate", False)
    assert RegionalFigures.objects.count() == 1
    for bad, code in (
        (bundle(seed="77" * 32), "bundle_signature"),
        (bundle(to="another-node"), "bundle_recipient"),
        (bundle(sender="ng-national"), "bundle_unknown_node"),
        (bundle(body={"format": "other"}), "bundle_kind"),
    ):
        with pytest.raises(PssmError) as refused:
            regional.regional_receive(user=admin, data=bad)
        assert refused.value.code == code
    assert RegionalFigures.objects.count() == 1


def test_the_regional_page_shows_the_figures(make, client):
    admin = make.user(Role.ADMINISTRATOR)
    ThisNode.objects.create(node_id="sahel-regional", role="regional")
    RegionalFigures.objects.create(
        bundle_id="b1", national="ml-national", country="ML", figures_at="2026-12-02",
        figures={"sites": [{"site": "ML-KTI", "name": "Kati", "weapons_by_status": {"in_store": 5},
                            "weapons_by_category": {}, "counts_overdue": 1, "open_cases": 0,
                            "losses_open": 0, "inspection_percent": 80, "rrpl_level": 2}]},
    )  # fmt: skip
    client.force_login(admin)
    page = client.get("/sync/regional/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "ML-KTI" in page and "in_store 5" in page
