"""The national node's network endpoints (pssm.sync.transport): every request is signed by an
enrolled depot's key; chunks are taken only at the offset held; bad parameters are named."""

import hashlib
import uuid

import pytest

from pssm.domain import journal as chain
from pssm.domain import syncformat as fmt
from pssm.domain.access import Role
from pssm.sync import manage, nodes

pytestmark = pytest.mark.django_db
SEED = "11" * 32


@pytest.fixture
def depot(make, two_sites, settings, tmp_path):
    settings.PSSM_SYNC_DIR = tmp_path / "sync"
    authority = make.user(Role.NATIONAL_AUTHORITY, two_sites["country"])
    nodes.national_init(user=authority)
    _data, peer = nodes.bootstrap(user=authority, site_code=two_sites["a"].code, node_id="a-depot")
    peer.public_key = chain.public_key(SEED)
    peer.save(update_fields=["public_key"])
    return authority, peer


def _call(client, method, bundle, action, body=b"", offset=0, seed=SEED, node="a-depot", path=""):
    digest = hashlib.sha256(body).hexdigest()
    signature = chain.sign(seed, fmt.request_message(node, action, bundle, offset, digest))
    url = f"/sync/api/bundles/{bundle}/{path}?offset={offset}"
    headers = {"HTTP_X_PSSM_NODE": node, "HTTP_X_PSSM_SIGNATURE": signature}
    if method == "POST":
        return client.post(url, body, content_type="application/octet-stream", **headers)
    return client.get(url, **headers)


def test_chunks_are_taken_in_order_and_a_repeated_chunk_changes_nothing(client, depot, settings):
    bundle = str(uuid.uuid4())
    assert _call(client, "GET", bundle, "status").json() == {"received": 0, "taken": False}
    assert _call(client, "POST", bundle, "chunk", b"abcd").json() == {"received": 4}
    again = _call(client, "POST", bundle, "chunk", b"abcd")  # the answer was lost: sent again
    assert again.status_code == 409 and again.json() == {"received": 4}
    ahead = _call(client, "POST", bundle, "chunk", b"zz", offset=9)
    assert ahead.status_code == 409 and ahead.json() == {"received": 4}
    assert _call(client, "POST", bundle, "chunk", b"ef", offset=4).json() == {"received": 6}
    part = settings.PSSM_SYNC_DIR / "in" / "a-depot" / f"{bundle}.part"
    assert part.read_bytes() == b"abcdef"


def test_a_request_signed_by_another_key_or_node_is_refused(client, depot):
    bundle = str(uuid.uuid4())
    wrong = _call(client, "POST", bundle, "chunk", b"abcd", seed="22" * 32)
    assert wrong.status_code == 403 and wrong.json()["code"] == "signature"
    unknown = _call(client, "GET", bundle, "status", node="b-depot")
    assert unknown.status_code == 403
    # a signature for one action does not serve another
    digest = hashlib.sha256(b"").hexdigest()
    signature = chain.sign(SEED, fmt.request_message("a-depot", "status", bundle, 0, digest))
    response = client.post(
        f"/sync/api/bundles/{bundle}/complete/",
        b"",
        content_type="application/octet-stream",
        HTTP_X_PSSM_NODE="a-depot",
        HTTP_X_PSSM_SIGNATURE=signature,
    )
    assert response.status_code == 403


def test_a_revoked_node_is_refused(client, depot):
    authority, _peer = depot
    manage.revoke(user=authority, node_id="a-depot", reason="laptop stolen")
    response = _call(client, "GET", str(uuid.uuid4()), "status")
    assert response.status_code == 403 and response.json()["code"] == "revoked"


def test_bad_parameters_are_named_and_a_damaged_bundle_is_refused_whole(client, depot, settings):
    assert _call(client, "GET", "not-a-bundle-id", "status").json()["code"] == "bundle_id"
    bundle = str(uuid.uuid4())
    bad = client.get(f"/sync/api/bundles/{bundle}/?offset=-3")
    assert bad.status_code == 400 and bad.json()["code"] == "offset"
    _call(client, "POST", bundle, "chunk", b"PSSM-BUNDLE 1\n{not json")
    done = _call(client, "POST", bundle, "complete", path="complete/")
    assert done.status_code == 422 and done.json()["code"].startswith("bundle_")
    assert not (settings.PSSM_SYNC_DIR / "in" / "a-depot" / f"{bundle}.part").exists()
    missing = _call(client, "GET", bundle, "ack", path="ack/")
    assert missing.status_code == 404
