"""Registry benchmark on the scratch database named by DATABASE_URL.

Generates N weapons over 200 sites (raw batched INSERTs: the dataset is built, not the
services measured), then measures through the real services and API:
- exact and near serial search latency, in-process and through the API (Django test client,
  the whole request stack without the network), p50 and p95;
- posting throughput of single-line issue and return vouchers (approval and posting of
  prepared, submitted vouchers), and the rate of their whole life for comparison;
- the time to post one 1,000-weapon transfer (approval and posting of a prepared voucher).
Usage: DATABASE_URL=... python bench/registry_bench.py N
"""

from __future__ import annotations

import os
import random
import string
import sys
import threading
import time
import uuid

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pssm.config.settings")
os.environ.setdefault("PSSM_SECRET_KEY", "bench-only")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402

from pssm.domain import serials  # noqa: E402
from pssm.movements import services as mv  # noqa: E402
from pssm.movements.models import Voucher  # noqa: E402
from pssm.registry.models import Weapon, WeaponType  # noqa: E402
from pssm.registry.selectors import weapon_search  # noqa: E402
from pssm.sites.models import StorageLocation  # noqa: E402
from skeleton import armouries  # noqa: E402

SITES = 200
ALPHABET = string.ascii_uppercase.replace("O", "").replace("I", "") + string.digits


def pct(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def build(n: int, rng: random.Random):
    base = armouries(SITES)
    org, sites, racks, users = base.org, base.sites, base.racks, base.users
    keeper, commander = users["keeper"], users["commander"]
    wt = WeaponType.objects.get(make="Kalashnikov", model="AKM")
    seen = set()
    w_table = Weapon._meta.db_table
    started = time.perf_counter()
    next_id = 1
    chunk = 20000
    while next_id <= n:
        weapons = []
        for _ in range(min(chunk, n - next_id + 1)):
            while True:
                serial = "".join(rng.choices(ALPHABET, k=rng.randint(7, 10)))
                norm = serials.normalise(serial)
                if norm not in seen:
                    seen.add(norm)
                    break
            s = next_id % SITES
            weapons.append(
                (
                    next_id,
                    uuid.UUID(int=rng.getrandbits(128)).hex,
                    serial,
                    norm,
                    wt.pk,
                    "",
                    "",
                    "",
                    "",
                    "",
                    "{}",
                    org.pk,
                    "in_store",
                    sites[s].pk,
                    racks[s].pk,
                    "",
                    "2026-01-01 00:00:00+00",
                    "2026-01-01 00:00:00+00",
                )
            )
            next_id += 1
        _insert(w_table, weapons)
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{w_table}', 'id'), %s)",  # noqa: S608
                [n],
            )
            cur.execute("ANALYZE")
    else:
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    return {
        "keeper": keeper,
        "commander": commander,
        "sites": sites,
        "racks": racks,
        "build_s": time.perf_counter() - started,
        "serials": sorted(seen),
    }


W_COLUMNS = (
    "id, uuid, serial, serial_norm, weapon_type_id, manufacturer, country_of_manufacture,"
    " import_country, ownership_mark, marking_locations, other_parts, owner_id, status,"
    " site_id, location_id, custodian_unit, created_at, updated_at"
)


def _insert(w_table, weapons):
    """Bulk-load a chunk: COPY on PostgreSQL, batched INSERTs on SQLite."""
    with transaction.atomic(), connection.cursor() as cur:
        if connection.vendor == "postgresql":
            raw = cur.cursor  # the psycopg cursor under Django's wrapper
            with raw.copy(f"COPY {w_table} ({W_COLUMNS}) FROM STDIN") as copy:
                for row in weapons:
                    copy.write_row(row)
            return
        placeholders = ", ".join(["%s"] * 18)
        cur.executemany(
            f"INSERT INTO {w_table} ({W_COLUMNS}) VALUES ({placeholders})",  # noqa: S608
            weapons,
        )


def mutate(norm: str, rng: random.Random) -> str:
    i = rng.randrange(len(norm))
    return norm[:i] + rng.choice("XYZ") + norm[i + 1 :]  # one character wrong


