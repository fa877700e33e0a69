"""Property: whatever vouchers are posted (and refused), the state rebuilt from the journal
alone is the state of the tables (architecture.md §6: replaying the journal rebuilds state)."""

import itertools

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pssm.accounts.authz import SystemActor
from pssm.domain.errors import PssmError
from pssm.journal.verify import journal_verify
from tests.movements.conftest import Armoury

SERIALS = [f"P-{i}" for i in range(6)]
RUNS = itertools.count(1)
steps = st.lists(
    st.tuples(
        st.sampled_from(["issue", "return", "transfer", "receive_transfer", "loss", "repair"]),
        st.lists(st.sampled_from(SERIALS), min_size=1, max_size=3, unique=True),
    ),
    max_size=8,
)


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps)
def test_the_journal_rebuilds_the_tables_after_any_postings(make, plan):
    from pssm.movements import services as mv

    with transaction.atomic():
        n = next(RUNS)
        a = Armoury(make, f"A{n}")
        b = Armoury(make, f"B{n}")
        a.receive(*SERIALS)
        for kind, serials in plan:
            try:
                if kind == "issue":
                    a.post("issue", serials, custodian_unit="Garde")
                elif kind == "return":
                    a.post("return", serials, location=a.rack2)
                elif kind == "transfer":
                    a.post("transfer", serials, destination=b.site)
                elif kind == "loss":
                    a.post("loss", serials, reason="stolen")
                elif kind == "repair":
                    a.post("status_change", serials, reason="under_repair")
                else:
                    sent = a.site.vouchers.filter(kind="transfer", state="posted").last()
                    if sent is None:
                        continue
                    v = mv.voucher_create(
                        actor=b.keeper,
                        site=b.site,
                        kind="transfer_receipt",
                        dispatch=sent,
                        location=b.rack,
                    )
                    for line in sent.lines.all()[:1]:  # one arrives: the rest opens cases
                        mv.voucher_line_add(actor=b.keeper, voucher=v, serial=line.serial)
                    mv.voucher_submit(actor=b.keeper, voucher=v)
                    mv.voucher_approve(actor=b.commander, voucher=v)
            except PssmError:
                pass  # a refused posting changes nothing, in the tables as in the journal
        report = journal_verify(user=SystemActor("system:test"))
        assert report.ok, [str(p.text) for p in report.differences + report.journal_problems]
        transaction.set_rollback(True)
