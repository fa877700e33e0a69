"""A national node taking pushes that a depot's field conditions produce (pssm.sync.exchange):
a clock a year off is accepted and flagged, a bundle from a newer synchronisation version is
refused with the version to install, and nothing is applied when a bundle is refused."""

import time
import uuid

import pytest

from pssm.domain import journal as chain
from pssm.domain import syncformat as fmt
from pssm.domain.access import Role
from pssm.domain.errors import PssmError
from pssm.journal.models import JournalEntry
from pssm.sync import exchange, nodes, selectors
from pssm.sync.models import Bundle, Peer

pytestmark = pytest.mark.django_db
YEAR = 365 * 24 * 3600


@pytest.fixture
def national(make, two_sites):
    authority = make.user(Role.NATIONAL_AUTHORITY, two_sites["country"], language="en")
    node = nodes.national_init(user=authority)
    data, _peer = nodes.bootstrap(user=authority, site_code=two_sites["a"].code, node_id="a-depot")
    _header, body = fmt.unpack(data)
    return authority, node, body["seed"]


def _push(national_id, seed, *, clock, version=fmt.PROTOCOL_VERSION, rows=()):
    header = {
        "id": str(uuid.uuid4()),
        "kind": "push",
        "from": "a-depot",
        "to": national_id,
        "key": chain.public_key(seed),
        "version": version,
        "created": "2026-12-02T00:00:00Z",
        "clock": clock,
    }
    body = {
        "entries": [],
        "head": None,
        "rows": list(rows),
        "change": 0,
        "applied": 0,
        "persons": {},
    }
    return fmt.pack(header, body, lambda message: chain.sign(seed, message))


def test_a_depot_clock_a_year_off_is_accepted_and_flagged(national, client):
    authority, node, seed = national
    record, ack = exchange.ingest(
        user=authority, data=_push(node.node_id, seed, clock=time.time() - YEAR)
    )
    assert record.status == "applied" and ack.startswith(fmt.MAGIC)
    peer = Peer.objects.get(node_id="a-depot")
    assert peer.clock_skew == pytest.approx(-YEAR, abs=120)
    (shown,) = [p for p in selectors.status()["peers"] if p["node"] == "a-depot"]
    assert shown["clock_flagged"] and shown["clock_skew_h"] == pytest.approx(8760, abs=1)
    client.force_login(authority)
    page = client.get("/sync/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "off by 8760" in page


def test_a_bundle_two_versions_ahead_is_refused_with_the_version_to_install(national):
    authority, node, seed = national
    before = (JournalEntry.objects.count(), Bundle.objects.count())
    data = _push(node.node_id, seed, clock=time.time(), version=fmt.PROTOCOL_VERSION + 2)
    with pytest.raises(PssmError) as refused:
        exchange.ingest(user=authority, data=data)
    assert refused.value.code == "bundle_newer"
    assert str(fmt.PROTOCOL_VERSION + 2) in str(refused.value.params)
    assert (JournalEntry.objects.count(), Bundle.objects.count()) == before
    assert Peer.objects.get(node_id="a-depot").clock_skew is None


def test_a_push_signed_by_another_key_is_refused(national):
    authority, node, _seed = national
    with pytest.raises(PssmError) as refused:
        exchange.ingest(user=authority, data=_push(node.node_id, "33" * 32, clock=time.time()))
    assert refused.value.code == "bundle_signature"
    assert not Bundle.objects.filter(direction="in").exists()


def test_a_push_encrypted_to_national_is_taken_and_one_for_another_node_or_changed_is_refused(
    national,
):
    from pssm.journal import keys
    from pssm.sync import crypt

    authority, node, seed = national
    plain = _push(node.node_id, seed, clock=time.time())
    national_key = keys.load().public
    sealed = crypt.seal(plain, to_public_key=national_key)
    elsewhere = crypt.seal(plain, to_public_key=chain.public_key("44" * 32))
    changed = bytearray(sealed)
    changed[-3] ^= 0x01

    assert fmt.is_encrypted(sealed) and plain not in sealed
    for data in (elsewhere, bytes(changed)):
        with pytest.raises(PssmError) as refused:
            exchange.ingest(user=authority, data=data)
        assert refused.value.code == "bundle_encrypted"
    assert not Bundle.objects.filter(direction="in").exists()
    record, _ack = exchange.ingest(user=authority, data=sealed)
    assert record.status == "applied"


def test_a_depot_sending_a_trace_request_is_refused_and_nothing_changes(national, two_sites):
    from datetime import date

    from pssm.sync import rows
    from pssm.tracing import services as tracing
    from pssm.tracing.models import TraceRequest

    authority, node, seed = national
    held = tracing.trace_request_create(
        actor=authority,
        country=two_sites["country"],
        direction="received",
        requester_kind="interpol",
        counterpart="INTERPOL",
        make="Kalashnikov",
        model="AKM",
        serial="AB 1234",
        received_on=date(2026, 11, 2),
        deadline=date(2026, 12, 2),
    )
    # a trace request the depot made up, as national would carry one
    [(tbl, _gid, values)] = rows.export(rows.Ids(node.node_id), {"tracing.TraceRequest": {held.pk}})
    forged = [tbl, "a-depot/1", {**values, "number": "FORGED-1", "counterpart": "A depot"}]
    before = (
        JournalEntry.objects.count(),
        TraceRequest.objects.count(),
        Bundle.objects.filter(direction="in").count(),
    )

    with pytest.raises(PssmError) as refused:
        exchange.ingest(
            user=authority, data=_push(node.node_id, seed, clock=time.time(), rows=[forged])
        )

    assert refused.value.code == "bundle_national_only"
    assert refused.value.params["table"] == tbl == TraceRequest._meta.db_table
    assert "national records" in refused.value.render()
    after = (
        JournalEntry.objects.count(),
        TraceRequest.objects.count(),
        Bundle.objects.filter(direction="in").count(),
    )
    assert after == before
    assert not TraceRequest.objects.filter(number="FORGED-1").exists()
