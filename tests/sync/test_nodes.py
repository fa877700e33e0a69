"""A national node and two depot nodes as separate processes with their own databases,
synchronised by bundle files (issue: depots offline for weeks). The national node runs on
PostgreSQL in the PostgreSQL pass of the suite, on SQLite otherwise; depots on SQLite.

After each step, `pssm journal verify` passes on every node, and the national registry holds
each depot's weapons as the depot holds them."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

pytestmark = pytest.mark.nodes

PSSM = str(Path(sys.executable).with_name("pssm"))
PASSWORD = "pssm-demo-2026"  # noqa: S105 - the demo's published password


class Node:
    def __init__(self, name: str, home: Path, database: str):
        self.name, self.home, self.database = name, home, database
        home.mkdir(parents=True, exist_ok=True)

    def env(self):
        env = {k: v for k, v in os.environ.items() if not k.startswith("PSSM_")}
        env.update(
            PSSM_SECRET_KEY="process-test",
            PSSM_HOME=str(self.home),
            PSSM_NODE_ID=self.name,
            DATABASE_URL=self.database,
            PSSM_DEFAULT_LANGUAGE="en",  # the command lines' messages read here are English
        )
        return env

    def run(self, *args, ok=True):
        done = subprocess.run(  # noqa: S603 - our own command
            [PSSM, *args], env=self.env(), capture_output=True, text=True, timeout=600
        )
        if ok and done.returncode != 0:
            raise AssertionError(f"pssm {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done

    def shell(self, code: str):
        out = self.run("shell", "--no-imports", "-c", code).stdout.strip().splitlines()
        return json.loads(out[-1])

    def verify(self):
        done = self.run("journal", "verify", "--json", ok=False)
        report = json.loads(done.stdout)
        assert done.returncode == 0, json.dumps(report, indent=1)[:4000]
        return report

    def weapons(self, site: str) -> dict:
        return self.shell(
            "import json; from pssm.registry.models import Weapon as W; print(json.dumps({"
            "str(w.uuid): [w.serial, w.status, w.location.code if w.location else '', "
            "w.custodian.service_number if w.custodian else '', "
            "w.destination.code if w.destination else ''] "
            f"for w in W.objects.filter(site__code='{site}').select_related("
            "'location', 'custodian', 'destination')}))"
        )


def _sqlite_node(name: str, tmp: Path) -> Node:
    """A node on a fresh SQLite database: a copy of the one database the module migrated
    (migrating takes most of a node's set-up; the copies are the same empty schema)."""
    migrated = tmp / "migrated.sqlite3"
    if not migrated.exists():
        Node("migrated", tmp / "migrated", f"sqlite:///{migrated}").run("migrate", "-v", "0")
    shutil.copy(migrated, tmp / f"{name}.sqlite3")
    return Node(name, tmp / name, f"sqlite:///{tmp}/{name}.sqlite3")


def _national_node(tmp: Path) -> tuple[Node, callable]:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return _sqlite_node("ml-national", tmp), lambda: None
    import psycopg

    name = f"pssm_sync_{uuid.uuid4().hex[:10]}"
    admin = url.rsplit("/", 1)[0] + "/postgres"
    conninfo = admin.replace("postgres://", "postgresql://", 1)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    national = Node("ml-national", tmp / "ml-national", url.rsplit("/", 1)[0] + "/" + name)
    national.run("migrate", "-v", "0")
    return national, drop


@pytest.fixture(scope="module")
def nodes(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("nodes")
    national, drop = _national_node(tmp)
    national.run("demo", "--quiet-logins")
    national.run("node", "init", "--national")
    depots = {}
    for site, name in (("ML-KTI", "ml-kti-depot"), ("ML-SEV", "ml-sev-depot")):
        node = _sqlite_node(name, tmp)
        bundle = tmp / f"{name}.bootstrap"
        national.run("sync", "bootstrap", "--site", site, "--out", str(bundle), "--node", name)
        node.run("node", "join", str(bundle))
        depots[site] = node
    yield national, depots, tmp
    drop()


def sync(national: Node, depot: Node, tmp: Path, tag: str) -> Path:
    """One USB round trip: the depot's push to national, national's ack back."""
    push, ack = tmp / f"{tag}.push", tmp / f"{tag}.ack"
    depot.run("sync", "export", "--out", str(push))
    national.run("sync", "import", str(push), "--ack-out", str(ack))
    depot.run("sync", "import", str(ack))
    return push


def voucher(node: Node, storekeeper: str, *create, serials=(), commander: str = "") -> str:
    """A voucher opened by the storekeeper (``pssm voucher create *create``), given its
    serials, then submitted and approved when a commander is named: the `pssm voucher` steps
    in one process of the node. Returns the voucher's number."""
    steps = [(storekeeper, ["create", *create])]
    if serials:
        steps.append((storekeeper, ["add", "{n}", *serials]))
    if commander:
        steps += [(storekeeper, ["submit", "{n}"]), (commander, ["approve", "{n}"])]
    return node.shell(
        "import io, json; from django.core.management import call_command\n"
        f"number = ''\nfor user, args in {steps!r}:\n"
        "    out = io.StringIO()\n"
        "    args = [a.replace('{n}', number) for a in args]\n"
        "    call_command('voucher', *args, as_user=user, stdout=out)\n"
        "    number = number or out.getvalue().split()[0].rstrip(':')\n"
        "print(json.dumps(number))"
    )


def test_depots_made_from_national_match_it(nodes):
    national, depots, _tmp = nodes
    for site, depot in depots.items():
        depot.verify()
        assert depot.weapons(site) == national.weapons(site)
        assert depot.weapons(site)


def test_a_transfer_with_a_missing_weapon_ends_in_a_case_every_node_sees(nodes):
    national, depots, tmp = nodes
    kti, sev = depots["ML-KTI"], depots["ML-SEV"]
    serials = kti.shell(
        "import json; from pssm.registry.models import Weapon as W; print(json.dumps(list("
        "W.objects.filter(site__code='ML-KTI', status='in_store', on_hold=False)"
        ".order_by('serial').values_list('serial', flat=True)[:3])))"
    )
    dispatch = voucher(
        kti, "magasinier", "ML-KTI", "transfer", "--destination", "ML-SEV",
        serials=serials, commander="commandant",
    )  # fmt: skip
    sync(national, kti, tmp, "kti-1")
    sync(national, sev, tmp, "sev-1")  # Sévaré learns of the incoming transfer
    incoming = sev.weapons("ML-KTI")
    assert sorted(v[0] for v in incoming.values()) == sorted(serials)
    assert {v[1] for v in incoming.values()} == {"in_transit"}

    rack = sev.shell(
        "import json; from pssm.sites.models import StorageLocation as L; print(json.dumps("
        "L.objects.filter(building__site__code='ML-SEV', kind='rack').order_by('code')"
        ".values_list('code', flat=True).first()))"
    )
    receipt = voucher(
        sev, "mag.sev", "ML-SEV", "transfer_receipt", "--dispatch", dispatch, "--location", rack,
        serials=serials[:2], commander="cdt.sev",
    )  # fmt: skip
    sync(national, sev, tmp, "sev-2")
    sync(national, kti, tmp, "kti-2")  # Kati hears of the shortfall

    case_query = (
        "import json; from pssm.movements.models import Discrepancy as D; print(json.dumps("
        "[[d.number, d.weapon.serial if d.weapon else ''] for d in D.objects.filter("
        f"voucher__number='{receipt}')]))"
    )
    seen = [node.shell(case_query) for node in (national, kti, sev)]
    assert seen[0] == seen[1] == seen[2]
    assert [serial for _n, serial in seen[0]] == [serials[2]]
    for site in ("ML-KTI", "ML-SEV"):
        assert national.weapons(site) == depots[site].weapons(site)
    for node in (national, kti, sev):
        node.verify()


def _in_store(node: Node, site: str, n: int, skip=()) -> list[str]:
    serials = node.shell(
        "import json; from pssm.registry.models import Weapon as W; print(json.dumps(list("
        f"W.objects.filter(site__code='{site}', status='in_store', on_hold=False)"
        ".order_by('-serial').values_list('serial', flat=True)[:20])))"
    )
    return [s for s in serials if s not in skip][:n]


def test_a_transfer_carried_depot_to_depot_in_a_bundle_national_countersigns(nodes):
    """Sévaré never reaches national: Kati's convoy carries the bundle national countersigned."""
    national, depots, tmp = nodes
    kti, sev = depots["ML-KTI"], depots["ML-SEV"]
    serials = _in_store(kti, "ML-KTI", 2)
    dispatch = voucher(
        kti, "magasinier", "ML-KTI", "transfer", "--destination", "ML-SEV",
        serials=serials, commander="commandant",
    )  # fmt: skip
    # (a bundle written before national heard of the dispatch is refused: test_courier.py)
    sync(national, kti, tmp, "kti-courier")
    transfer, signed = tmp / "kti.transfer", tmp / "kti-for-sev.countersigned"
    kti.run("sync", "transfer", "--as", "commandant", "--site", "ML-SEV", "--out", str(transfer))
    national.run("sync", "countersign", str(transfer), "--out", str(signed))
    done = kti.run("sync", "import", str(signed), ok=False)  # meant for Sévaré
    assert done.returncode != 0 and "bundle_recipient" in done.stderr

    sev.run("sync", "import", str(signed))
    assert "already applied" in sev.run("sync", "import", str(signed)).stdout
    incoming = {v[0]: v[1] for v in sev.weapons("ML-KTI").values() if v[0] in serials}
    assert incoming == dict.fromkeys(serials, "in_transit")

    rack = sev.shell(
        "import json; from pssm.sites.models import StorageLocation as L; print(json.dumps("
        "L.objects.filter(building__site__code='ML-SEV', kind='rack').order_by('code')"
        ".values_list('code', flat=True).first()))"
    )
    voucher(
        sev, "mag.sev", "ML-SEV", "transfer_receipt", "--dispatch", dispatch, "--location", rack,
        serials=serials, commander="cdt.sev",
    )  # fmt: skip
    # a late copy of the courier's bundle does not undo the receipt
    sev.run("sync", "import", str(signed))
    received = {v[0]: v[1] for v in sev.weapons("ML-SEV").values() if v[0] in serials}
    assert received == dict.fromkeys(serials, "in_store")
    sync(national, sev, tmp, "sev-courier")
    sync(national, kti, tmp, "kti-courier-2")
    for site in ("ML-KTI", "ML-SEV"):
        assert national.weapons(site) == depots[site].weapons(site)
    assert {v[0] for v in national.weapons("ML-SEV").values()} >= set(serials)
    for node in (national, kti, sev):
        node.verify()


def test_the_same_bundle_twice_and_damaged_bundles_change_nothing(nodes):
    national, depots, tmp = nodes
    sev = depots["ML-SEV"]
    push = tmp / "sev-2.push"
    again = national.run("sync", "import", str(push), "--ack-out", str(tmp / "again.ack"))
    assert "already applied" in again.stdout
    before = national.verify()["nodes"]
    raw = bytearray(push.read_bytes())
    raw[len(raw) // 2] ^= 0x01
    (tmp / "changed.push").write_bytes(bytes(raw))
    done = national.run("sync", "import", str(tmp / "changed.push"), ok=False)
    assert done.returncode != 0 and "bundle_tampered" in done.stderr
    (tmp / "cut.push").write_bytes(push.read_bytes()[:-300])
    done = national.run("sync", "import", str(tmp / "cut.push"), ok=False)
    assert done.returncode != 0 and "bundle_truncated" in done.stderr
    done = sev.run("sync", "import", str(push), ok=False)  # meant for national
    assert done.returncode != 0 and "bundle_recipient" in done.stderr
    assert national.verify()["nodes"] == before


def test_bundles_encrypted_to_the_receiving_node_make_the_round_trip(nodes):
    national, depots, tmp = nodes
    kti = depots["ML-KTI"]
    push, ack = tmp / "kti-sealed.push", tmp / "kti-sealed.ack"
    kti.run("sync", "export", "--out", str(push), "--encrypt")
    assert push.read_bytes().startswith(b"age-encryption.org/v1")
    refused = depots["ML-SEV"].run("sync", "import", str(push), ok=False)
    assert refused.returncode != 0 and "bundle_encrypted" in refused.stderr

    national.run("sync", "import", str(push), "--ack-out", str(ack), "--encrypt-ack")
    assert ack.read_bytes().startswith(b"age-encryption.org/v1")
    assert " applied" in kti.run("sync", "import", str(ack)).stdout
    national.verify()
    kti.verify()


def test_a_trace_request_naming_a_depot_weapon_reaches_that_depot_only(nodes):
    national, depots, tmp = nodes
    sev, kti = depots["ML-SEV"], depots["ML-KTI"]
    number = national.shell(
        "import datetime, json; from pssm.tracing import services as t; "
        "from pssm.accounts.models import User; from pssm.sites.models import Country; "
        "from pssm.registry.models import Weapon as W; "
        "w = W.objects.filter(site__code='ML-SEV').order_by('serial').first(); "
        "d = datetime.date.today(); "
        "r = t.trace_request_create(actor=User.objects.get(username='autorite'), "
        "country=Country.objects.get(code='ML'), direction='received', "
        "requester_kind='un_panel', counterpart='Groupe d experts', make=w.weapon_type.make, "
        "model=w.weapon_type.model, serial=w.serial, received_on=d, "
        "deadline=d + datetime.timedelta(days=30)); print(json.dumps(r.number))"
    )
    sync(national, sev, tmp, "trace-sev")
    sync(national, kti, tmp, "trace-kti")

    def held(node):
        return node.shell(
            "import json; from pssm.tracing.models import TraceRequest as T; "
            f"print(json.dumps(list(T.objects.filter(number='{number}')"
            ".values_list('state', flat=True))))"
        )

    assert held(sev) == ["open"] and held(kti) == []
    queue = sev.shell(
        "import json; from pssm.accounts.models import User; "
        "from pssm.dashboard.queue import work_queue; "
        "print(json.dumps([i.title for i in work_queue(User.objects.get(username='mag.sev'))"
        ".get('trace', [])]))"
    )
    assert len(queue) == 1 and number in queue[0]
    sev.verify()
    national.verify()


def _as_sent_by(node: Node, push: Path, out: Path, **header) -> Path:
    """``push`` as the depot would have written it with other header values (a clock a year
    off, a newer program), signed with the depot's own key."""
    from pssm.domain import journal as chain
    from pssm.domain import syncformat as fmt

    old, body = fmt.unpack(push.read_bytes())
    seed = (node.home / "var" / "node-key").read_text(encoding="ascii").strip()
    kept = {k: v for k, v in old.items() if k not in {"signature", "body_sha256", "body_length"}}
    out.write_bytes(fmt.pack({**kept, **header}, body, lambda m: chain.sign(seed, m)))
    return out


def test_a_depot_clock_a_year_off_is_accepted_and_flagged_and_one_two_versions_ahead_refused(
    nodes,
):
    national, depots, tmp = nodes
    kti = depots["ML-KTI"]
    push = tmp / "kti-clock.push"
    kti.run("sync", "export", "--out", str(push))
    ahead = _as_sent_by(kti, push, tmp / "kti-ahead.push", version=3)
    refused = national.run("sync", "import", str(ahead), ok=False)
    assert refused.returncode != 0 and "bundle_newer" in refused.stderr and "3" in refused.stderr
    off = _as_sent_by(kti, push, tmp / "kti-off.push", clock=time.time() - 365 * 24 * 3600)

    national.run("sync", "import", str(off), "--ack-out", str(tmp / "kti-off.ack"))
    kti.run("sync", "import", str(tmp / "kti-off.ack"))

    status = json.loads(national.run("sync", "status", "--json").stdout)
    (peer,) = [p for p in status["peers"] if p["node"] == "ml-kti-depot"]
    assert peer["clock_flagged"] and round(peer["clock_skew_h"]) == 8760
    assert national.weapons("ML-KTI") == kti.weapons("ML-KTI")
    national.verify()
    kti.verify()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def national_server(nodes):
    national = nodes[0]
    port = _free_port()
    env = dict(national.env(), PSSM_ALLOWED_HOSTS="127.0.0.1")
    server = subprocess.Popen(  # noqa: S603 - our own server
        [str(Path(PSSM).with_name("gunicorn")), "pssm.config.wsgi:application",
         "-b", f"127.0.0.1:{port}", "-w", "2", "--log-level", "warning"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            assert server.poll() is None and time.monotonic() < deadline, "no national server"
            time.sleep(0.1)  # waiting for the server to listen, not for a timing
    yield f"http://127.0.0.1:{port}"
    server.terminate()
    server.wait(timeout=30)


def test_a_sync_over_the_network_killed_mid_way_resumes_where_it_stopped(nodes, national_server):
    national, depots, tmp = nodes
    sev = depots["ML-SEV"]
    serials = sev.shell(
        "import json; from pssm.registry.models import Weapon as W; print(json.dumps(list("
        "W.objects.filter(site__code='ML-SEV', status='in_store', on_hold=False)"
        ".order_by('-serial').values_list('serial', flat=True)[:3])))"
    )
    issue = voucher(
        sev, "mag.sev", "ML-SEV", "issue", "--person", "SEV-1004",
        serials=serials, commander="cdt.sev",
    )  # fmt: skip

    parts = national.home / "var" / "sync" / "in" / "ml-sev-depot"
    outbox = sev.home / "var" / "sync" / "outbox"
    command = [PSSM, "sync", "run", "--url", national_server, "--chunk-kb", "0.25"]
    client = subprocess.Popen(
        command, env=sev.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )  # noqa: S603
    while not (parts.exists() and any(p.stat().st_size > 0 for p in parts.glob("*.part"))):
        assert client.poll() is None, client.communicate()
        time.sleep(0.01)  # a polling interval while the upload starts
    client.send_signal(signal.SIGKILL)
    client.wait(timeout=60)
    assert client.returncode == -signal.SIGKILL
    (waiting,) = outbox.glob("*.pssm")
    (part,) = parts.glob("*.part")
    assert part.name.removesuffix(".part") == waiting.stem
    size = waiting.stat().st_size
    assert 0 < part.stat().st_size < size

    done = sev.run("sync", "run", "--url", national_server, "--chunk-kb", "0.25")
    assert "(resumed)" in done.stdout and " applied" in done.stdout
    sent = int(done.stdout.split(": ")[1].split(" bytes sent")[0])
    assert sent < size  # only what had not arrived
    assert not list(outbox.glob("*.pssm")) and not list(parts.glob("*.part"))
    assert national.weapons("ML-SEV") == sev.weapons("ML-SEV")
    assert {v[3] for k, v in sev.weapons("ML-SEV").items() if v[0] in serials} == {"SEV-1004"}
    # the voucher lines' holdings name the person by national's own id for that person
    held_by = national.shell(
        "import json; from pssm.domain.ledger import custodian_parts; "
        "from pssm.movements.models import VoucherLine as L; from pssm.registry.models import "
        "Person as P; print(json.dumps(sorted({P.objects.get(pk=custodian_parts("
        f"line.after['custodian'])[0]).service_number for line in L.objects.filter("
        f"voucher__number='{issue}')}})))"
    )
    assert held_by == ["SEV-1004"]
    national.verify()
    sev.verify()
    again = sev.run("sync", "run", "--url", national_server)
    assert " applied" in again.stdout and "(resumed)" not in again.stdout


def test_a_scheduled_round_run_by_the_task_worker_syncs_and_queues_the_next(nodes, national_server):
    national, depots, _tmp = nodes
    sev = depots["ML-SEV"]
    serial = sev.shell(
        "import json; from pssm.registry.models import Weapon as W; print(json.dumps("
        "W.objects.filter(site__code='ML-SEV', status='in_store', on_hold=False)"
        ".order_by('serial').values_list('serial', flat=True).first()))"
    )
    voucher(
        sev, "mag.sev", "ML-SEV", "issue", "--person", "SEV-1004",
        serials=[serial], commander="cdt.sev",
    )  # fmt: skip
    refused = sev.run("sync", "schedule", "--as", "mag.sev", "--url", national_server, ok=False)
    assert refused.returncode != 0  # a storekeeper does not run the synchronisation

    sev.run("sync", "schedule", "--as", "cdt.sev", "--url", national_server, "--every", "30")
    # The worker runs what is due (the first round, at once) and stops: the next is not due.
    sev.run("db_worker", "--queue-name", "sync", "--batch", "--interval", "0.1")

    assert national.weapons("ML-SEV") == sev.weapons("ML-SEV")
    status = json.loads(sev.run("sync", "status", "--json").stdout)
    background = status["background"]
    assert background["every_minutes"] == 30 and background["url"] == national_server
    assert background["last"][0]["status"] == "SUCCESSFUL"
    assert background["last"][0]["outcome"]["state"] == "applied"
    assert (
        sev.shell(
            "import json; from pssm.journal.models import JournalEntry as J; print(json.dumps("
            "J.objects.filter(kind='sync.scheduled').count()))"
        )
        == 1
    )
    sev.run("sync", "schedule", "--as", "cdt.sev", "--stop")
    assert json.loads(sev.run("sync", "status", "--json").stdout)["background"]["next_at"] is None
    national.verify()
    sev.verify()


def test_a_depot_restored_from_an_old_backup_is_read_only_until_it_takes_its_tail_back(nodes):
    national, depots, tmp = nodes
    sev = depots["ML-SEV"]
    backup = tmp / "sev-backup.sqlite3"
    shutil.copy(Path(sev.database.removeprefix("sqlite:///")), backup)
    shutil.copy(sev.home / "var" / "node-key", tmp / "sev-backup.key")
    serial = sev.shell(
        "import json; from pssm.registry.models import Weapon as W; print(json.dumps("
        "W.objects.filter(site__code='ML-SEV', status='in_store').order_by('serial')"
        ".values_list('serial', flat=True).first()))"
    )
    issue = voucher(sev, "mag.sev", "ML-SEV", "issue", "--person", "SEV-1005", serials=[serial])
    sync(national, sev, tmp, "sev-3")
    # the laptop's disk dies; yesterday's backup is restored
    shutil.copy(backup, Path(sev.database.removeprefix("sqlite:///")))
    ack = tmp / "sev-3.ack"
    sev.run("sync", "import", str(ack))
    status = json.loads(sev.run("sync", "status", "--json").stdout)
    mine = sev.shell(
        "import json; from pssm.journal.models import JournalHead as H; "
        "print(json.dumps(H.objects.get(node_id='ml-sev-depot').last_seq))"
    )
    assert status["read_only_code"] == "restored"
    assert re.search(rf"\b{mine}\b", status["read_only"])  # says where its journal ends
    # read-only: nothing is written, so the journal cannot fork from what national holds
    refused = sev.run(
        "voucher", "--as", "mag.sev", "create", "ML-SEV", "issue", "--person", "SEV-1005",
        ok=False,
    )  # fmt: skip
    assert refused.returncode != 0 and "[read_only]" in refused.stderr

    # the next round trip brings back what the backup lost, and the node is writable again
    push, again = tmp / "restored.push", tmp / "restored.ack"
    sev.run("sync", "export", "--out", str(push))
    national.run("sync", "import", str(push), "--ack-out", str(again))
    taken = sev.run("sync", "import", str(again))
    assert " applied" in taken.stdout
    assert json.loads(sev.run("sync", "status", "--json").stdout)["read_only_code"] == ""
    assert sev.shell(
        "import json; from pssm.movements.models import Voucher as V; print(json.dumps("
        f"list(V.objects.filter(number='{issue}').values_list('lines__serial', flat=True))))"
    ) == [serial]
    assert sev.weapons("ML-SEV") == national.weapons("ML-SEV")
    sev.verify()
    national.verify()
    later = voucher(sev, "mag.sev", "ML-SEV", "issue", "--person", "SEV-1005")
    assert later != issue  # the numbering goes on after what the backup had lost
    sync(national, sev, tmp, "sev-4")
    sev.verify()
    national.verify()


def test_a_revoked_depot_is_refused_and_its_site_handed_over_to_a_new_node(nodes):
    national, depots, tmp = nodes
    kti = depots["ML-KTI"]
    national.run("sync", "revoke", "--node", "ml-kti-depot", "--reason", "laptop stolen")
    push = tmp / "kti-revoked.push"
    kti.run("sync", "export", "--out", str(push))
    before = national.verify()["nodes"]
    done = national.run("sync", "import", str(push), ok=False)
    assert done.returncode != 0 and "bundle_revoked" in done.stderr
    assert national.verify()["nodes"] == before

    boot = tmp / "kti-2.bootstrap"
    national.run(
        "sync", "handover", "--site", "ML-KTI", "--to", "ml-kti-depot-2",
        "--reason", "laptop stolen", "--out", str(boot),
    )  # fmt: skip
    new = _sqlite_node("ml-kti-depot-2", tmp)
    new.run("node", "join", str(boot))
    assert new.weapons("ML-KTI") == national.weapons("ML-KTI")
    new.verify()
    national.verify()
