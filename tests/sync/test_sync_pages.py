"""The synchronisation page and the bundle carrying it offers (pssm.sync.views), who may use
it, what a bad upload says, bundles encrypted to the receiving node, what waits for each
depot, and the banner of a depot offline longer than its country allows.

One test database plays both ends of an encrypted exchange: the national node makes a depot,
then the same rows are switched to that depot (its key file, its ``ThisNode``) to open and
apply what national sent it, or back to national to apply what the depot sent."""

import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Max
from django.urls import reverse

from pssm.domain import journal as chain
from pssm.domain import syncformat as fmt
from pssm.domain.access import Role
from pssm.journal import keys
from pssm.sync import crypt, exchange, nodes, selectors
from pssm.sync.models import Bundle, Change, Peer, ThisNode

pytestmark = pytest.mark.django_db


def test_a_storekeeper_may_not_open_the_sync_page(client, make, two_sites):
    client.force_login(make.user(Role.STOREKEEPER, two_sites["a"], language="en"))
    assert client.get(reverse("sync:status")).status_code == 403
    assert client.post(reverse("sync:export")).status_code == 403


def test_a_stand_alone_installation_says_it_is_not_a_node(client, make, two_sites):
    client.force_login(make.user(Role.SITE_COMMANDER, two_sites["a"], language="en"))
    page = client.get(reverse("sync:status"), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert "not a synchronisation node" in page.content.decode()


def test_the_national_page_refuses_a_file_that_is_not_a_bundle_and_applies_nothing(
    client, make, two_sites
):
    admin = make.user(Role.NATIONAL_AUTHORITY, two_sites["country"], language="en")
    nodes.national_init(user=admin)
    client.force_login(admin)
    for content in (b"", b"hello", b"PSSM-BUNDLE 1\n{}\n" + b"x" * 40):
        upload = SimpleUploadedFile("depot.pssm", content)
        page = client.post(reverse("sync:import"), {"bundle": upload}, follow=True)
        assert page.status_code == 200
        text = page.content.decode()
        assert '<li class="error">' in text
        assert Bundle.objects.count() == 0
    page = client.post(reverse("sync:export"), {"to": "nobody-here"}, follow=True)
    assert "nobody-here" in page.content.decode()


def _depot(site, days_ago):
    now = datetime.now(UTC)
    node = ThisNode.objects.create(
        node_id="ml-kti-depot", role="depot", site=site, national_node="ml-national"
    )
    Peer.objects.create(
        node_id="ml-national",
        role="national",
        public_key="0" * 64,
        last_contact_at=now - timedelta(days=days_ago),
    )
    return node


@pytest.mark.parametrize(("days", "banner"), [(3, False), (20, True)])
def test_a_depot_offline_longer_than_its_country_allows_says_so_on_every_page(
    client, make, two_sites, days, banner
):
    _depot(two_sites["a"], days)
    client.force_login(make.user(Role.STOREKEEPER, two_sites["a"], language="en"))
    page = client.get(reverse("core:dashboard"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert ('id="sync-banner"' in page) is banner
    if banner:
        assert "for 20 days (the policy allows 14)" in page


def test_the_policy_is_the_country_s(client, make, two_sites):
    country = two_sites["country"]
    country.sync_offline_days = 30
    country.save(update_fields=["sync_offline_days"])
    _depot(two_sites["a"], 20)
    client.force_login(make.user(Role.STOREKEEPER, two_sites["a"], language="en"))
    page = client.get(reverse("core:dashboard")).content.decode()
    assert 'id="sync-banner"' not in page


def test_a_depot_page_shows_its_national_node_and_what_waits(client, make, two_sites):
    _depot(two_sites["a"], 2)
    client.force_login(make.user(Role.SITE_COMMANDER, two_sites["a"], language="en"))
    page = client.get(reverse("sync:status"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "ml-national" in page and "2 days ago" in page
    assert "Download the bundle for the national node" in page


def test_the_national_authority_revokes_a_node_and_decides_a_fork_from_the_page(
    client, make, two_sites
):
    from pssm.sync.models import Fork

    authority = make.user(Role.NATIONAL_AUTHORITY, two_sites["country"], language="en")
    nodes.national_init(user=authority)
    nodes.bootstrap(user=authority, site_code=two_sites["a"].code, node_id="sitea-depot")
    client.force_login(authority)
    page = client.get(reverse("sync:status"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "sitea-depot" in page and "Revoke this node" in page

    page = client.post(reverse("sync:revoke"), {"node": "sitea-depot", "reason": ""}, follow=True)
    assert '<li class="error">' in page.content.decode()
    assert Peer.objects.get(node_id="sitea-depot").status == Peer.ACTIVE

    Peer.objects.filter(node_id="sitea-depot").update(status=Peer.QUARANTINED)
    fork = Fork.objects.create(
        peer="sitea-depot", seq=3, held_hash="a" * 64, received_hash="b" * 64
    )
    page = client.get(reverse("sync:status"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Entry held" in page and "Entry received" in page
    url = reverse("sync:fork_resolve", args=[fork.pk])
    client.post(url, {"decision": "release", "note": "right disk put back"})
    assert Peer.objects.get(node_id="sitea-depot").status == Peer.ACTIVE

    client.post(reverse("sync:revoke"), {"node": "sitea-depot", "reason": "laptop stolen"})
    assert Peer.objects.get(node_id="sitea-depot").status == Peer.REVOKED


def test_a_commander_may_carry_bundles_but_not_revoke(client, make, two_sites):
    client.force_login(make.user(Role.SITE_COMMANDER, two_sites["a"], language="en"))
    assert client.post(reverse("sync:revoke"), {"node": "x", "reason": "xxxxxx"}).status_code == 403
    assert client.post(reverse("sync:fork_resolve", args=[1]), {}).status_code == 403


def test_the_background_rounds_are_scheduled_checked_shown_and_stopped(client, make, two_sites):
    from pssm.domain.errors import ConflictError, PermissionDeniedError, ValidationError
    from pssm.journal.models import JournalEntry
    from pssm.sync import tasks

    commander = make.user(Role.SITE_COMMANDER, two_sites["a"], language="en")
    keeper = make.user(Role.STOREKEEPER, two_sites["a"])
    with pytest.raises(ConflictError):  # not a depot node yet
        tasks.schedule(user=commander, url="https://national.example", every=5)
    _depot(two_sites["a"], 0)
    for url, every, field in (("national.example", 5, "url"), ("https://n.example", 0, "every")):
        with pytest.raises(ValidationError) as refused:
            tasks.schedule(user=commander, url=url, every=every)
        assert field in refused.value.details
    with pytest.raises(PermissionDeniedError):
        tasks.schedule(user=keeper, url="https://n.example", every=5)
    assert not tasks.waiting().exists()

    tasks.schedule(user=commander, url="https://n.example", every=10)
    again = tasks.schedule(user=commander, url="https://n.example", every=15)

    assert list(tasks.waiting()) == [again]  # one round waits, the last one scheduled
    client.force_login(commander)
    page = client.get(reverse("sync:status"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "every 15 min with https://n.example" in page
    assert tasks.stop(user=commander) == 1 and not tasks.waiting().exists()
    assert JournalEntry.objects.filter(kind="sync.scheduled").count() == 2
    assert JournalEntry.objects.filter(kind="sync.unscheduled").count() == 1
    page = client.get(reverse("sync:status"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "No background synchronisation" in page


@pytest.fixture
def national(make, two_sites):
    """The national node with depot ``a-depot`` enrolled for site A: (authority, national
    node, national key, the depot's seed)."""
    authority = make.user(Role.NATIONAL_AUTHORITY, two_sites["country"], language="en")
    node = nodes.national_init(user=authority)
    data, _peer = nodes.bootstrap(user=authority, site_code=two_sites["a"].code, node_id="a-depot")
    _header, body = fmt.unpack(data)
    return authority, node, keys.load(), body["seed"]


def _be_depot(settings, tmp_path, site, seed, national_node, national_key):
    """Switch this database to depot ``a-depot``, which national has acknowledged up to now."""
    settings.PSSM_NODE_KEY_FILE = tmp_path / "depot-key"
    keys.write(seed)
    ThisNode.objects.update(
        node_id="a-depot",
        role="depot",
        site=site,
        national_node=national_node,
        national_key=national_key,
    )
    last = Change.objects.aggregate(last=Max("id"))["last"] or 0
    Peer.objects.update_or_create(
        node_id=national_node,
        defaults={"role": "national", "public_key": national_key, "acked_change": last},
    )


def _be_national(settings, key_file, national_node):
    settings.PSSM_NODE_KEY_FILE = key_file
    keys.forget()
    ThisNode.objects.update(
        node_id=national_node, role="national", site=None, national_node="", national_key=""
    )
    Peer.objects.filter(node_id=national_node).delete()


def _push(national_node, seed):
    """A depot's push with nothing new in it, signed with the depot's key."""
    header = {
        "id": str(uuid.uuid4()),
        "kind": "push",
        "from": "a-depot",
        "to": national_node,
        "key": chain.public_key(seed),
        "version": fmt.PROTOCOL_VERSION,
        "created": "2026-12-02T00:00:00Z",
        "clock": time.time(),
    }
    body = {"entries": [], "head": None, "rows": [], "change": 0, "applied": 0, "persons": {}}
    return fmt.pack(header, body, lambda message: chain.sign(seed, message)), header["id"]


def _sealed(data: bytes) -> bool:
    if not data.startswith(b"age-encryption.org/v1"):
        return False
    with pytest.raises(fmt.BundleError):
        fmt.read_header(data)
    return True


def test_a_depot_downloads_its_bundle_encrypted_to_national_which_applies_it(
    client, national, two_sites, settings, tmp_path
):
    authority, node, national_key, seed = national
    national_file = settings.PSSM_NODE_KEY_FILE
    _be_depot(settings, tmp_path, two_sites["a"], seed, node.node_id, national_key.public)
    client.force_login(authority)
    page = client.get(reverse("sync:status"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Encrypt to the receiving node" in page

    plain = client.post(reverse("sync:export")).content
    sealed = client.post(reverse("sync:export"), {"encrypt": "1"})

    assert fmt.read_header(plain)["to"] == node.node_id
    assert sealed["Content-Disposition"].endswith('.pssm"')
    sealed = sealed.content
    assert _sealed(sealed)
    opened = crypt.open_bundle(sealed, seed_hex=national_key.seed)
    header, _body = fmt.unpack(opened, expected_key=chain.public_key(seed))
    assert (header["kind"], header["to"]) == ("push", node.node_id)
    with pytest.raises(fmt.BundleError):  # the depot's own key does not open it
        crypt.open_bundle(sealed, seed_hex=seed)
    _be_national(settings, national_file, node.node_id)
    record, _ack = exchange.ingest(user=authority, data=sealed)
    assert (record.status, record.peer, record.bundle_id) == ("applied", "a-depot", header["id"])


def test_national_downloads_a_depot_s_bundle_encrypted_to_it_which_the_depot_applies(
    client, national, two_sites, settings, tmp_path
):
    authority, node, national_key, seed = national
    client.force_login(authority)
    page = client.get(reverse("sync:status"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Encrypt to the receiving node" in page

    plain = client.post(reverse("sync:export"), {"to": "a-depot"}).content
    sealed = client.post(reverse("sync:export"), {"to": "a-depot", "encrypt": "1"}).content

    assert fmt.read_header(plain)["to"] == "a-depot"
    assert _sealed(sealed)
    with pytest.raises(fmt.BundleError):  # national's own key does not open it
        crypt.open_bundle(sealed, seed_hex=national_key.seed)
    header, _body = fmt.unpack(
        crypt.open_bundle(sealed, seed_hex=seed), expected_key=national_key.public
    )
    assert (header["kind"], header["to"]) == ("ack", "a-depot")
    _be_depot(settings, tmp_path, two_sites["a"], seed, node.node_id, national_key.public)
    record = exchange.receive(user=authority, data=sealed)
    assert (record.status, record.bundle_id) == ("applied", header["id"])


def test_national_encrypts_the_acknowledgement_to_the_depot_that_sent_the_bundle(
    client, national, two_sites, settings, tmp_path
):
    authority, node, national_key, seed = national
    client.force_login(authority)
    page = client.get(reverse("sync:status"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Encrypt the acknowledgement to the depot" in page
    push, push_id = _push(node.node_id, seed)
    again, _again_id = _push(node.node_id, seed)

    sealed = client.post(
        reverse("sync:import"),
        {"bundle": SimpleUploadedFile("a.pssm", push), "encrypt_ack": "1"},
    ).content
    plain = client.post(
        reverse("sync:import"), {"bundle": SimpleUploadedFile("b.pssm", again)}
    ).content

    assert fmt.read_header(plain)["to"] == "a-depot"
    assert _sealed(sealed)
    header, body = fmt.unpack(
        crypt.open_bundle(sealed, seed_hex=seed), expected_key=national_key.public
    )
    assert (header["kind"], header["to"], body["acked_bundle"]) == ("ack", "a-depot", push_id)
    _be_depot(settings, tmp_path, two_sites["a"], seed, node.node_id, national_key.public)
    record = exchange.receive(user=authority, data=sealed)
    assert (record.status, record.bundle_id) == ("applied", header["id"])


def test_the_changes_waiting_for_a_depot_are_those_national_would_send_it(
    national, system, two_sites
):
    from pssm.domain import serials
    from pssm.registry import services as registry
    from pssm.registry.models import Weapon, WeaponType
    from pssm.tracing import services as tracing

    authority, _node, _key, _seed = national
    nodes.bootstrap(user=authority, site_code=two_sites["b"].code, node_id="b-depot")
    rifle = WeaponType.objects.create(category="rifle", make="Test", model="R-1", calibre="7.62")
    site = two_sites["a"]
    Weapon.objects.create(
        serial="TRQ 7",
        serial_norm=serials.normalise("TRQ 7"),
        weapon_type=rifle,
        owner=site.organisation,
        status="in_store",
        site=site,
        location=two_sites["location_a"],
    )

    def waiting():
        return {p["node"]: p["changes_waiting_out"] for p in selectors.status()["peers"]}

    before = waiting()
    request = tracing.trace_request_create(
        actor=authority,
        country=two_sites["country"],
        direction="received",
        requester_kind="interpol",
        counterpart="INTERPOL",
        make="Test",
        model="R-1",
        serial="trq 7",
        received_on=datetime.now(UTC).date(),
        deadline=datetime.now(UTC).date() + timedelta(days=30),
    )
    after_trace = waiting()
    registry.weapon_type_create(
        actor=system, category="pistol", make="Test", model="P-2", calibre="9 mm"
    )
    after_type = waiting()

    assert after_trace["a-depot"] == before["a-depot"] + 1
    assert after_trace["b-depot"] == before["b-depot"]
    assert after_type["a-depot"] == after_trace["a-depot"] + 1
    assert after_type["b-depot"] == after_trace["b-depot"] + 1
    wanted, _last = exchange.wanted_for(Peer.objects.get(node_id="a-depot"))
    assert request.pk in wanted["tracing.TraceRequest"]


def _in_transit(make, site, destination, serials):
    """Weapons ``serials`` received at ``site`` and then dispatched to ``destination`` by a
    posted transfer voucher (its storekeeper prepares, its commander approves). Written while
    the database is the national node's: the journal is signed by its key."""
    from pssm.movements import services
    from pssm.registry import catalogue
    from pssm.registry.models import WeaponType

    rack = make.location(make.building(site, code="ARM01", kind="armoury_room"), code="R01")
    keeper = make.user(Role.STOREKEEPER, site)
    commander = make.user(Role.SITE_COMMANDER, site, language="en")
    catalogue.seed(WeaponType)
    ak = WeaponType.objects.get(make="Kalashnikov", model="AKM")

    def post(kind, weapon_type=None, **header):
        voucher = services.voucher_create(actor=keeper, site=site, kind=kind, **header)
        for serial in serials:
            services.voucher_line_add(
                actor=keeper, voucher=voucher, serial=serial, weapon_type=weapon_type
            )
        services.voucher_submit(actor=keeper, voucher=voucher)
        return services.voucher_approve(actor=commander, voucher=voucher)

    post("receipt", ak, reason="acquisition", location=rack)
    return commander, post("transfer", destination=destination)


def test_a_depot_downloads_the_transfer_bundle_of_what_is_on_its_way_to_another_depot(
    client, make, national, two_sites, settings, tmp_path
):
    from pssm.registry.models import Weapon

    authority, node, national_key, seed = national
    nodes.bootstrap(user=authority, site_code=two_sites["b"].code, node_id="b-depot")
    make.site(make.organisation(two_sites["country"], code="ORGC"), code="SITEC")
    commander, dispatch = _in_transit(make, two_sites["a"], two_sites["b"], ["TB-1", "TB-2"])
    _be_depot(settings, tmp_path, two_sites["a"], seed, node.node_id, national_key.public)
    client.force_login(commander)
    page = client.get(reverse("sync:status"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Bundle of a transfer for another depot" in page
    assert '<option value="ML-SITEB">' in page  # a depot node writes it
    assert 'value="ML-SITEC"' not in page and 'value="ML-SITEA"' not in page
    assert "or a transfer bundle the national node countersigned" in page

    plain = client.post(reverse("sync:transfer"), {"site": "ML-SITEB"})
    sealed = client.post(reverse("sync:transfer"), {"site": "ML-SITEB", "encrypt": "1"})

    assert plain.status_code == 200
    assert plain["Content-Disposition"] == 'attachment; filename="a-depot-transfer-ML-SITEB.pssm"'
    header = fmt.read_header(plain.content)
    assert (header["kind"], header["from"], header["to"]) == ("transfer", "a-depot", node.node_id)
    _header, body = fmt.unpack(plain.content, expected_key=chain.public_key(seed))
    assert (body["from_site"], body["site"]) == ("ML-SITEA", "ML-SITEB")
    carried = {record[0] for record in body["rows"]}
    assert {Weapon._meta.db_table, dispatch._meta.db_table} <= carried
    assert _sealed(sealed.content)
    opened = crypt.open_bundle(sealed.content, seed_hex=national_key.seed)
    assert fmt.read_header(opened)["kind"] == "transfer"
    assert Bundle.objects.filter(kind="transfer", direction="out").count() == 2

    for site in ("ML-SITEC", "ML-SITEA", "NOWHERE"):  # checked on the server, not only in the page
        page = client.post(reverse("sync:transfer"), {"site": site}, follow=True)
        assert page.redirect_chain[-1][0] == reverse("sync:status")
        assert '<li class="error">' in page.content.decode()
    assert Bundle.objects.filter(kind="transfer").count() == 2


def test_a_depot_with_nothing_on_its_way_downloads_no_transfer_bundle(
    client, make, national, two_sites, settings, tmp_path
):
    authority, node, national_key, seed = national
    nodes.bootstrap(user=authority, site_code=two_sites["b"].code, node_id="b-depot")
    commander = make.user(Role.SITE_COMMANDER, two_sites["a"], language="en")
    _be_depot(settings, tmp_path, two_sites["a"], seed, node.node_id, national_key.public)
    client.force_login(commander)

    page = client.post(reverse("sync:transfer"), {"site": "ML-SITEB"}, follow=True)

    text = page.content.decode()
    assert page.redirect_chain == [(reverse("sync:status"), 302)]
    assert "Nothing of site ML-SITEA is on its way to ML-SITEB" in text
    assert "No bundle was written." in text
    assert not Bundle.objects.filter(kind="transfer").exists()


def test_the_transfer_and_countersign_pages_are_posted_by_a_signed_in_user(client, make, two_sites):
    for name in ("sync:transfer", "sync:countersign"):
        assert client.post(reverse(name)).status_code == 302  # to the login page
        assert "login" in client.post(reverse(name))["Location"]
    client.force_login(make.user(Role.SITE_COMMANDER, two_sites["a"], language="en"))
    assert client.get(reverse("sync:transfer")).status_code == 405
    assert client.get(reverse("sync:countersign")).status_code == 405


def test_only_who_may_manage_synchronisation_countersigns_at_national(
    client, make, national, two_sites
):
    authority, _node, _key, _seed = national
    commander = make.user(Role.SITE_COMMANDER, two_sites["a"], language="en")
    client.force_login(commander)
    page = client.get(reverse("sync:status"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Countersign a depot's transfer bundle" not in page

    refused = client.post(
        reverse("sync:countersign"), {"bundle": SimpleUploadedFile("t.pssm", b"x" * 10)}
    )

    assert refused.status_code == 403
    client.force_login(authority)
    page = client.get(reverse("sync:status"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Countersign a depot's transfer bundle" in page
    assert "Encrypt to the destination depot" in page
    assert "Bundle of a transfer for another depot" not in page
    assert client.post(reverse("sync:transfer"), {"site": "ML-SITEB"}).status_code == 404


def test_national_refuses_to_countersign_garbage_or_a_transfer_whose_records_it_does_not_hold(
    client, make, national, two_sites, settings, tmp_path
):
    from pssm.journal.models import JournalEntry

    authority, node, national_key, seed = national
    national_file = settings.PSSM_NODE_KEY_FILE
    nodes.bootstrap(user=authority, site_code=two_sites["b"].code, node_id="b-depot")
    commander, _dispatch = _in_transit(make, two_sites["a"], two_sites["b"], ["TC-1"])
    _be_depot(settings, tmp_path, two_sites["a"], seed, node.node_id, national_key.public)
    client.force_login(commander)
    sealed = client.post(reverse("sync:transfer"), {"site": "ML-SITEB", "encrypt": "1"}).content
    _be_national(settings, national_file, node.node_id)
    client.force_login(authority)
    bundles = Bundle.objects.count()
    entries = JournalEntry.objects.filter(kind="sync.countersigned").count()

    for content, said in (
        (b"", "The submitted file is empty."),
        (b"hello", "The file is not a PSSM synchronisation bundle."),
        (b"PSSM-BUNDLE 1\n{}\n" + b"x" * 40, "header is damaged."),
    ):
        page = client.post(
            reverse("sync:countersign"),
            {"bundle": SimpleUploadedFile("t.pssm", content), "encrypt": "1"},
            follow=True,
        )
        assert page.redirect_chain == [(reverse("sync:status"), 302)]
        assert '<li class="error">' in page.content.decode()
        assert said in page.content.decode()
    page = client.post(
        reverse("sync:countersign"), {"bundle": SimpleUploadedFile("t.pssm", sealed)}, follow=True
    )  # opened with national's key, then refused: national never received these records

    text = page.content.decode()
    assert "synchronise that depot first. Nothing was countersigned." in text
    assert Bundle.objects.count() == bundles
    assert JournalEntry.objects.filter(kind="sync.countersigned").count() == entries


def test_the_recent_bundles_are_named_in_the_reader_s_language(client, national):
    authority, node, _key, seed = national
    client.force_login(authority)
    push, _push_id = _push(node.node_id, seed)
    client.post(reverse("sync:import"), {"bundle": SimpleUploadedFile("a.pssm", push)})
    english = client.get(reverse("sync:status")).content.decode()
    assert "<td>depot&#x27;s changes</td>" in english and "<td>applied</td>" in english
    authority.preferred_language = "fr"
    authority.save(update_fields=["preferred_language"])
    client.logout()
    client.force_login(authority)  # the language is the signed-in user's, from sign-in on
    french = client.get(reverse("sync:status")).content.decode()
    assert "<td>modifications du dépôt</td>" in french and "<td>appliqué</td>" in french
    assert "<td>push</td>" not in french and "<td>ack</td>" not in french
