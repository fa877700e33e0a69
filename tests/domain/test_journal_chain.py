"""The journal's canonical encoding and hash chain (pssm.domain.journal), without a database."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pssm.domain.journal import (
    GENESIS_HASH,
    Envelope,
    StoredEntry,
    canonical_json,
    entry_hash,
    verify_chain,
)


def build_chain(payloads):
    entries, prev = [], GENESIS_HASH
    for seq, payload in enumerate(payloads, start=1):
        env = Envelope(
            node_id="n1",
            seq=seq,
            uuid=f"00000000-0000-0000-0000-{seq:012d}",
            recorded_at="2026-11-23T08:00:00.000000Z",
            actor="alice",
            scope_country="ML",
            scope_organisation="ML-GN",
            scope_site="ML-KTI",
            kind="test.kind",
            payload_json=canonical_json(payload),
        )
        digest = entry_hash(prev, env)
        entries.append(StoredEntry(env, prev, digest))
        prev = digest
    return entries


def test_canonical_json_sorts_keys_and_drops_whitespace():
    assert canonical_json({"b": 1, "a": [1, 2]}) == '{"a":[1,2],"b":1}'


def test_canonical_json_writes_decimals_and_utc_datetimes_as_strings():
    at = datetime(2026, 1, 2, 13, 0, tzinfo=timezone(timedelta(hours=1)))

    text = canonical_json({"neq_kg": Decimal("12.500"), "at": at})

    assert text == '{"at":"2026-01-02T12:00:00Z","neq_kg":"12.500"}'


def test_canonical_json_refuses_naive_datetimes_and_nan():
    with pytest.raises(TypeError):
        canonical_json({"at": datetime(2026, 1, 1)})
    with pytest.raises(ValueError):
        canonical_json({"x": float("nan")})


def test_intact_chain_verifies_with_count_and_head():
    chain = build_chain([{"i": i} for i in range(5)])

    result = verify_chain(chain)

    assert result.ok and result.count == 5 and result.head_hash == chain[-1].hash


def test_empty_chain_is_intact():
    result = verify_chain([])

    assert result.ok and result.count == 0 and result.head_hash == GENESIS_HASH


def test_edited_payload_is_reported_at_that_entry():
    chain = build_chain([{"i": i} for i in range(5)])
    edited = replace(chain[2].envelope, payload_json='{"i":99}')
    chain[2] = replace(chain[2], envelope=edited)

    result = verify_chain(chain)

    assert not result.ok and result.bad_seq == 3 and "hash" in result.reason


def test_deleted_entry_is_reported_where_the_gap_is():
    chain = build_chain([{"i": i} for i in range(5)])
    del chain[1]

    result = verify_chain(chain)

    assert not result.ok and result.bad_seq == 3 and "expected" in result.reason


def test_inserted_entry_is_reported():
    chain = build_chain([{"i": i} for i in range(3)])
    forged = build_chain([{"forged": True}])[0]
    forged = replace(forged, envelope=replace(forged.envelope, seq=4))
    chain.append(forged)

    result = verify_chain(chain)

    assert not result.ok and result.bad_seq == 4 and "previous-hash" in result.reason


def test_non_canonical_payload_is_reported():
    chain = build_chain([{"a": 1, "b": 2}])
    env = replace(chain[0].envelope, payload_json='{"b": 2, "a": 1}')
    chain[0] = replace(chain[0], envelope=env)

    assert verify_chain(chain).reason == "payload is not in canonical form"


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


@given(json_values)
def test_canonical_json_is_idempotent(value):
    import json

    once = canonical_json(value)

    assert canonical_json(json.loads(once)) == once


@given(
    st.lists(
        st.dictionaries(st.text(max_size=5), st.integers(), max_size=3), min_size=1, max_size=8
    ),
    st.data(),
)
def test_changing_any_field_of_any_entry_breaks_the_chain(payloads, data):
    chain = build_chain(payloads)
    index = data.draw(st.integers(0, len(chain) - 1))
    field = data.draw(st.sampled_from(["actor", "kind", "scope_site", "recorded_at", "uuid"]))
    env = chain[index].envelope
    chain[index] = replace(
        chain[index], envelope=replace(env, **{field: getattr(env, field) + "x"})
    )

    result = verify_chain(chain)

    assert not result.ok and result.bad_seq == index + 1


def test_hash_depends_on_previous_hash():
    env = build_chain([{}])[0].envelope

    assert entry_hash(GENESIS_HASH, env) != entry_hash("f" * 64, env)


def test_recorded_time_is_part_of_the_hash():
    env = build_chain([{}])[0].envelope
    later = replace(env, recorded_at=datetime(2027, 1, 1, tzinfo=UTC).isoformat())

    assert entry_hash(GENESIS_HASH, env) != entry_hash(GENESIS_HASH, later)
