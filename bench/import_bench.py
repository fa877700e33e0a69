# ruff: noqa: E501
"""Import benchmark on the scratch database named by DATABASE_URL.

Writes a CSV register of N weapon rows (French headers, semicolons), then measures in the same
run: the raw speed of loading the same rows into the weapon table without validation (COPY on
PostgreSQL, executemany in one transaction on SQLite; the rows are removed afterwards), and
``pssm import weapons`` in a child process (rows per second, and the peak memory of that
process plus the largest peak of the processes it ran: the import reads the file in one).
Usage: DATABASE_URL=... python bench/import_bench.py N
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

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pssm.config.settings")
os.environ.setdefault("PSSM_SECRET_KEY", "bench-only")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from pssm.accounts import services as account_services  # noqa: E402
from pssm.accounts.authz import SystemActor  # noqa: E402
from pssm.registry.models import Weapon, WeaponType  # noqa: E402
from pssm.sites import services as site_services  # noqa: E402

TYPES = ["AKM", "AK-47", "Type 56", "G3", "FAL", "MAT-49", "PKM", "Makarov PM"]


def setup():
    actor = SystemActor("system:bench")
    country = site_services.country_create(
        actor=actor, code="BN", name="Benchland", default_language="en"
    )
    org = site_services.organisation_create(
        actor=actor, country=country, code="ARMY", name="Army", kind="army"
    )
    sites = []
    for code in ("IMP", "RAW"):
        site = site_services.site_create(
            actor=actor, organisation=org, code=code, name=code, kind="armoury"
        )
        building = site_services.building_create(
            actor=actor, site=site, code="ARM01", name="Armoury", kind="armoury_room"
        )
        location = site_services.location_create(
            actor=actor, building=building, code="R01", name="Rack", kind="rack"
        )
        sites.append((site, location))
    user = account_services.user_create(
        actor=actor, username="importer", password="bench-password-1"
    )
    account_services.role_grant(
        actor=actor, user=user, role="site_commander", level="site", site=sites[0][0]
    )
    return sites, user


def write_csv(path: Path, n: int) -> None:
    rng = random.Random(5)
    with path.open("w", encoding="utf-8") as fh:
        fh.write(
            "N° de série;Type d'arme;Fabricant;Pays de fabrication;Année de fabrication;Emplacement\n"
        )
        for i in range(n):
            t = TYPES[i % len(TYPES)]
            fh.write(
                f"{t[:2].upper()}-{i:07d}{rng.choice('ABCDEFGHJK')};{t};Arsenal;RU;{1960 + i % 60};R01\n"
            )


# Runs ``pssm import …`` and reports its peak resident memory and the largest peak of the
# processes it started and waited for (the reading process), in kB.
_CHILD = """
import resource, sys
from pssm.cli import main
try:
    code = main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
with open("/proc/self/status") as fh:
    own = next(line for line in fh if line.startswith("VmHWM:")).split()[1]
children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
sys.stderr.write(f"PEAK: {own} {children}\\n")
sys.exit(code or 0)
"""


def raw_load(path: Path, site, location) -> float:
    """The same rows straight into the weapon table, no validation (then removed)."""
    types = {wt.model: wt.pk for wt in WeaponType.objects.all()}
    types.update({"Makarov PM": WeaponType.objects.get(model="PM").pk})
    table = Weapon._meta.db_table
    cols = (
        "uuid, serial, serial_norm, weapon_type_id, manufacturer, country_of_manufacture, year_of_manufacture,"
        " import_country, ownership_mark, marking_locations, other_parts, owner_id, status, site_id,"
        " location_id, custodian_unit, created_at, updated_at"
    )

    def rows():
        with path.open(encoding="utf-8") as fh:
            next(fh)
            for line in fh:
                serial, t, maker, country, year, _loc = line.rstrip("\n").split(";")
                yield (
                    uuid.uuid4().hex,
                    serial,
                    serial.replace("-", ""),
                    types.get(t, types["AKM"]),
                    maker,
                    country,
                    int(year),
                    "",
                    "",
                    "",
                    "{}",
                    site.organisation_id,
                    "in_store",
                    site.pk,
                    location.pk,
                    "",
                    "2026-01-01 00:00:00+00",
                    "2026-01-01 00:00:00+00",
                )

    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cur:
        if connection.vendor == "postgresql":
            with cur.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for row in rows():
                    copy.write_row(row)
        else:
            cur.executemany(
                f"INSERT INTO {table} ({cols}) VALUES ({', '.join(['%s'] * 18)})", rows()
            )  # noqa: S608
    elapsed = time.perf_counter() - started
    with connection.cursor() as cur:
        cur.execute(f"DELETE FROM {table} WHERE site_id = %s", [site.pk])  # noqa: S608
    return elapsed


def main(n: int) -> None:
    call_command("migrate", verbosity=0)
    vendor = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    (site, location), (raw_site, raw_location) = setup()[0]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "register.csv"
        write_csv(path, n)
        size_mb = path.stat().st_size / 1e6
        raw_s = raw_load(path, raw_site, raw_location)
        connection.close()
        started = time.perf_counter()
        done = subprocess.run(
            [
                sys.executable,
                "-c",
                _CHILD,
                "import",
                "weapons",
                str(path),
                "--site",
                site.code,
                "--as",
                "importer",
                "--json",
            ],
            capture_output=True,
            text=True,
            env=dict(os.environ),
            check=False,
        )
        import_s = time.perf_counter() - started
        # The child's own high-water mark: RUSAGE_CHILDREN would also count this process's
        # memory at the moment it started the child (Linux keeps the larger of the two).
        own_kb, children_kb = done.stderr.rsplit("PEAK:", 1)[1].split()[:2]
        own_mb, reader_mb = int(own_kb) / 1024, int(children_kb) / 1024
        peak_mb = own_mb + reader_mb
    if done.returncode not in (0, 1):
        print(done.stderr[-2000:])
        raise SystemExit(done.returncode)
    summary = json.loads(done.stdout)
    rate, raw_rate = n / import_s, n / raw_s
    print(f"\n{vendor}: {n:,} weapon rows, CSV of {size_mb:.0f} MB")
    print("| measure                          | value          | target       | met |")
    print("|----------------------------------|----------------|--------------|-----|")
    print(
        f"| imported / rejected / skipped    | {summary['imported']:,} / {summary['rejected']} / {summary['skipped']} | all imported | {'yes' if summary['imported'] == n else 'no '} |"
    )
    print(
        f"| import (whole command)           | {rate:10,.0f}/s | >=10,000/s   | {'yes' if rate >= 10000 else 'no '} |"
    )
    print(f"| raw load, same rows, no checks   | {raw_rate:10,.0f}/s |              |     |")
    print(
        f"| ratio import / raw               | {rate / raw_rate:14.2f} | >=0.3        | {'yes' if rate / raw_rate >= 0.3 else 'no '} |"
    )
    print(
        f"| peak memory, both processes      | {peak_mb:11.0f} MB | <=500 MB     | {'yes' if peak_mb <= 500 else 'no '} |"
    )
    print(
        f"|   importing / reading process    | {own_mb:5.0f} / {reader_mb:3.0f} MB |              |     |"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
