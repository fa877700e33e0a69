"""The facts of a copy (``mirror``): what a node took from another one, in the journal's replay
(pssm.domain.replay). A copy that says what it changes may change a known weapon, but only
from the state the entries before it leave; a copy that does not must agree with them."""

from hypothesis import given
from hypothesis import strategies as st

from pssm.domain.replay import Replay

UUID = "7d0da859-918b-49b9-b0c3-3d8ad73d1061"
IN_TRANSIT = ["in_transit", "ML-KTI", "", "", "ML-SEV"]
RECEIVED = ["in_store", "ML-SEV", "ML-SEV-ARM01-R01", "", ""]


def _dispatched() -> Replay:
    state = Replay()
    state.apply(
        1,
        {
            "ref": ["voucher", "ML-KTI/2026/000001"],
            "w": [[UUID, "015461", None, ["in_store", "ML-KTI", "ML-KTI-ARM01-R01", "", ""]]],
        },
    )
    state.apply(
        2,
        {
            "ref": ["voucher", "ML-KTI/2026/000002"],
            "w": [[UUID, "015461", ["in_store", "ML-KTI", "ML-KTI-ARM01-R01", "", ""], IN_TRANSIT]],
        },
    )
    return state


def test_the_sender_takes_the_receipt_made_at_the_other_end():
    state = _dispatched()
    state.apply(
        3, {"mirror": True, "ref": ["sync", "b1"], "w": [[UUID, "015461", IN_TRANSIT, RECEIVED]]}
    )
    assert state.problems == []
    assert state.weapons[UUID].holding == tuple(RECEIVED)


def test_a_copy_that_changes_a_weapon_without_saying_so_is_a_problem():
    state = _dispatched()
    state.apply(3, {"mirror": True, "ref": ["sync", "b1"], "w": [[UUID, "015461", None, RECEIVED]]})
    assert [p.code for p in state.problems] == ["journal_copy_differs"]


def test_a_copy_that_changes_another_state_than_the_known_one_is_a_problem():
    state = _dispatched()
    wrong = ["in_store", "ML-KTI", "ML-KTI-ARM01-R01", "", ""]
    state.apply(
        3, {"mirror": True, "ref": ["sync", "b1"], "w": [[UUID, "015461", wrong, RECEIVED]]}
    )
    assert [p.code for p in state.problems] == ["journal_inconsistent"]


holdings = st.tuples(
    st.sampled_from(["in_store", "issued", "in_transit", "lost"]),
    st.sampled_from(["ML-KTI", "ML-SEV"]),
    st.sampled_from(["", "ML-KTI-ARM01-R01", "ML-SEV-ARM01-R01"]),
    st.sampled_from(["", "person:SEV-1005"]),
    st.sampled_from(["", "ML-SEV"]),
).map(list)


@given(st.lists(holdings, min_size=1, max_size=8))
def test_copies_that_each_say_what_they_change_chain_without_problems(chain):
    """Any sequence of copies, each naming the state it changes, replays cleanly and ends in
    the last copy's state; the same copies without their ``before`` are flagged as soon as one
    changes the state."""
    state = _dispatched()
    before = IN_TRANSIT
    for seq, after in enumerate(chain, start=3):
        state.apply(
            seq, {"mirror": True, "ref": ["sync", str(seq)], "w": [[UUID, "015461", before, after]]}
        )
        before = after
    assert state.problems == []
    assert state.weapons[UUID].holding == tuple(chain[-1])

    blind = _dispatched()
    before, changes = IN_TRANSIT, 0
    for seq, after in enumerate(chain, start=3):
        blind.apply(
            seq, {"mirror": True, "ref": ["sync", str(seq)], "w": [[UUID, "015461", None, after]]}
        )
        changes += after != before
        before = after
    assert len(blind.problems) == changes
