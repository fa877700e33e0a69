# ruff: noqa: E501
"""A 1,000-weapon transfer end to end through the REST API, as a depot would do it: the
sender's storekeeper creates the voucher and adds the serials in batches (one request per
batch of 250), submits it, the commander approves it (dispatched); the receiver's storekeeper
opens the receipt and scans the serials one request each, submits it, and the commander
approves it (posted). Every request goes through the whole stack in process (Django's test
client: URL routing, knox token authentication, the views, the services, the database),
without a network. The registry holds W weapons over 20 sites.

Target (issue 18): under 15 s end to end on PostgreSQL at 100,000 weapons. Also printed:
the cost of one receipt scan early and late in the voucher (it must not grow with the
voucher: the old receipt scan walked every line of the voucher for each serial).
Usage: DATABASE_URL=... python bench/transfer_bench.py W
"""

from __future__ import annotations

import os
import random
import sys
import time
import uuid

SITES = 20
TRANSFER = 1000
BATCH = 250
TARGET_S = 15.0


def build(n: int):
    from django.core.management import call_command
    from django.db import connection, transaction

    from pssm.domain.serials import normalise
    from pssm.registry.models import Weapon, WeaponType

    call_command("migrate", verbosity=0)
    from skeleton import armouries

    base = armouries(SITES)
    wt = WeaponType.objects.get(make="Kalashnikov", model="AKM")
    cols = ["id", "serial", "serial_norm", "weapon_type_id", "owner_id", "status", "site_id"]
    cols += ["location_id", "custodian_unit", "other_parts", "created_at", "updated_at"]
    cols += ["manufacturer", "country_of_manufacture", "import_country", "ownership_mark"]
    cols += ["marking_locations", "on_hold", "uuid"]
    rng = random.Random(18)  # noqa: S311
    table = Weapon._meta.db_table
    stamp = "2026-01-01 00:00:00+00"
    for start in range(0, n, 20000):
        rows = []
        for i in range(start, min(n, start + 20000)):
            s = i % SITES
            serial = f"TB{i:08d}"
            row = [i + 1, serial, normalise(serial), wt.pk, base.org.pk, "in_store"]
            row += [base.sites[s].pk, base.racks[s].pk, "", "{}", stamp, stamp, "", "", "", ""]
            row += ["", False, uuid.UUID(int=rng.getrandbits(128)).hex]
            rows.append(row)
        with transaction.atomic(), connection.cursor() as cur:
            if connection.vendor == "postgresql":
                with cur.cursor.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(cols))
                cur.executemany(
                    f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({marks})",  # noqa: S608
                    rows,
                )
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), %s)", [n])  # noqa: S608
        cur.execute("ANALYZE")
    return base


def client_for(user):
    from knox.models import AuthToken
    from rest_framework.test import APIClient

    client = APIClient(HTTP_HOST="localhost")
    client.credentials(HTTP_AUTHORIZATION=f"Token {AuthToken.objects.create(user=user)[1]}")
    return client


def ok(response, status=(200, 201)):
    if response.status_code not in status:
        raise SystemExit(f"unexpected answer {response.status_code}: {response.content[:400]!r}")
    return response.json()


def transfer(base, sender, receiver, rack, keeper, commander, scan_batch: int):
    """One 1,000-weapon transfer from ``sender`` to ``receiver``; the receipt is scanned
    ``scan_batch`` serials per request. Returns (seconds per step, total, median ms per
    request of the first and of the last 100 scans)."""
    from pssm.registry.models import Weapon

    serials = list(
        Weapon.objects.filter(site=sender)
        .order_by("id")
        .values_list("serial", flat=True)[:TRANSFER]
    )
    steps = {}
    start = t = time.perf_counter()
    voucher = ok(
        keeper.post(
            "/api/v1/vouchers/",
            {"site": sender.code, "kind": "transfer", "destination": receiver.code},
            format="json",
        )
    )
    for i in range(0, len(serials), BATCH):
        ok(
            keeper.post(
                f"/api/v1/vouchers/{voucher['id']}/lines/",
                [{"serial": s} for s in serials[i : i + BATCH]],
                format="json",
            )
        )
    steps["lines"] = time.perf_counter() - t
    t = time.perf_counter()
    ok(keeper.post(f"/api/v1/vouchers/{voucher['id']}/submit/"))
    ok(commander.post(f"/api/v1/vouchers/{voucher['id']}/approve/"))
    steps["dispatch"] = time.perf_counter() - t
    t = time.perf_counter()
    receipt = ok(
        keeper.post(
            "/api/v1/vouchers/",
            {
                "site": receiver.code,
                "kind": "transfer_receipt",
                "dispatch": voucher["id"],
                "location": rack.code,
            },
            format="json",
        )
    )
    scan_ms = []
    for i in range(0, len(serials), scan_batch):
        body = (
            {"serial": serials[i]}
            if scan_batch == 1
            else [{"serial": s} for s in serials[i : i + scan_batch]]
        )
        s = time.perf_counter()
        ok(keeper.post(f"/api/v1/vouchers/{receipt['id']}/lines/", body, format="json"))
        scan_ms.append((time.perf_counter() - s) * 1000)
    steps["scans"] = time.perf_counter() - t
    t = time.perf_counter()
    ok(keeper.post(f"/api/v1/vouchers/{receipt['id']}/submit/"))
    posted = ok(commander.post(f"/api/v1/vouchers/{receipt['id']}/approve/"))
    steps["receipt"] = time.perf_counter() - t
    total = time.perf_counter() - start
    assert posted["state"] == "posted"
    arrived = Weapon.objects.filter(site=receiver, serial__in=serials, status="in_store").count()
    assert arrived == len(serials), arrived
    assert not Weapon.objects.filter(status="in_transit").exists()
    first, last = scan_ms[:100], scan_ms[-100:]
    return steps, total, sorted(first)[len(first) // 2], sorted(last)[len(last) // 2]


def main(n: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pssm.config.settings")
    os.environ.setdefault("PSSM_SECRET_KEY", "bench-only")
    import django

    django.setup()
    from django.db import connection

    from pssm.registry.models import Weapon

    base = build(n)
    keeper, commander = client_for(base.users["keeper"]), client_for(base.users["commander"])
    for sender, receiver, scan_batch in ((1, 2, 1), (3, 4, BATCH)):
        steps, total, first, last = transfer(
            base,
            base.sites[sender],
            base.sites[receiver],
            base.racks[receiver],
            keeper,
            commander,
            scan_batch,
        )
        met = "yes" if total < TARGET_S else "NO"
        print(
            f"| {connection.vendor:<10} | {Weapon.objects.count():>9,} | {scan_batch:>13} | "
            + " | ".join(f"{steps[k]:>7.2f}" for k in ("lines", "dispatch", "scans", "receipt"))
            + f" | {total:>7.2f} | {first:>8.1f} | {last:>7.1f} | < {TARGET_S:.0f} s | {met:<3} |",
            flush=True,
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100000)
