"""The national node countersigns a depot's transfer bundle only when every record it carries
is on the national record as carried, of the sending site, and on its way to the destination
(pssm.sync.courier, ADR 0032); a refused bundle changes nothing. The whole round trip between
three processes is in test_nodes.py."""

import base64
import uuid

import pytest

from pssm.domain import journal as chain
from pssm.domain import syncformat as fmt
from pssm.domain.access import Role
from pssm.domain.errors import PermissionDeniedError, PssmError
from pssm.journal.models import JournalEntry
from pssm.sync import courier, manage, nodes, rows
from pssm.sync.models import Bundle, Peer
from tests.movements.conftest import Armoury

pytestmark = pytest.mark.django_db
SERIALS = ["CS-0001", "CS-0002", "CS-0003"]


@pytest.fixture
def route(make):
    """KTI dispatches two of its three weapons to SEV; both sites have a depot node."""
    kti, sev = Armoury(make, "KTI"), Armoury(make, "SEV")
    kti.receive(*SERIALS)
    dispatch = kti.post("transfer", SERIALS[:2], destination=sev.site)
    authority = make.user(Role.NATIONAL_AUTHORITY, kti.site.organisation.country, language="en")
    national = nodes.national_init(user=authority)
    seeds = {}
    for armoury, node_id in ((kti, "kti-depot"), (sev, "sev-depot")):
        data, _peer = nodes.bootstrap(user=authority, site_code=armoury.site.code, node_id=node_id)
        seeds[node_id] = fmt.unpack(data)[1]["seed"]
    return {
        "kti": kti,
        "sev": sev,
        "dispatch": dispatch,
        "authority": authority,
        "national": national,
        "seed": seeds["kti-depot"],
    }


def _carried(route) -> list:
    """The records a KTI depot holding what national holds would carry to SEV."""
    kti, sev = route["kti"].site, route["sev"].site
    wanted = courier._site_records(kti, courier.on_the_way(kti, sev))
    return rows.export(rows.Ids(route["national"].node_id), wanted)


def _bundle(route, records, *, head=0, site=None, seed=None, kind=courier.TRANSFER):
    seed = seed or route["seed"]
    header = {
        "id": str(uuid.uuid4()),
        "kind": kind,
        "from": "kti-depot",
        "to": route["national"].node_id,
        "key": chain.public_key(seed),
        "version": fmt.PROTOCOL_VERSION,
        "created": "2026-12-02T00:00:00Z",
        "clock": 0,
    }
    body = {
        "from_site": route["kti"].site.code,
        "site": site or route["sev"].site.code,
        "head": head,
        "rows": records,
        "files": {},
    }
    return fmt.pack(header, body, lambda message: chain.sign(seed, message))


def _refused(route, data, code, user=None):
    before = (JournalEntry.objects.count(), Bundle.objects.count())
    with pytest.raises(PssmError) as refused:
        courier.countersign(user=user or route["authority"], data=data)
    assert refused.value.code == code
    assert (JournalEntry.objects.count(), Bundle.objects.count()) == before
    return refused.value


def test_what_is_on_its_way_is_the_dispatch_its_lines_and_the_weapons_in_transit(route):
    wanted = courier.on_the_way(route["kti"].site, route["sev"].site)
    assert wanted["movements.Voucher"] == {route["dispatch"].pk}
    assert len(wanted["registry.Weapon"]) == 2 and len(wanted["movements.VoucherLine"]) == 2
    assert courier.on_the_way(route["sev"].site, route["kti"].site) == {}


def test_a_transfer_bundle_as_national_holds_it_is_countersigned_for_the_destination(route):
    data = _bundle(route, _carried(route))
    signed, receiver = courier.countersign(user=route["authority"], data=data)
    assert receiver.node_id == "sev-depot"
    header, body = fmt.unpack(signed, expected_key=nodes.node_key().public)
    assert (header["kind"], header["to"]) == (courier.COUNTERSIGNED, "sev-depot")
    assert base64.b64decode(body["transfer"]) == data
    assert body["sender_key"] == chain.public_key(route["seed"])
    # the master data the records refer to travels with them, signed by national
    carried = {record[0] for record in body["rows"]}
    assert "sites_site" in carried and "registry_weapontype" in carried
    entry = JournalEntry.objects.filter(kind=courier.COUNTERSIGNED_EVENT).get()
    assert '"weapons":2' in entry.payload.replace(" ", "")
    assert Bundle.objects.filter(kind=courier.COUNTERSIGNED, peer="sev-depot").exists()