def main(n: int) -> None:
    call_command("migrate", verbosity=0)
    settings.ALLOWED_HOSTS = ["testserver", *settings.ALLOWED_HOSTS]
    rng = random.Random(7)  # noqa: S311
    ctx = build(n, rng)
    keeper, commander = ctx["keeper"], ctx["commander"]
    sample = rng.sample(ctx["serials"], 300)
    timings = {}
    # "exact": a serial in the registry; "near": one character wrong (no better match, so the
    # serials one edit away are looked up); "similar": a serial in the registry with its
    # near matches asked for (near=1), not a target.
    searches = (
        ("exact", sample, False),
        ("near", [mutate(s, rng) for s in sample], False),
        ("similar", sample, True),
    )
    for label, queries, near in searches:
        inproc, api = [], []
        client = Client()
        client.force_login(keeper)
        for q in queries:
            t = time.perf_counter()
            found = weapon_search(user=keeper, query=q, near=near)
            inproc.append((time.perf_counter() - t) * 1000)
            assert found, f"no match for {q}"
            t = time.perf_counter()
            resp = client.get(
                "/api/v1/weapons/search/", {"q": q, **({"near": "1"} if near else {})}
            )
            api.append((time.perf_counter() - t) * 1000)
            assert resp.status_code == 200 and resp.json()
        timings[label] = (inproc, api)
    # Single-line issue and return vouchers, the whole life of each.
    in_store = list(Weapon.objects.filter(status="in_store").values_list("serial", "site_id")[:200])
    by_site = {s.pk: s for s in ctx["sites"]}
    racks = {r.building.site_id: r for r in StorageLocation.objects.select_related("building")}

    def prepare(kind, serial, site_id):
        header = (
            {"custodian_unit": "Section 1"} if kind == "issue" else {"location": racks[site_id]}
        )
        v = mv.voucher_create(actor=keeper, site=by_site[site_id], kind=kind, **header)
        mv.voucher_line_add(actor=keeper, voucher=v, serial=serial)
        mv.voucher_submit(actor=keeper, voucher=v)
        return v

    lifecycle_s = post_s_total = 0.0
    for kind in ("issue", "return"):
        t = time.perf_counter()
        prepared = [prepare(kind, serial, site_id) for serial, site_id in in_store]
        lifecycle_s += time.perf_counter() - t
        t = time.perf_counter()
        for v in prepared:
            mv.voucher_approve(actor=commander, voucher=v)
        elapsed = time.perf_counter() - t
        post_s_total += elapsed
        lifecycle_s += elapsed
    vouchers_per_s = 2 * len(in_store) / post_s_total
    lifecycle_per_s = 2 * len(in_store) / lifecycle_s
    # The same postings by four approvers at once (four connections), as on a national
    # server where several depots' commanders approve at the same moment.
    more = list(
        Weapon.objects.filter(status="in_store")
        .exclude(serial__in=[s for s, _ in in_store])
        .values_list("serial", "site_id")[:400]
    )
    batches = [
        [prepare("issue", serial, site_id) for serial, site_id in more[i::4]] for i in range(4)
    ]

    def approve_all(vouchers):
        try:
            for v in vouchers:
                mv.voucher_approve(actor=commander, voucher=v)
        finally:
            connection.close()

    threads = [threading.Thread(target=approve_all, args=(b,)) for b in batches]
    t = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    parallel_per_s = len(more) / (time.perf_counter() - t)
    # One 1,000-weapon transfer.
    origin = ctx["sites"][1]
    serials_here = list(
        Weapon.objects.filter(site=origin, status="in_store").values_list("serial", flat=True)[
            :1000
        ]
    )
    transfer = mv.voucher_create(
        actor=keeper, site=origin, kind="transfer", destination=ctx["sites"][2]
    )
    t = time.perf_counter()
    mv.voucher_lines_add(
        actor=keeper, voucher=transfer, items=[{"serial": s} for s in serials_here]
    )
    prepare_s = time.perf_counter() - t
    mv.voucher_submit(actor=keeper, voucher=transfer)
    t = time.perf_counter()
    mv.voucher_approve(actor=commander, voucher=transfer)
    post_s = time.perf_counter() - t
    posted = Voucher.objects.filter(state="posted", kind="issue").count()
    assert posted >= len(more), "parallel postings failed"
    vendor = connection.vendor
    print(
        f"\n{vendor}: {Weapon.objects.count():,} weapons over {SITES} sites "
        f"(dataset built in {ctx['build_s']:.0f} s)"
    )
    print("| measure                              | p50 ms | p95 ms | target     | met |")
    print("|--------------------------------------|--------|--------|------------|-----|")
    for label, target in (("exact", 5), ("near", 50), ("similar", None)):
        inproc, api = timings[label]
        for where, values in (("in-process", inproc), ("API", api)):
            p50, p95 = pct(values, 50), pct(values, 95)
            goal = f"p95<={target} ms" if target else "(near=1)"
            met = ("yes" if p95 <= target else "no") if target else ""
            print(
                f"| {label + ' search, ' + where:<36} | {p50:6.2f} | {p95:6.2f} | "
                f"{goal:<10} | {met:<3} |"
            )
    print(
        f"| posting single-line issue/return     | {vouchers_per_s:6.0f}/s        "
        f"| >=100/s    | {'yes' if vouchers_per_s >= 100 else 'no':<3} |"
    )
    print(
        f"| same, four approvers at once          | {parallel_per_s:6.0f}/s        "
        f"| >=100/s    | {'yes' if parallel_per_s >= 100 else 'no':<3} |"
    )
    print(
        f"| (whole life: create+line+submit+post) | {lifecycle_per_s:5.0f}/s        "
        f"|            |     |"
    )
    print(
        f"| post one {len(serials_here):,}-weapon transfer        | {post_s:6.2f} s        "
        f"| <=3 s      | {'yes' if post_s <= 3 else 'no':<3} |"
    )
    print(
        f"| (prepare its {len(serials_here):,} lines, not a target) | {prepare_s:6.2f} s        "
        f"|            |     |"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
