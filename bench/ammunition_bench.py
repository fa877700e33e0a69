"""Explosives-safety benchmark on the scratch database named by DATABASE_URL.

Builds one ammunition depot with 300 licensed explosive storehouses on a 60 m grid and 100
exposed sites around it (through the real services), stocks every storehouse, then measures:
- the QD report of the depot (every PES–ES pair: 300 × 399), read from the database and
  computed, p50 and max over repeated runs;
- posting a 50-line ammunition receipt (10 storehouses, 5 new lots each) with every check
  (lot conditions, balances, compatibility, licence, QD against all 399 exposed sites of
  each receiving storehouse): the approval call, p50 and max.
Usage: DATABASE_URL=... python bench/ammunition_bench.py
"""

from __future__ import annotations

import os
import sys
import time
from datetime import date
from decimal import Decimal

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pssm.config.settings")
os.environ.setdefault("PSSM_SECRET_KEY", "bench-only")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402

from pssm.accounts import services as account_services  # noqa: E402
from pssm.accounts.authz import SystemActor  # noqa: E402
from pssm.ammunition import services as ammo  # noqa: E402
from pssm.ammunition.models import Nature  # noqa: E402
from pssm.ammunition.safety import site_report  # noqa: E402
from pssm.movements import services as mv  # noqa: E402
from pssm.sites import services as site_services  # noqa: E402

BUILDINGS, EXPOSED, RUNS = 300, 100, 5
NATURES = ["CTG-762X39-BALL", "MORT-82-HE", "RKT-PG7V", "CHG-DEMO-TNT-400", "MORT-60-HE"]


def build():
    actor = SystemActor("system:bench")
    country = site_services.country_create(
        actor=actor, code="BN", name="Benchland", default_language="en"
    )
    org = site_services.organisation_create(
        actor=actor, country=country, code="ARMY", name="Army", kind="army"
    )
    site = site_services.site_create(
        actor=actor, organisation=org, code="DEPOT", name="Depot", kind="ammunition_depot"
    )
    users = {}
    for role in ("storekeeper", "site_commander"):
        user = account_services.user_create(actor=actor, username=role, password="bench-password-1")
        account_services.role_grant(actor=actor, user=user, role=role, level="site", site=site)
        users[role] = user
    locations = []
    for i in range(BUILDINGS):
        b = site_services.building_create(
            actor=actor,
            site=site,
            code=f"E{i:03d}",
            name=f"Storehouse {i}",
            kind="explosive_storehouse",
            storehouse_type="earth_covered_magazine",
            plan_x_m=Decimal((i % 20) * 60),
            plan_y_m=Decimal((i // 20) * 60),
        )
        locations.append(
            site_services.location_create(
                actor=actor, building=b, code="S1", name="S1", kind="stack"
            )
        )
        ammo.licence_issue(
            actor=actor,
            building=b,
            number=f"L-{i:03d}",
            limits_kg={"1.1": "100000", "1.2": "100000", "1.4": "1000000"},
            permitted_groups="CDEGS",
            issued_date=date(2026, 1, 1),
            review_date=date(2027, 1, 1),
            authority="Bench",
        )
    kinds = ["inhabited_building", "vulnerable_building", "public_traffic_route", "site_boundary"]
    for j in range(EXPOSED):
        angle_x = 3000 + (j % 10) * 100
        ammo.exposed_site_create(
            actor=actor,
            site=site,
            code=f"X{j:03d}",
            name=f"Exposed {j}",
            relationship=kinds[j % len(kinds)],
            plan_x_m=Decimal(angle_x),
            plan_y_m=Decimal((j // 10) * 150),
        )
    return site, users, locations


def receipt(site, users, lines):
    keeper, commander = users["storekeeper"], users["site_commander"]
    v = mv.voucher_create(
        actor=keeper, site=site, kind="receipt", reason="acquisition", location=lines[0][3]
    )
    natures = {n.code: n for n in Nature.objects.filter(code__in=NATURES)}
    for lot, nature, qty, location in lines:
        mv.voucher_lot_line_add(
            actor=keeper,
            voucher=v,
            lot_number=lot,
            quantity=qty,
            nature=natures[nature],
            location=location,
        )
    v = mv.voucher_submit(actor=keeper, voucher=v)
    started = time.perf_counter()
    mv.voucher_approve(actor=commander, voucher=v)
    return time.perf_counter() - started


def main() -> None:
    call_command("migrate", verbosity=0)
    vendor = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    started = time.perf_counter()
    site, users, locations = build()
    stock = [(f"S{i:03d}", NATURES[i % 2], 200, loc) for i, loc in enumerate(locations)]
    for start in range(0, len(stock), 50):
        receipt(site, users, stock[start : start + 50])
    built = time.perf_counter() - started
    report_times = []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        report = site_report(site)
        report_times.append(time.perf_counter() - t0)
    post_times = []
    for run in range(RUNS):
        lines = [
            (f"R{run}-{b}-{k}", NATURES[k % 2], 50, locations[(run * 10 + b) * 3])
            for b in range(10)
            for k in range(5)
        ]
        post_times.append(receipt(site, users, lines))
    report_times.sort()
    post_times.sort()
    print(
        f"\n{vendor}: {BUILDINGS} storehouses, {EXPOSED} exposed sites, "
        f"{report['pairs']:,} PES–ES pairs (built and stocked in {built:.0f} s)"
    )
    print("| measure                                   | p50 s  | max s  | target  | met |")
    print("|-------------------------------------------|--------|--------|---------|-----|")
    rp50, rmax = report_times[len(report_times) // 2], report_times[-1]
    pp50, pmax = post_times[len(post_times) // 2], post_times[-1]
    print(
        f"| QD report of the depot                    | {rp50:6.3f} | {rmax:6.3f} | <=1 s   "
        f"| {'yes' if rmax <= 1 else 'no '} |"
    )
    print(
        f"| post a 50-line ammunition voucher         | {pp50:6.3f} | {pmax:6.3f} | <=0.5 s "
        f"| {'yes' if pmax <= 0.5 else 'no '} |"
    )


if __name__ == "__main__":
    main()
    sys.exit(0)
