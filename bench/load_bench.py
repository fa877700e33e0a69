# ruff: noqa: E501
"""A bounded load run against gunicorn on the loopback, on the scratch database named by
DATABASE_URL: the demo data loaded, gunicorn started with PSSM_BENCH_LOAD_WORKERS workers,
then CLIENTS clients, each with its own keep-alive connection and API token, for SECONDS
seconds, each request picked in turn from a mix of reads (a storekeeper's serial search,
lists, the sign-in page) and one write in twenty (a voucher draft, created
and cancelled). Prints one row per request kind: requests, errors (any status other than the
expected one, or a failed connection), p50, p95 and p99 in milliseconds, and the total
requests per second. Exits 1 when there was any error.
Usage: DATABASE_URL=... python bench/load_bench.py CLIENTS SECONDS
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pssm(*args: str) -> None:
    subprocess.run([str(BIN / "pssm"), *args], check=True, stdout=subprocess.DEVNULL)  # noqa: S603


class Client(threading.Thread):
    def __init__(self, port, token, site, stop, results, index):
        super().__init__(daemon=True)
        self.port, self.token, self.site, self.stop = port, token, site, stop
        self.results, self.index = results, index
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def request(self, method, path, body=None):
        headers = {"Authorization": f"Token {self.token}", "Accept": "application/json"}
        if body is not None:
            headers["Content-Type"] = "application/json"
            body = json.dumps(body)
        for attempt in range(2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                return response.status, response.read()
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                if attempt:
                    return 0, b""
        return 0, b""

    def timed(self, kind, method, path, expected, body=None):
        start = time.perf_counter()
        status, payload = self.request(method, path, body)
        elapsed = (time.perf_counter() - start) * 1000
        self.results.append((kind, elapsed, status == expected, status))
        return status, payload

    def run(self):
        step = self.index
        mix = [
            ("search", "GET", "/api/v1/weapons/search/?q=AK47-0O1S", 200),
            ("weapon list", "GET", "/api/v1/weapons/?page_size=50", 200),
            ("vouchers", "GET", "/api/v1/vouchers/", 200),
            ("sites", "GET", "/api/v1/sites/", 200),
            ("persons", "GET", "/api/v1/persons/", 200),
            ("sign-in page", "GET", "/accounts/login/", 200),
        ]
        while not self.stop.is_set():
            step += 1
            if step % 20 == 0:
                status, payload = self.timed(
                    "voucher draft",
                    "POST",
                    "/api/v1/vouchers/",
                    201,
                    {"site": self.site, "kind": "issue", "custodian_unit": "charge"},
                )
                if status == 201:
                    pk = json.loads(payload)["id"]
                    self.timed(
                        "voucher cancel",
                        "POST",
                        f"/api/v1/vouchers/{pk}/cancel/",
                        200,
                        {"reason": "load run"},
                    )
                continue
            kind, method, path, expected = mix[step % len(mix)]
            self.timed(kind, method, path, expected)


def main() -> int:
    clients, seconds = int(sys.argv[1]), float(sys.argv[2])
    workers = os.environ.get("PSSM_BENCH_LOAD_WORKERS", "4")
    _pssm("migrate", "-v0", "--noinput")
    _pssm("demo")
    port = _free_port()
    env = dict(os.environ, PSSM_ALLOWED_HOSTS="127.0.0.1,localhost")
    server = subprocess.Popen(  # noqa: S603
        [
            str(BIN / "gunicorn"),
            "pssm.config.wsgi:application",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            workers,
            "--threads",
            "2",
            "--log-level",
            "warning",
            "--timeout",
            "60",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    print("gunicorn did not start")
                    return 1
                time.sleep(0.2)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pssm.config.settings")
        import django

        django.setup()
        from pssm.demo.load import DEMO_PASSWORD

        tokens = []
        for _ in range(clients):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request(
                "POST",
                "/api/v1/auth/token/",
                body=json.dumps({"username": "magasinier", "password": DEMO_PASSWORD}),
                headers={"Content-Type": "application/json"},
            )
            answer = conn.getresponse()
            body = answer.read()
            if answer.status != 200:
                print(f"no token: {answer.status} {body[:200]!r}")
                return 1
            tokens.append(json.loads(body)["token"])
            conn.close()
        stop, results = threading.Event(), []
        threads = [Client(port, tokens[i], "ML-KTI", stop, results, i) for i in range(clients)]
        started = time.perf_counter()
        for t in threads:
            t.start()
        time.sleep(seconds)
        stop.set()
        for t in threads:
            t.join(timeout=60)
        elapsed = time.perf_counter() - started
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    vendor = "postgresql" if os.environ["DATABASE_URL"].startswith("postgres") else "sqlite"
    print(
        f"\n{vendor}: {clients} clients, {seconds:.0f} s, gunicorn {workers} workers × 2 threads, demo data"
    )
    print("| request         | requests | errors |  p50 ms |  p95 ms |  p99 ms |")
    print("|-----------------|----------|--------|---------|---------|---------|")
    kinds = sorted({k for k, *_ in results})
    errors = 0
    for kind in kinds:
        times = sorted(ms for k, ms, _ok, _s in results if k == kind)
        bad = [s for k, _ms, ok, s in results if k == kind and not ok]
        errors += len(bad)
        q = statistics.quantiles(times, n=100) if len(times) > 1 else times * 99
        print(
            f"| {kind:<15} | {len(times):>8,} | {len(bad):>6} | {q[49]:>7.1f} | {q[94]:>7.1f} | {q[98]:>7.1f} |"
        )
        if bad:
            print(f"|   statuses of the errors: {sorted(set(bad))}")
    print(
        f"total: {len(results):,} requests, {len(results) / elapsed:,.0f} requests/s, {errors} errors"
    )
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
