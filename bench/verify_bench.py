"""Journal verification at national scale, on the scratch database named by DATABASE_URL.

Builds W weapons over 200 sites and a journal of E entries as the services write them: one
import entry per 10,000 weapons, then single-line issue and return postings (each weapon
issued, returned, issued… in turn), version-2 hashes, a seal every 1,000 entries and a sealed
head. The rows are written directly (COPY on PostgreSQL, batched INSERTs on SQLite): the
dataset is built, not the services measured; the weapon rows hold the state the journal
describes. Then `pssm journal verify` is timed as the operator runs it: chain, seals, head,
replay of every entry's facts and comparison with the tables.
Usage: DATABASE_URL=... python bench/verify_bench.py WEAPONS ENTRIES
"""

from __future__ import annotations

import os
import random
import resource
import sys
import time
import uuid

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pssm.config.settings")
os.environ.setdefault("PSSM_SECRET_KEY", "bench-only")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from pssm.accounts.authz import SystemActor  # noqa: E402
from pssm.domain import journal as chain  # noqa: E402
from pssm.journal import keys  # noqa: E402
from pssm.journal.models import JournalEntry, JournalHead  # noqa: E402
from pssm.journal.verify import journal_verify  # noqa: E402
from pssm.registry.models import Weapon, WeaponType  # noqa: E402
from skeleton import armouries  # noqa: E402

SITES = 200
IMPORT_CHUNK = 10_000
TARGET_S = 120
E_COLUMNS = (
    "node_id",
    "seq",
    "uuid",
    "recorded_at",
    "actor",
    "scope_country",
    "scope_organisation",
    "scope_site",
    "kind",
    "payload",
    "prev_hash",
    "hash",
    "version",
    "signature",
    "key_id",
)
W_COLUMNS = (
    "id",
    "uuid",
    "serial",
    "serial_norm",
    "weapon_type_id",
    "manufacturer",
    "country_of_manufacture",
    "import_country",
    "ownership_mark",
    "marking_locations",
    "other_parts",
    "owner_id",
    "status",
    "site_id",
    "location_id",
    "custodian_id",
    "custodian_unit",
    "on_hold",
    "created_at",
    "updated_at",
)


def _copy(table, columns, rows):
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            with cur.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cur.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",  # noqa: S608
                rows,
            )


