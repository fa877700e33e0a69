# ruff: noqa: E501, S607
"""The movement engine before and after its unification, measured in one run.

"Before" is commit 6fa7328, the last one with three write paths (the general posting, the
plain-SQL posting of everyday vouchers, the import's writer); "after" is the code of this
checkout. Each version runs in its own process (PYTHONPATH pointing at its sources, checked
out with `git worktree`), on a fresh scratch database of the same kind, with the same dataset
of W weapons over 200 sites and the same vouchers:
- single-line issue and return vouchers approved and posted, per second;
- one 1,000-weapon transfer approved and posted, in seconds.
Printed as one table per database, with the ratio after / before.
Usage: DATABASE_URL=... python bench/engine_bench.py W
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

BEFORE = "6fa7328"
HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SITES = 200


def child(n: int) -> None:
    """Build the dataset and measure, with whichever sources are on the path."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pssm.config.settings")
    os.environ.setdefault("PSSM_SECRET_KEY", "bench-only")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from pssm.domain.serials import normalise
    from pssm.movements import services as mv
    from pssm.registry.models import Weapon, WeaponType

    call_command("migrate", verbosity=0)
    from skeleton import armouries

    base = armouries(SITES)
    org, sites, racks, users = base.org, base.sites, base.racks, base.users
    wt = WeaponType.objects.get(make="Kalashnikov", model="AKM")
    has_uuid = any(f.name == "uuid" for f in Weapon._meta.fields)
    cols = ["id", "serial", "serial_norm", "weapon_type_id", "owner_id", "status", "site_id"]
    cols += ["location_id", "custodian_unit", "other_parts", "created_at", "updated_at"]
    cols += ["manufacturer", "country_of_manufacture", "import_country", "ownership_mark"]
    cols += ["marking_locations", "on_hold"]
    cols += ["uuid"] if has_uuid else []
    rng = random.Random(5)  # noqa: S311
    table = Weapon._meta.db_table
    stamp = "2026-01-01 00:00:00+00"
    for start in range(0, n, 20000):
        rows = []
        for i in range(start, min(n, start + 20000)):
            s = i % SITES
            serial = f"EB{i:08d}"
            row = [i + 1, serial, normalise(serial), wt.pk, org.pk, "in_store", sites[s].pk]
            row += [racks[s].pk, "", "{}", stamp, stamp, "", "", "", "", "", False]
            row += [uuid.UUID(int=rng.getrandbits(128)).hex] if has_uuid else []
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
    keeper, commander = users["keeper"], users["commander"]
    picked = list(Weapon.objects.filter(site=sites[7]).values_list("serial", flat=True)[:200])

    def prepare(kind, serial):
        header = {"custodian_unit": "Section 1"} if kind == "issue" else {"location": racks[7]}
        v = mv.voucher_create(actor=keeper, site=sites[7], kind=kind, **header)
        mv.voucher_line_add(actor=keeper, voucher=v, serial=serial)
        mv.voucher_submit(actor=keeper, voucher=v)
        return v

    post_s = 0.0
    for kind in ("issue", "return"):
        prepared = [prepare(kind, serial) for serial in picked]
        t = time.perf_counter()
        for v in prepared:
            mv.voucher_approve(actor=commander, voucher=v)
        post_s += time.perf_counter() - t
    serials = list(Weapon.objects.filter(site=sites[1]).values_list("serial", flat=True)[:1000])
    transfer = mv.voucher_create(actor=keeper, site=sites[1], kind="transfer", destination=sites[2])
    mv.voucher_lines_add(actor=keeper, voucher=transfer, items=[{"serial": s} for s in serials])
    mv.voucher_submit(actor=keeper, voucher=transfer)
    t = time.perf_counter()
    mv.voucher_approve(actor=commander, voucher=transfer)
    transfer_s = time.perf_counter() - t
    assert Weapon.objects.filter(status="in_transit").count() == len(serials)
    print(
        json.dumps(
            {
                "vendor": connection.vendor,
                "weapons": Weapon.objects.count(),
                "postings_per_s": 2 * len(picked) / post_s,
                "transfer_s": transfer_s,
                "transfer_size": len(serials),
            }
        )
    )


def _fresh_database(url: str, tmp: str, tag: str) -> str:
    if url.startswith("sqlite"):
        return f"sqlite:///{tmp}/engine-{tag}.sqlite3"
    import psycopg

    name = f"pssm_bench_engine_{tag}"
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin.replace("postgres://", "postgresql://"), autocommit=True) as c:
        c.execute(f"DROP DATABASE IF EXISTS {name}")
        c.execute(f"CREATE DATABASE {name}")
    return url.rsplit("/", 1)[0] + "/" + name


def parent(n: int) -> int:
    url = os.environ["DATABASE_URL"]
    with tempfile.TemporaryDirectory() as tmp:
        before_tree = Path(tmp) / "before"
        made = subprocess.run(
            ["git", "-C", str(REPO), "worktree", "add", "--detach", str(before_tree), BEFORE],
            capture_output=True,
            text=True,
            check=False,
        )
        if made.returncode:
            print(f"!!! cannot check out {BEFORE} ({made.stderr.strip()}): engine bench SKIPPED")
            return 0
        try:
            results = {}
            for tag, src in (("before", before_tree / "src"), ("after", REPO / "src")):
                env = dict(
                    os.environ,
                    DATABASE_URL=_fresh_database(url, tmp, tag),
                    PYTHONPATH=str(src),
                    PSSM_HOME=tmp,
                    PSSM_NODE_KEY_FILE=str(Path(tmp) / f"key-{tag}"),
                )
                done = subprocess.run(
                    [sys.executable, __file__, "--child", str(n)],
                    env=env,
                    capture_output=True,
                    text=True,
                    check=False,
                )
                if done.returncode:
                    print(done.stdout, done.stderr)
                    return done.returncode
                results[tag] = json.loads(done.stdout.strip().splitlines()[-1])
        finally:
            subprocess.run(
                ["git", "-C", str(REPO), "worktree", "remove", "--force", str(before_tree)],
                check=False,
                capture_output=True,
            )
    b, a = results["before"], results["after"]
    print(f"\n{a['vendor']}: {a['weapons']:,} weapons over {SITES} sites, before = {BEFORE}")
    print(
        "| measure                         | before     | after      | after/before | target    | met |"
    )
    print(
        "|---------------------------------|------------|------------|--------------|-----------|-----|"
    )
    ok = a["postings_per_s"] >= 100
    print(
        f"| single-line issue/return posted | {b['postings_per_s']:7.0f}/s  | "
        f"{a['postings_per_s']:7.0f}/s  | {a['postings_per_s'] / b['postings_per_s']:12.2f} | "
        f">=100/s   | {'yes' if ok else 'no':<3} |"
    )
    ok = a["transfer_s"] <= 3
    print(
        f"| one {a['transfer_size']:>5,}-weapon transfer       | {b['transfer_s']:8.2f} s | "
        f"{a['transfer_s']:8.2f} s | "
        f"{a['transfer_s'] / b['transfer_s']:12.2f} | <=3 s     | {'yes' if ok else 'no':<3} |"
    )
    return 0


if __name__ == "__main__":
    if sys.argv[1] == "--child":
        child(int(sys.argv[2]))
    else:
        raise SystemExit(parent(int(sys.argv[1])))
