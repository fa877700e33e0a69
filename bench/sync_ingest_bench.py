# ruff: noqa: E501
"""Synchronisation: the national node ingesting ENTRIES journal entries from DEPOTS depot nodes
(ADR 0014), in bundles of BATCH entries per depot, on DATABASE_URL.

Each depot is enrolled as a real national node would enrol it (a site, `bootstrap`); its
entries are a real chain (hashes, a signed head) written by this script with the depot's key
from its bootstrap bundle, so that the national node checks every hash, the head's signature
and the range rules exactly as for a field bundle. Reported: entries ingested per second.
"""

from __future__ import annotations

import json
import os
import sys
import time
import uuid

ENTRIES = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
DEPOTS = int(sys.argv[2]) if len(sys.argv) > 2 else 20
BATCH = int(os.environ.get("PSSM_BENCH_SYNC_BATCH", "25000"))
WEAPON_TYPES = int(os.environ.get("PSSM_BENCH_SYNC_TYPES", "2000"))


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pssm.config.settings")
    os.environ.setdefault("PSSM_NODE_ID", "ml-national")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from pssm.accounts.authz import SystemActor
    from pssm.domain import journal as chain
    from pssm.domain import syncformat as fmt
    from pssm.sites import services as sites
    from pssm.sync import exchange, nodes

    actor = SystemActor("system:bench")
    nodes.national_init(user=actor)
    country = sites.country_create(actor=actor, code="ML", name="Mali", default_language="fr")
    org = sites.organisation_create(
        actor=actor, country=country, code="FAMA", name="FAMa", kind="army"
    )
    depots = []
    for n in range(DEPOTS):
        site = sites.site_create(
            actor=actor,
            organisation=org,
            code=f"D{n:02d}",
            name=f"Dépôt {n}",
            kind="mixed_depot",
        )
        data, peer = nodes.bootstrap(user=actor, site_code=site.code, node_id=f"ml-d{n:02d}-depot")
        _header, body = fmt.unpack(data)
        depots.append([peer.node_id, site.code, body["seed"], 0, chain.GENESIS_HASH])
    national = nodes.this_node().node_id
    per_depot = ENTRIES // DEPOTS
    ingest_s, taken, bytes_total = 0.0, 0, 0
    done = 0
    while done < per_depot:
        size = min(BATCH, per_depot - done)
        for depot in depots:
            node, site, seed, seq, prev = depot
            entries = []
            for _ in range(size):
                seq += 1
                uid = str(uuid.uuid4())
                at = f"2026-11-{1 + seq % 28:02d}T08:{seq % 60:02d}:00.000000Z"
                payload = json.dumps(
                    {"note": f"count {seq}", "site": site}, separators=(",", ":"), sort_keys=True
                )
                digest = chain.hash_v2(
                    prev, node, seq, uid, at, "mag", "ML", "FAMA", site, "bench.note", payload
                )
                entries.append(
                    [
                        seq,
                        uid,
                        at,
                        "mag",
                        "ML",
                        "FAMA",
                        site,
                        "bench.note",
                        payload,
                        prev,
                        digest,
                        2,
                        "",
                        "",
                    ]
                )
                prev = digest
            head = [
                seq,
                prev,
                chain.sign(seed, chain.seal_message(node, seq, prev)),
                chain.key_id(chain.public_key(seed)),
            ]
            header = {
                "id": str(uuid.uuid4()),
                "kind": "push",
                "from": node,
                "to": national,
                "key": chain.public_key(seed),
                "version": fmt.PROTOCOL_VERSION,
                "created": "2026-12-02T00:00:00Z",
                "clock": time.time(),
            }
            body = {
                "entries": entries,
                "head": head,
                "rows": [],
                "change": 0,
                "applied": 0,
                "persons": {},
            }
            data = fmt.pack(header, body, lambda m, s=seed: chain.sign(s, m))
            bytes_total += len(data)
            started = time.perf_counter()
            record, _ack = exchange.ingest(user=actor, data=data)
            ingest_s += time.perf_counter() - started
            taken += record.entries
            depot[3], depot[4] = seq, prev
        done += size
    database = connection.vendor
    print("| database   |   entries | depots | bundle entries | bundle MB | ingest s | entries/s |")
    print("|------------|-----------|--------|----------------|-----------|----------|-----------|")
    print(
        f"| {database:<10} | {taken:>9,} | {DEPOTS:>6} | {BATCH:>14,} | {bytes_total / 1e6:>9.1f} | {ingest_s:>8.1f} | {taken / ingest_s:>9,.0f} |"
    )
    _status_page_cost(actor, database)
    return 0


def _status_page_cost(actor, database) -> None:
    """The national sync page counts, for each depot, what its next acknowledgement would
    carry (exchange.wanted_for): timed with the depots above, first with nothing new for
    them, then after national changed WEAPON_TYPES master-data rows none has acknowledged."""
    from pssm.registry import services as registry
    from pssm.sync import selectors

    def timed():
        started = time.perf_counter()
        state = selectors.status()
        seconds = time.perf_counter() - started
        waiting = sum(p["changes_waiting_out"] for p in state["peers"])
        return seconds, waiting

    rows = [(0, *timed())]
    for n in range(WEAPON_TYPES):
        registry.weapon_type_create(
            actor=actor, category="rifle", make="Bench", model=f"M{n:05d}", calibre="7.62x39mm"
        )
    rows.append((WEAPON_TYPES, *timed()))
    print(f"\nThe national sync page with {DEPOTS} depots, none acknowledging the new rows")
    print("| database   | depots | new master rows | rows waiting (all depots) | page data s |")
    print("|------------|--------|-----------------|---------------------------|-------------|")
    for new, seconds, waiting in rows:
        print(f"| {database:<10} | {DEPOTS:>6} | {new:>15,} | {waiting:>25,} | {seconds:>11.2f} |")


if __name__ == "__main__":
    raise SystemExit(main())
