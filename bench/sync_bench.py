# ruff: noqa: E501, S603, S607
"""Synchronisation: a busy depot day carried to the national node (ADR 0014).

A national node on DATABASE_URL (the demo data) makes a depot node of ML-KTI on SQLite; the
depot posts DAY_VOUCHERS vouchers of LINES weapons each (issues, then the returns of the same
weapons). Measured in one run: the bytes of the depot's bundle and of national's
acknowledgement (per line and for the day), the national node's ingest of the bundle
(entries/s), and the time of `pssm sync run` over a loopback link shaped to 250 kbit/s each
way with 300 ms of round-trip latency (a shaping proxy in this process).
"""

from __future__ import annotations

import contextlib
import os
import queue
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

BIN = Path(sys.executable).parent
PSSM = str(BIN / "pssm")
DAY_VOUCHERS = int(os.environ.get("PSSM_BENCH_SYNC_VOUCHERS", "200"))
LINES = int(os.environ.get("PSSM_BENCH_SYNC_LINES", "10"))
RATE_BPS = 250_000 / 8  # bytes per second, each way
ONE_WAY_S = 0.150  # 300 ms round trip
TARGET_S = 60


def _env(home: Path, node: str, url: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PSSM_")}
    env.update(
        PSSM_SECRET_KEY="bench",
        PSSM_HOME=str(home),
        PSSM_NODE_ID=node,
        DATABASE_URL=url,
        PSSM_ALLOWED_HOSTS="127.0.0.1",
    )
    return env


def _run(env, *args) -> str:
    done = subprocess.run([PSSM, *args], env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"pssm {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def _depot_day(vouchers: int, lines: int) -> None:
    """In the depot's process: post the day through the services (issues, then returns)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pssm.config.settings")
    import django

    django.setup()
    from pssm.accounts.models import User
    from pssm.movements import services
    from pssm.registry.models import Person, Weapon
    from pssm.sites.models import Site

    site = Site.objects.get(code="ML-KTI")
    clerk, boss = User.objects.get(username="magasinier"), User.objects.get(username="commandant")
    persons = list(Person.objects.filter(site=site).order_by("pk")[:50])
    weapons = list(
        Weapon.objects.filter(site=site, status="in_store", on_hold=False)
        .order_by("pk")
        .values_list("serial", "location_id")
    )
    batches = [weapons[i * lines : (i + 1) * lines] for i in range(vouchers // 2)]
    assert all(len(b) == lines for b in batches), "not enough weapons in store at ML-KTI"
    from pssm.sites.models import StorageLocation

    for kind in ("issue", "return"):
        for n, batch in enumerate(batches):
            extra = (
                {"custodian": persons[n % len(persons)]}
                if kind == "issue"
                else {"location": StorageLocation.objects.get(pk=batch[0][1])}
            )
            v = services.voucher_create(actor=clerk, site=site, kind=kind, reason="", **extra)
            services.voucher_lines_add(
                actor=clerk,
                voucher=v,
                items=[{"serial": s, "weapon_type": None} for s, _loc in batch],
            )
            services.voucher_submit(actor=clerk, voucher=v)
            services.voucher_approve(actor=boss, voucher=v)


class ShapedLink:
    """A TCP proxy to ``target`` that delays each direction by ONE_WAY_S and caps it at
    RATE_BPS, like a 2G link."""

    def __init__(self, target: int):
        self.target = target
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            client, _addr = self.server.accept()
            upstream = socket.create_connection(("127.0.0.1", self.target))
            for src, dst in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(src, dst), daemon=True).start()

    @staticmethod
    def _pump(src, dst):
        """Read as the data comes; deliver each block when the shaped wire has carried it and
        the latency has passed (a queue between the two, so that latency does not add up)."""
        blocks: queue.Queue = queue.Queue()

        def deliver():
            while (item := blocks.get()) is not None:
                at, data = item
                time.sleep(max(0.0, at - time.monotonic()))  # the link's delay
                try:
                    dst.sendall(data)
                except OSError:
                    break
            with contextlib.suppress(OSError):
                dst.shutdown(socket.SHUT_WR)

        threading.Thread(target=deliver, daemon=True).start()
        free_at = 0.0  # when the shaped wire is free again
        try:
            while data := src.recv(4096):
                free_at = max(free_at, time.monotonic()) + len(data) / RATE_BPS
                blocks.put((free_at + ONE_WAY_S, data))
        except OSError:
            pass
        blocks.put(None)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main() -> int:
    if sys.argv[1:2] == ["--depot-day"]:
        _depot_day(int(sys.argv[2]), int(sys.argv[3]))
        return 0
    home = Path(os.environ["PSSM_HOME"])
    url = os.environ["DATABASE_URL"]
    database = "postgresql" if url.startswith("postgres") else "sqlite"
    nat = _env(home / "national", "ml-national", url)
    dep = _env(home / "depot", "ml-kti-depot", f"sqlite:///{home}/depot.sqlite3")
    for env in (nat, dep):
        Path(env["PSSM_HOME"]).mkdir(parents=True, exist_ok=True)
    _run(nat, "migrate", "-v", "0")
    _run(nat, "demo")
    _run(nat, "node", "init", "--national")
    boot = home / "kti.bootstrap"
    _run(nat, "sync", "bootstrap", "--site", "ML-KTI", "--out", str(boot), "--node", "ml-kti-depot")
    _run(dep, "migrate", "-v", "0")
    _run(dep, "node", "join", str(boot))
    done = subprocess.run(
        [sys.executable, __file__, "--depot-day", str(DAY_VOUCHERS), str(LINES)],
        env=dep,
        check=False,
    )
    if done.returncode:
        return done.returncode
    lines = (DAY_VOUCHERS // 2) * LINES * 2

    # by file: sizes, and national's ingest
    push, ack = home / "day.push", home / "day.ack"
    _run(dep, "sync", "export", "--out", str(push))
    started = time.perf_counter()
    out = _run(nat, "sync", "import", str(push), "--ack-out", str(ack))
    ingest_s = time.perf_counter() - started
    entries = int(re.search(r"applied, (\d+) entries", out).group(1))

    # the same day over a shaped link, from a second depot day (same size)
    done = subprocess.run(
        [sys.executable, __file__, "--depot-day", str(DAY_VOUCHERS), str(LINES)],
        env=dep,
        check=False,
    )
    if done.returncode:
        return done.returncode
    _run(dep, "sync", "import", str(ack))
    port = _free_port()
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "pssm.config.wsgi:application",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            "2",
            "--log-level",
            "warning",
            "--timeout",
            "300",
        ],
        env=nat,
        stdout=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    print("gunicorn did not start")
                    return 1
                time.sleep(0.2)
        link = ShapedLink(port)
        started = time.perf_counter()
        out = _run(
            dep, "sync", "run", "--url", f"http://127.0.0.1:{link.port}", "--chunk-kb", "256"
        )
        link_s = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    sent = int(re.search(r"(\d+) bytes sent", out).group(1))
    got = int(re.search(r"(\d+) bytes received", out).group(1))
    print(
        "| database   | vouchers | lines | entries | push bytes | bytes/line | ack bytes | ingest s | entries/s | shaped link s | target | met |"
    )
    print(
        "|------------|----------|-------|---------|------------|------------|-----------|----------|-----------|---------------|--------|-----|"
    )
    print(
        f"| {database:<10} | {DAY_VOUCHERS:>8} | {lines:>5} | {entries:>7} | {push.stat().st_size:>10,} | {push.stat().st_size / lines:>10.0f} | "
        f"{ack.stat().st_size:>9,} | {ingest_s:>8.1f} | {entries / ingest_s:>9.0f} | {link_s:>13.1f} | < {TARGET_S} s | {'yes' if link_s < TARGET_S else 'NO'} |"
    )
    print(
        f"  (over the shaped link: {sent:,} bytes sent, {got:,} received; 250 kbit/s each way, 300 ms round trip)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
