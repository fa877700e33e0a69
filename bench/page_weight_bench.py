# ruff: noqa: E501
"""Bytes per main page on the demo data, as a 2G link would carry them: the page compressed
as served (GZip middleware) plus, on a first load, every stylesheet, script and icon it links
(compressed by WhiteNoise at collectstatic); on a cached load only the page itself, the
static files having hashed names cached for ten years. Targets (issue 18): at most 40 KB
first load and 10 KB cached for the registry, voucher and count pages."""

from __future__ import annotations

import gzip
import os
import re
import sys
import time

import django

KB = 1024
TARGETS = {
    "registry": (40 * KB, 10 * KB),
    "voucher": (40 * KB, 10 * KB),
    "count": (40 * KB, 10 * KB),
}


def main() -> int:
    os.environ.setdefault("PSSM_SECRET_KEY", "bench")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pssm.config.settings")
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    started = time.monotonic()
    call_command("migrate", "--noinput", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    from pssm.demo import load as demo

    demo.load()
    from pssm.inspections.models import Count
    from pssm.movements.models import Voucher

    transfer = Voucher.objects.filter(kind="transfer").order_by("pk").first()
    count = Count.objects.filter(site__code="ML-KTI").order_by("-pk").first()
    client = Client(HTTP_ACCEPT_ENCODING="gzip, deflate, br", HTTP_HOST="localhost")
    client.post("/accounts/login/", {"username": "autorite", "password": demo.DEMO_PASSWORD})
    pages = [
        ("dashboard", "/"),
        ("registry", "/registry/weapons/"),
        ("registry search", "/registry/weapons/?serial=AK"),
        ("voucher", f"/movements/vouchers/{transfer.pk}/"),
        ("voucher list", "/movements/vouchers/"),
        ("count", f"/inspections/counts/{count.pk}/" if count else "/"),
        ("persons", "/registry/persons/"),
    ]
    vendor = connection.vendor
    print(
        f"Demo data loaded in {time.monotonic() - started:.0f} s ({vendor}); signed in as autorite"
    )
    print(
        "| database   | page            | HTML B | gzip B | static gzip B | first load KB | cached KB | target first/cached | met |"
    )
    print(
        "|------------|-----------------|--------|--------|---------------|---------------|-----------|---------------------|-----|"
    )
    failed = False
    static_seen: dict[str, int] = {}
    for name, url in pages:
        response = client.get(url)
        if response.status_code != 200:
            print(f"!!! {url}: HTTP {response.status_code}")
            return 1
        body = response.content

        html = gzip.decompress(body) if response.get("Content-Encoding") == "gzip" else body
        assets = re.findall(rb'(?:href|src)="(' + settings.STATIC_URL.encode() + rb'[^"]+)"', html)
        static_bytes = 0
        for asset in assets:
            key = asset.decode()
            if key not in static_seen:
                served = client.get(key)
                static_seen[key] = len(b"".join(served.streaming_content))
            static_bytes += static_seen[key]
        first, cached = len(body) + static_bytes, len(body)
        met = "—"
        if name in TARGETS:
            ok = first <= TARGETS[name][0] and cached <= TARGETS[name][1]
            met = "yes" if ok else "NO"
            failed |= not ok
        shown = f"{TARGETS[name][0] // KB} / {TARGETS[name][1] // KB} KB" if name in TARGETS else ""
        print(
            f"| {vendor:<10} | {name:<15} | {len(html):>6} | {len(body):>6} | {static_bytes:>13} "
            f"| {first / KB:>13.1f} | {cached / KB:>9.1f} | {shown:<19} | {met:<3} |"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
