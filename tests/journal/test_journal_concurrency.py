"""Concurrent writers keep the per-node sequence gapless (row lock on the node head)."""

import threading

import pytest
from django.db import close_old_connections, connection, transaction

from pssm.accounts.authz import SystemActor
from pssm.journal.models import JournalEntry
from pssm.journal.services import journal_append
from pssm.journal.verify import journal_verify


@pytest.mark.postgres
def test_parallel_appends_from_real_connections_stay_gapless(transactional_db):
    actor = SystemActor("system:test")
    with transaction.atomic():
        journal_append(actor=actor, kind="test.start", payload={})
    workers, per_worker = 6, 15
    barrier = threading.Barrier(workers)
    errors = []

    def work(n):
        try:
            barrier.wait()
            for i in range(per_worker):
                with transaction.atomic():
                    journal_append(actor=actor, kind="test.append", payload={"w": n, "i": i})
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    seqs = list(JournalEntry.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, workers * per_worker + 2))
    assert journal_verify(user=actor).ok


def test_append_outside_a_transaction_is_refused(transactional_db):
    with pytest.raises(RuntimeError):
        journal_append(actor=None, kind="x", payload={})