def build(n_weapons: int, n_entries: int):
    base = armouries(SITES)
    org = base.org
    sites = [(site.pk, site.code) for site in base.sites]
    racks = [(rack.pk, rack.code) for rack in base.racks]
    wt = WeaponType.objects.get(make="Kalashnikov", model="AKM")
    key = keys.load()
    node = settings.PSSM_NODE_ID
    head = JournalHead.objects.get(node_id=node)
    seq, prev = head.last_seq, head.last_hash
    rng = random.Random(11)  # noqa: S311
    uuids = [str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in range(n_weapons)]
    serials = [f"BN{i:08d}" for i in range(n_weapons)]
    at = "2026-06-01T08:00:00.000000Z"
    seal_every = settings.PSSM_JOURNAL_SEAL_EVERY
    encode = chain.canonical_json
    rows: list[tuple] = []
    written = 0

    def add(kind, site_code, payload_obj):
        nonlocal seq, prev, rows, written
        seq += 1
        payload = encode(payload_obj)
        entry_uuid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        digest = chain.hash_v2(
            prev, node, seq, entry_uuid, at, "keeper", "BN", "ARMY", site_code, kind, payload
        )
        signature = key_id = None
        if seq % seal_every == 0:
            signature, key_id = key.sign(chain.seal_message(node, seq, digest)), key.id
        rows.append(
            (
                node,
                seq,
                entry_uuid if connection.vendor == "postgresql" else entry_uuid.replace("-", ""),
                at,
                "keeper",
                "BN",
                "ARMY",
                site_code,
                kind,
                payload,
                prev,
                digest,
                2,
                signature,
                key_id,
            )
        )
        prev = digest
        if len(rows) >= 20_000:
            with transaction.atomic():
                _copy(JournalEntry._meta.db_table, E_COLUMNS, rows)
            written += len(rows)
            rows = []

    def holding(i, issued):
        s = i % SITES
        if issued:
            return ["issued", sites[s][1], "", "unit:Section 1", ""]
        return ["in_store", sites[s][1], racks[s][1], "", ""]

    imports = -(-n_weapons // IMPORT_CHUNK)
    for k in range(imports):
        lo, hi = k * IMPORT_CHUNK, min(n_weapons, (k + 1) * IMPORT_CHUNK)
        number = f"S000/2026/I{k:05d}"
        add(
            "import.weapons",
            sites[0][1],
            {
                "job": 1,
                "file": "register.csv",
                "voucher": number,
                "rows": [lo + 2, hi + 1],
                "weapons": [[i + 1, serials[i]] for i in range(lo, hi)],
                "facts": {
                    "ref": ["import", number],
                    "w": [[uuids[i], serials[i], None, holding(i, False)] for i in range(lo, hi)],
                },
            },
        )
    postings = max(0, n_entries - imports)
    issued = [False] * n_weapons
    for k in range(postings):
        i = k % n_weapons
        before, after = holding(i, issued[i]), holding(i, not issued[i])
        kind = "return" if issued[i] else "issue"
        issued[i] = not issued[i]
        site_code = sites[i % SITES][1]
        number = f"{site_code}/2026/{k + 1:07d}"
        line = {
            "serial": serials[i],
            "weapon": i + 1,
            "before": dict(
                zip(("status", "site", "location", "custodian", "destination"), before, strict=True)
            ),
            "after": dict(
                zip(("status", "site", "location", "custodian", "destination"), after, strict=True)
            ),
        }
        add(
            "voucher.posted",
            site_code,
            {
                "number": number,
                "kind": kind,
                "reason": "",
                "site": site_code,
                "location": racks[i % SITES][1] if kind == "return" else "",
                "custodian": "Section 1" if kind == "issue" else "",
                "destination": "",
                "dispatch": "",
                "reverses": "",
                "prepared_by": "keeper",
                "approved_by": "commander",
                "lines": [line],
                "facts": {"ref": ["voucher", number], "w": [[uuids[i], serials[i], before, after]]},
            },
        )
    if rows:
        with transaction.atomic():
            _copy(JournalEntry._meta.db_table, E_COLUMNS, rows)
        written += len(rows)
    JournalHead.objects.filter(node_id=node).update(
        last_seq=seq,
        last_hash=prev,
        signature=key.sign(chain.seal_message(node, seq, prev)),
        key_id=key.id,
    )
    stamp = "2026-01-01 00:00:00+00"
    batch = []
    for i in range(n_weapons):
        s = i % SITES
        batch.append(
            (
                i + 1,
                uuids[i] if connection.vendor == "postgresql" else uuids[i].replace("-", ""),
                serials[i],
                serials[i],
                wt.pk,
                "",
                "",
                "",
                "",
                "",
                "{}",
                org.pk,
                "issued" if issued[i] else "in_store",
                sites[s][0],
                None if issued[i] else racks[s][0],
                None,
                "Section 1" if issued[i] else "",
                False,
                stamp,
                stamp,
            )
        )
        if len(batch) >= 20_000:
            with transaction.atomic():
                _copy(Weapon._meta.db_table, W_COLUMNS, batch)
            batch = []
    if batch:
        with transaction.atomic():
            _copy(Weapon._meta.db_table, W_COLUMNS, batch)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    return JournalEntry.objects.count()


def main(n_weapons: int, n_entries: int) -> None:
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    entries = build(n_weapons, n_entries)
    build_s = time.perf_counter() - started
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    report = journal_verify(user=SystemActor("system:bench"))
    verify_s = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    assert report.ok, [str(p.text) for n in report.nodes for p in n.problems][:5] + [
        str(p.text) for p in report.differences[:5]
    ]
    assert report.weapons == n_weapons
    seals = sum(n.seals for n in report.nodes)
    print(
        f"| {connection.vendor:<10} | {n_weapons:>9,} | {entries:>9,} | {seals:>6,} | "
        f"{verify_s:>8.1f} | {entries / verify_s:>10,.0f} | {peak_mb:>7,.0f} | "
        f"{'<=' + str(TARGET_S) + ' s':<8} | {'yes' if verify_s <= TARGET_S else 'no':<3} |"
        f"  (built in {build_s:.0f} s; {before / 1024:.0f} MB before)"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
