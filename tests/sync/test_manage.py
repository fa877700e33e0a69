"""The national authority's decisions about depot nodes (pssm.sync.manage): who may take
them, what bad input says, and that each is journaled and leaves the node's state right."""

import pytest

from pssm.domain.access import Role
from pssm.domain.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from pssm.journal.models import JournalEntry
from pssm.sync import manage, nodes
from pssm.sync.models import Fork, Peer, SiteWriter

pytestmark = pytest.mark.django_db


@pytest.fixture
def national(make, two_sites):
    authority = make.user(Role.NATIONAL_AUTHORITY, two_sites["country"])
    nodes.national_init(user=authority)
    _data, peer = nodes.bootstrap(
        user=authority, site_code=two_sites["a"].code, node_id="sitea-depot"
    )
    return authority, peer


def test_a_handover_revokes_the_old_writer_and_enrols_the_new_one(national, two_sites):
    authority, old = national
    data, new = manage.handover(
        user=authority,
        site_code=two_sites["a"].code,
        node_id="sitea-depot-2",
        reason="laptop stolen",
    )
    assert data.startswith(b"PSSM-BUNDLE 1\n")
    old.refresh_from_db()
    assert old.status == Peer.REVOKED and "laptop stolen" in old.status_reason
    assert SiteWriter.objects.get(site=two_sites["a"]).node_id == "sitea-depot-2"
    entry = JournalEntry.objects.filter(kind=manage.HANDED_OVER).get()
    assert '"handed_over_from":"sitea-depot"' in entry.payload.replace(" ", "")
    assert new.public_key != old.public_key


def test_a_handover_needs_a_reason_a_new_name_and_a_site_with_a_writer(national, two_sites):
    authority, _old = national
    before = JournalEntry.objects.count()
    with pytest.raises(ValidationError) as bad:
        manage.handover(user=authority, site_code=two_sites["a"].code, node_id="n-2", reason="  ")
    assert "reason" in bad.value.details
    with pytest.raises(ConflictError):
        manage.handover(
            user=authority, site_code=two_sites["a"].code, node_id="sitea-depot", reason="stolen"
        )
    with pytest.raises(ConflictError):
        manage.handover(
            user=authority, site_code=two_sites["b"].code, node_id="siteb-2", reason="stolen"
        )
    with pytest.raises(NotFoundError):
        manage.handover(user=authority, site_code="NOPE", node_id="nope-2", reason="stolen")
    assert JournalEntry.objects.count() == before
    assert Peer.objects.get(node_id="sitea-depot").status == Peer.ACTIVE


def test_only_the_national_authority_decides(national, make, two_sites):
    _authority, _old = national
    commander = make.user(Role.SITE_COMMANDER, two_sites["a"])
    with pytest.raises(PermissionDeniedError):
        manage.revoke(user=commander, node_id="sitea-depot", reason="laptop stolen")
    with pytest.raises(PermissionDeniedError):
        manage.handover(
            user=commander, site_code=two_sites["a"].code, node_id="x-2", reason="laptop stolen"
        )
    assert Peer.objects.get(node_id="sitea-depot").status == Peer.ACTIVE


def test_revoking_twice_is_refused(national):
    authority, _old = national
    peer = manage.revoke(user=authority, node_id="sitea-depot", reason="key exposed")
    assert peer.status == Peer.REVOKED
    with pytest.raises(ConflictError):
        manage.revoke(user=authority, node_id="sitea-depot", reason="key exposed")
    with pytest.raises(NotFoundError):
        manage.revoke(user=authority, node_id="nobody", reason="key exposed")


def _fork():
    Peer.objects.filter(node_id="sitea-depot").update(status=Peer.QUARANTINED)
    return Fork.objects.create(
        peer="sitea-depot", seq=7, held_hash="a" * 64, received_hash="b" * 64
    )


def test_releasing_a_fork_lifts_the_quarantine(national):
    authority, _old = national
    fork = _fork()
    manage.fork_resolve(
        user=authority, fork_id=fork.pk, decision="release", note="right database restored"
    )
    assert Peer.objects.get(node_id="sitea-depot").status == Peer.ACTIVE
    fork.refresh_from_db()
    assert fork.resolved_by == authority.username and fork.resolution.startswith("release")
    with pytest.raises(ConflictError):
        manage.fork_resolve(user=authority, fork_id=fork.pk, decision="release", note="again!")


def test_a_fork_decision_must_be_known_and_explained(national):
    authority, _old = national
    fork = _fork()
    with pytest.raises(ValidationError) as bad:
        manage.fork_resolve(user=authority, fork_id=fork.pk, decision="merge", note="whatever")
    assert "decision" in bad.value.details
    with pytest.raises(ValidationError):
        manage.fork_resolve(user=authority, fork_id=fork.pk, decision="revoke", note="")
    manage.fork_resolve(user=authority, fork_id=fork.pk, decision="revoke", note="two laptops")
    assert Peer.objects.get(node_id="sitea-depot").status == Peer.REVOKED
