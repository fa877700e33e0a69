"""National reports benchmark on the scratch database named by DATABASE_URL.

Builds N weapons over 50 armouries, each received on a posted voucher in January (rows
written in bulk: the dataset is built, not the services measured), and 1,000 of them issued
on a voucher posted in December, then measures the generation of the figures as the services do it:
- the annual stock report of the year (nothing posted after its end: read from the holding
  projection) and of the first half (the projection with the December issue undone);
- the PoA/ITI and ATT reports of the year, the regional aggregates, the national dashboard.
Usage: DATABASE_URL=... python bench/reports_bench.py N
"""

from __future__ import annotations

import os
import sys
import time
import uuid
from datetime import UTC, date, datetime

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pssm.config.settings")
os.environ.setdefault("PSSM_SECRET_KEY", "bench-only")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from pssm.domain import reporting  # noqa: E402
from pssm.movements.models import Voucher, VoucherLine  # noqa: E402
from pssm.registry.models import Weapon, WeaponType  # noqa: E402
from pssm.reports import figures, selectors  # noqa: E402
from pssm.reports.dashboard import national_dashboard  # noqa: E402
from skeleton import armouries  # noqa: E402

SITES = 50
JANUARY = datetime(2026, 1, 15, 8, tzinfo=UTC)
DECEMBER = datetime(2026, 12, 1, 8, tzinfo=UTC)


def build(n: int):
    base = armouries(SITES)
    keeper = base.users["keeper"]
    types = list(WeaponType.objects.order_by("pk")[:6])
    started = time.perf_counter()
    per_site = n // SITES
    for i, (site, rack) in enumerate(zip(base.sites, base.racks, strict=True)):
        voucher = Voucher.objects.create(
            site=site,
            year=2026,
            seq=1,
            number=f"{site.code}/2026/000001",
            kind="receipt",
            reason="acquisition",
            state="posted",
            location=rack,
            prepared_by=keeper,
            posted_at=JANUARY,
        )
        weapons = [
            Weapon(
                uuid=uuid.UUID(int=i * per_site + k + 1),
                serial=f"{site.code}-{k:07d}",
                serial_norm=f"{site.code}{k:07d}",
                weapon_type=types[k % len(types)],
                owner=base.org,
                status="in_store",
                site=site,
                location=rack,
            )
            for k in range(per_site)
        ]
        Weapon.objects.bulk_create(weapons, batch_size=5000)
        after = {"status": "in_store", "site": site.code, "location": rack.code}
        VoucherLine.objects.bulk_create(
            (VoucherLine(voucher=voucher, weapon=w, serial=w.serial, after=after) for w in weapons),
            batch_size=5000,
        )
    # In December, 1,000 weapons of the first site are issued: the half-year figures undo it.
    site, rack = base.sites[0], base.racks[0]
    issue = Voucher.objects.create(
        site=site,
        year=2026,
        seq=2,
        number=f"{site.code}/2026/000002",
        kind="issue",
        state="posted",
        custodian_unit="Section",
        prepared_by=keeper,
        posted_at=DECEMBER,
    )
    issued = list(Weapon.objects.filter(site=site).order_by("pk")[:1000])
    held = {"status": "in_store", "site": site.code, "location": rack.code}
    out = {"status": "issued", "site": site.code, "custodian": "unit:Section"}
    VoucherLine.objects.bulk_create(
        VoucherLine(voucher=issue, weapon=w, serial=w.serial, before=held, after=out)
        for w in issued
    )
    Weapon.objects.filter(pk__in=[w.pk for w in issued]).update(
        status="issued", location=None, custodian_unit="Section"
    )
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    return base, time.perf_counter() - started


def timed(fn):
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def main(n: int) -> None:
    call_command("migrate", verbosity=0)
    base, build_s = build(n)
    year = reporting.year_period(2026)
    half = reporting.check_period(date(2026, 1, 1), date(2026, 6, 30))
    code = base.country.code
    from pssm.accounts.authz import SystemActor

    actor = SystemActor("system:bench")
    from django.urls import reverse

    reverse("core:dashboard")  # load the URL configuration once, as a running server has
    rows = [
        (
            "stock, year (projection)",
            lambda: figures.compute(kind="stock", country=code, period=year),
        ),
        (
            "stock, first half (undo 1,000)",
            lambda: figures.compute(kind="stock", country=code, period=half),
        ),
        ("PoA/ITI, year", lambda: figures.compute(kind="poa", country=code, period=year)),
        ("ATT, year", lambda: figures.compute(kind="att", country=code, period=year)),
        (
            "regional aggregates, year",
            lambda: selectors.regional_figures(
                country=code, period_start=year.start, period_end=year.end
            ),
        ),
        ("national dashboard", lambda: national_dashboard(user=actor, country=base.country)),
    ]
    check = figures.compute(kind="stock", country=code, period=half)
    total = check["sections"][0]["tables"][0]["total"]
    by_status = {r["key"]: r["value"] for r in check["sections"][1]["tables"][0]["rows"]}
    assert total == n // SITES * SITES and by_status == {"in_store": total}, by_status
    vendor = connection.vendor
    print(f"| {vendor:<10} | weapons {Weapon.objects.count():>9,} | built in {build_s:6.1f} s |")
    print("| database   | figures                        | seconds |")
    print("|------------|--------------------------------|---------|")
    for label, fn in rows:
        print(f"| {vendor:<10} | {label:<30} | {timed(fn):7.2f} |", flush=True)


if __name__ == "__main__":
    main(int(sys.argv[1]))