def test_a_record_changed_on_the_way_or_unknown_to_national_is_refused(route):
    records = _carried(route)
    weapon = next(r for r in records if r[0] == "registry_weapon")
    weapon[2]["serial"] = "CS-9999"
    refused = _refused(route, _bundle(route, records), "bundle_not_on_record")
    assert refused.params["table"] == "registry_weapon"
    records = _carried(route)
    records.append(["registry_weapon", "kti-depot/999999", dict(weapon[2])])
    _refused(route, _bundle(route, records), "bundle_not_on_record")


def test_a_weapon_in_store_or_master_data_is_not_countersigned(route):
    from pssm.registry.models import Weapon

    in_store = Weapon.objects.get(serial_norm__endswith="0003")
    extra = rows.export(rows.Ids(route["national"].node_id), {"registry.Weapon": {in_store.pk}})
    refused = _refused(route, _bundle(route, _carried(route) + extra), "bundle_not_on_the_way")
    assert refused.params["site"] == route["sev"].site.code
    site = rows.export(rows.Ids(route["national"].node_id), {"sites.Site": {route["sev"].site.pk}})
    _refused(route, _bundle(route, _carried(route) + site), "bundle_master")


def test_a_depot_national_has_not_heard_up_to_the_bundle_is_told_to_sync_first(route):
    refused = _refused(route, _bundle(route, _carried(route), head=40), "bundle_behind")
    assert refused.params == {"node": "kti-depot", "held": 0, "head": 40}


def test_a_bundle_of_another_kind_signed_by_another_key_or_from_a_revoked_node_is_refused(
    route,
):
    _refused(route, _bundle(route, _carried(route), kind="push"), "bundle_kind")
    _refused(route, _bundle(route, _carried(route), seed="55" * 32), "bundle_signature")
    manage.revoke(user=route["authority"], node_id="kti-depot", reason="laptop stolen")
    _refused(route, _bundle(route, _carried(route)), "bundle_revoked")


def test_a_destination_without_a_depot_node_is_refused(route, make):
    other = make.site(route["kti"].site.organisation, code="NODEPOT")
    refused = _refused(route, _bundle(route, _carried(route), site=other.code), "bundle_no_depot")
    assert refused.params["site"] == other.code
    assert Peer.objects.count() == 2


def test_only_who_manages_synchronisation_countersigns(route):
    data = _bundle(route, _carried(route))
    from pssm.accounts import services

    kti_only = route["kti"].make.user(username="manages-kti-only")
    services.role_grant(
        actor=route["kti"].make.actor,
        user=kti_only,
        role=Role.NATIONAL_AUTHORITY,
        level="site",
        site=route["kti"].site,
    )
    for user in (route["kti"].commander, route["sev"].keeper, kti_only):
        with pytest.raises(PermissionDeniedError):
            courier.countersign(user=user, data=data)
    assert not JournalEntry.objects.filter(kind=courier.COUNTERSIGNED_EVENT).exists()


def test_the_sync_command_speaks_the_operators_language(route, tmp_path):
    from io import StringIO

    from django.core.management import call_command
    from django.utils import translation

    out = StringIO()
    with translation.override("fr"):
        call_command("sync", "status", stdout=out)
        data = _bundle(route, _carried(route))
        (tmp_path / "kti.transfer").write_bytes(data)
        call_command(
            "sync",
            "countersign",
            str(tmp_path / "kti.transfer"),
            "--out",
            str(tmp_path / "for-sev.pssm"),
            as_user=route["authority"].username,
            stdout=out,
        )
    text = out.getvalue()
    assert "nœud" in text and "jamais" in text  # "node", "never heard from"
    assert "contresigné pour le nœud sev-depot" in text
    assert (tmp_path / "for-sev.pssm").read_bytes().startswith(fmt.MAGIC)
