"""The synchronisation bundle and the range rules of :mod:`pssm.domain.syncformat`."""

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pssm.domain import journal as chain
from pssm.domain import syncformat as fmt

SEED = "11" * 32
OTHER = "22" * 32
PUBLIC = chain.public_key(SEED)


def _bundle(body=None, **header):
    base = {"id": "b1", "kind": "push", "from": "dep", "to": "nat", "key": PUBLIC}
    return fmt.pack(
        {**base, **header},
        body if body is not None else {"rows": [1, 2, 3]},
        lambda m: chain.sign(SEED, m),
    )


def test_round_trip():
    header, body = fmt.unpack(_bundle({"entries": [[1, "é"]]}), expected_key=PUBLIC)
    assert body == {"entries": [[1, "é"]]}
    assert header["from"] == "dep" and header["version"] == fmt.PROTOCOL_VERSION


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_one_byte_changed_anywhere_is_refused(data):
    raw = bytearray(_bundle({"rows": list(range(50))}))
    at = data.draw(st.integers(0, len(raw) - 1))
    raw[at] ^= data.draw(st.integers(1, 255))
    with pytest.raises(fmt.BundleError):
        fmt.unpack(bytes(raw), expected_key=PUBLIC)


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_a_cut_bundle_is_refused(data):
    raw = _bundle({"rows": list(range(200))})
    cut = data.draw(st.integers(0, len(raw) - 1))
    with pytest.raises(fmt.BundleError):
        fmt.unpack(raw[:cut], expected_key=PUBLIC)


def test_refusals_say_why():
    raw = _bundle()
    with pytest.raises(fmt.BundleError) as err:
        fmt.unpack(raw, expected_key=chain.public_key(OTHER))
    assert err.value.code == "bundle_signature"
    with pytest.raises(fmt.BundleError) as err:
        fmt.unpack(raw[:-5], expected_key=PUBLIC)
    assert err.value.code == "bundle_truncated"
    with pytest.raises(fmt.BundleError) as err:
        fmt.unpack(b"hello", expected_key=PUBLIC)
    assert err.value.code == "bundle_not_bundle"
    with pytest.raises(fmt.BundleError) as err:
        fmt.unpack(fmt.AGE_MAGIC + b"x", expected_key=PUBLIC)
    assert err.value.code == "bundle_encrypted"
    with pytest.raises(fmt.BundleError) as err:
        fmt.unpack(_bundle(version=fmt.PROTOCOL_VERSION + 2), expected_key=PUBLIC)
    assert err.value.code == "bundle_newer"
    assert str(fmt.PROTOCOL_VERSION + 2) in str(err.value)


def test_a_header_signed_by_another_key_is_refused():
    forged = fmt.pack(
        {"id": "b1", "kind": "push", "from": "dep", "to": "nat", "key": PUBLIC},
        {"rows": []},
        lambda m: chain.sign(OTHER, m),
    )
    with pytest.raises(fmt.BundleError) as err:
        fmt.unpack(forged, expected_key=PUBLIC)
    assert err.value.code == "bundle_signature"


# --- plan_range -----------------------------------------------------------------------------


class E:
    def __init__(self, seq, prev, digest):
        self.seq, self.prev_hash, self.hash = seq, prev, digest

    def __repr__(self):
        return f"E({self.seq})"


def make_chain(n, salt="a"):
    out, prev = [], chain.GENESIS_HASH
    for seq in range(1, n + 1):
        digest = hashlib.sha256(f"{salt}{seq}{prev}".encode()).hexdigest()
        out.append(E(seq, prev, digest))
        prev = digest
    return out


def plan(held_chain, head, incoming):
    held = {e.seq: e.hash for e in held_chain[:head]}
    head_hash = held_chain[head - 1].hash if head else chain.GENESIS_HASH
    return fmt.plan_range(head, head_hash, held.get, incoming)


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 30), st.data())
def test_only_the_next_unbroken_range_is_taken(n, data):
    entries = make_chain(n)
    head = data.draw(st.integers(0, n))
    start = data.draw(st.integers(1, n))
    end = data.draw(st.integers(start, n))
    sent = entries[start - 1 : end]
    shuffled = data.draw(st.permutations(sent))
    result = plan(entries, head, shuffled)
    if start > head + 1:
        assert result.gap == (head + 1, start)
        assert not result.apply
    else:
        assert not result.refused
        assert [e.seq for e in result.apply] == list(range(head + 1, end + 1))
        assert result.duplicates == max(0, min(end, head) - start + 1)


@settings(max_examples=100, deadline=None)
@given(st.integers(2, 20), st.data())
def test_another_version_of_a_held_entry_is_a_fork(n, data):
    ours = make_chain(n)
    head = data.draw(st.integers(1, n))
    split = data.draw(st.integers(1, head))
    theirs = ours[: split - 1] + make_chain(n, salt="b")[split - 1 :]
    # their chain diverges at `split`: re-link it so that it is a chain of its own
    prev = theirs[split - 2].hash if split > 1 else chain.GENESIS_HASH
    relinked = theirs[: split - 1]
    for e in theirs[split - 1 :]:
        digest = hashlib.sha256(f"b{e.seq}{prev}".encode()).hexdigest()
        relinked.append(E(e.seq, prev, digest))
        prev = digest
    result = plan(ours, head, relinked)
    assert result.fork is not None and result.fork[0] <= head
    assert not result.apply


def test_a_new_entry_that_does_not_follow_the_head_is_a_fork():
    ours = make_chain(5)
    other = make_chain(6, salt="z")
    result = plan(ours, 5, [E(6, other[4].hash, other[5].hash)])
    assert result.fork == (5, ours[4].hash, other[4].hash)


def test_a_broken_link_inside_the_bundle_is_refused():
    entries = make_chain(6)
    entries[4] = E(5, "f" * 64, entries[4].hash)
    result = plan(entries, 2, entries[2:])
    assert result.broken == 5


def test_clock_skew_is_flagged_only_beyond_a_day():
    assert fmt.clock_skew(1000.0, 1000.0 + 3600) is None
    year = 365 * 86400.0
    assert fmt.clock_skew(1000.0 - year, 1000.0) == -year
