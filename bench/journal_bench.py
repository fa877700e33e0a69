"""Journal benchmark on the database named by DATABASE_URL (a scratch database).

Measures the append rate of single-entry write transactions (what every write service pays)
and the verification rate of `pssm journal verify`. Prints one table row.
Usage: DATABASE_URL=... python bench/journal_bench.py N
"""

from __future__ import annotations

import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pssm.config.settings")
os.environ.setdefault("PSSM_SECRET_KEY", "bench-only")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from pssm.accounts.authz import SystemActor  # noqa: E402
from pssm.journal.services import journal_append  # noqa: E402
from pssm.journal.verify import journal_verify  # noqa: E402


def main(n: int) -> None:
    call_command("migrate", verbosity=0)
    actor = SystemActor("system:bench")
    payload = {
        "serial": "AK-47-123456",
        "from": "ML-KTI-ARM01-R01",
        "to": "custody:1234",
        "voucher": "ML-KTI/2026/000123",
    }
    started = time.perf_counter()
    for i in range(n):
        with transaction.atomic():
            journal_append(actor=actor, kind="bench.append", payload=dict(payload, i=i), scope=None)
    append_s = time.perf_counter() - started
    started = time.perf_counter()
    report = journal_verify(user=actor)
    verify_s = time.perf_counter() - started
    total = sum(node.count for node in report.nodes)
    assert report.ok, "chain broken during benchmark"
    print(
        f"| {connection.vendor:<10} | {n:>9,} | {n / append_s:>12,.0f} | "
        f"{total:>13,} | {total / verify_s:>12,.0f} | {verify_s:>8.2f} |"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20000)
