"""`pssm journal verify` names every way the record can be tampered with by someone who can
write the database but does not hold the node key: a state row edited, deleted or inserted,
the journal's tail cut and its head set back, an entry changed and the chain computed again,
an entry appended. Runs on SQLite and on PostgreSQL."""

import json
import uuid

import pytest
from django.core.management import call_command
from django.db import connection

from pssm.accounts.authz import SystemActor
from pssm.domain import journal as chain
from pssm.journal import keys, triggers
from pssm.journal.models import JournalEntry, JournalHead
from pssm.journal.signing import checkpoint_make, key_rotate
from pssm.journal.verify import journal_verify
from pssm.registry.models import Weapon
from tests.movements.conftest import Armoury

SYSTEM = SystemActor("system:test")


@pytest.fixture
def node(make, settings, tmp_path):
    """An armoury with a history, its own node key, and a seal every 3 entries."""
    settings.PSSM_NODE_KEY_FILE = tmp_path / "node-key"
    settings.PSSM_JOURNAL_SEAL_EVERY = 3
    keys.forget()
    site = Armoury(make, "KTI")
    other = Armoury(make, "SEG")
    site.receive("AK-100", "AK-101", "AK-102", "AK-103")
    site.post("issue", ["AK-101"], custodian_unit="1re compagnie")
    site.post("transfer", ["AK-102"], destination=other.site)
    yield site
    keys.forget()


def verify(**kwargs):
    return journal_verify(user=SYSTEM, **kwargs)


def codes(report) -> set[str]:
    found = {p.code for n in report.nodes for p in n.problems}
    found |= {p.code for p in report.differences}
    found |= {p.code for p in report.journal_problems}
    return found | {p.code for p in report.against or ()}


def words(report) -> str:
    problems = [p for n in report.nodes for p in n.problems]
    problems += report.differences + report.journal_problems + list(report.against or ())
    return "\n".join(str(p.text) for p in problems)


def test_an_untouched_journal_verifies_and_matches_the_tables(node):
    report = verify()

    assert report.ok, words(report)
    (n,) = report.nodes
    assert n.seals == n.count // 3 and n.count >= 9
    assert report.weapons == 4


def test_a_state_row_edited_is_named_in_words(node):
    Weapon.objects.filter(serial="AK-100").update(
        status="issued", location=None, custodian_unit="Inconnu"
    )

    report = verify()

    assert not report.ok and codes(report) == {"table_differs"}
    text = words(report)
    assert "AKM AK-100: the table says issued to Inconnu, the journal says in store at " in text
    assert "ML-KTI-ARM01-R01 since voucher ML-KTI/" in text


def test_a_hundred_weapons_moved_to_another_site_are_each_named(node, make):
    for i in range(100):
        node.receive(f"M-{i:03d}")
    elsewhere = make.site(code="GAO", kind="armoury")
    Weapon.objects.filter(serial__startswith="M-").update(site=elsewhere)

    report = verify(limit=None)

    assert report.total_differences == 100 == len(report.differences)
    assert all("ML-GAO" in str(p.text) for p in report.differences)


def test_a_state_row_deleted_is_named(node):
    w = Weapon.objects.get(serial="AK-103")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM movements_voucherline WHERE weapon_id = %s", [w.pk])
        cursor.execute("DELETE FROM registry_weapon WHERE id = %s", [w.pk])

    report = verify()

    assert codes(report) == {"table_deleted"}
    assert "weapon AK-103: the journal says in store at ML-KTI-ARM01-R01" in words(report)
    assert "but the table has no such weapon" in words(report)


def test_a_state_row_inserted_is_named(node):
    first = Weapon.objects.get(serial="AK-100")
    Weapon.objects.create(
        serial="GHOST-1",
        serial_norm="GH0ST1",
        weapon_type=first.weapon_type,
        owner=first.owner,
        site=first.site,
        status="in_store",
        location=first.location,
    )

    report = verify()

    assert codes(report) == {"table_inserted"}
    assert "GHOST-1: the table says in store at ML-KTI-ARM01-R01, but no journal entry" in words(
        report
    )


def test_the_tail_deleted_and_the_head_set_back_is_detected(node):
    entries = list(JournalEntry.objects.order_by("seq"))
    keep = entries[-3]
    triggers.remove(connection)
    JournalEntry.objects.filter(seq__gt=keep.seq).delete()
    JournalHead.objects.update(last_seq=keep.seq, last_hash=keep.hash)

    report = verify()

    assert "head_seal" in codes(report)
    assert "without the node key" in words(report)
    # the tables still hold what the deleted entries did: the state differs too
    assert "table_differs" in codes(report)


def test_the_tail_deleted_is_caught_by_a_paper_checkpoint(node, tmp_path):
    statement = tmp_path / "checkpoint.txt"
    call_command("journal", "checkpoint", "--out", str(statement))
    keep = JournalEntry.objects.order_by("-seq")[2]
    triggers.remove(connection)
    JournalEntry.objects.filter(seq__gt=keep.seq).delete()

    point = chain.Checkpoint.parse(statement.read_text())
    report = verify(against=point, with_state=False)

    assert "truncated" in codes(report)
    assert f"counts {point.count} entries, the journal holds {keep.seq}" in words(report)


def _rechain(from_seq: int) -> None:
    """Recompute the hash of every entry from ``from_seq`` on, as an attacker would."""
    rows = list(JournalEntry.objects.filter(seq__gte=from_seq - 1).order_by("seq"))
    prev = rows[0].hash if rows[0].seq < from_seq else chain.GENESIS_HASH
    for row in rows:
        if row.seq < from_seq:
            continue
        env = row.envelope()
        digest = chain.entry_hash(prev, env, row.version or 1)
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE journal_journalentry SET prev_hash = %s, hash = %s WHERE id = %s",
                [prev, digest, row.pk],
            )
        prev = digest
    JournalHead.objects.update(last_hash=prev)


def test_an_entry_changed_and_re_chained_without_the_key_is_detected(node):
    target = JournalEntry.objects.filter(kind="voucher.posted").order_by("seq").first()
    payload = json.loads(target.payload)
    payload["approved_by"] = "someone-else"
    triggers.remove(connection)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE journal_journalentry SET payload = %s WHERE id = %s",
            [chain.canonical_json(payload), target.pk],
        )
    _rechain(target.seq)

    report = verify()

    assert "chain" not in codes(report)  # the chain itself is consistent again
    assert {"seal", "head_seal"} <= codes(report)
    assert "was changed and the chain computed again" in words(report)


def test_an_entry_appended_without_the_key_is_detected(node):
    last = JournalEntry.objects.order_by("-seq").first()
    env = chain.Envelope(
        last.node_id,
        last.seq + 1,
        str(uuid.uuid4()),
        last.recorded_at,
        "intruder",
        "ML",
        "",
        "ML-KTI",
        "voucher.posted",
        chain.canonical_json({"number": "FORGED"}),
    )
    digest = chain.entry_hash(last.hash, env, 2)
    JournalEntry.objects.create(
        node_id=env.node_id,
        seq=env.seq,
        uuid=env.uuid,
        recorded_at=env.recorded_at,
        actor=env.actor,
        scope_country="ML",
        scope_site="ML-KTI",
        kind=env.kind,
        payload=env.payload_json,
        prev_hash=last.hash,
        hash=digest,
        version=2,
    )
    JournalHead.objects.update(last_seq=env.seq, last_hash=digest)

    report = verify()

    assert codes(report) >= {"head_seal"}
    assert f"entry #{env.seq}" in words(report)


def test_all_goes_on_past_the_first_broken_entry(node):
    triggers.remove(connection)
    broken = list(JournalEntry.objects.order_by("seq"))[1:4:2]
    for row in broken:
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE journal_journalentry SET actor = %s WHERE id = %s", ["x", row.pk]
            )

    first = verify(with_state=False)
    every = verify(with_state=False, stop_at_first=False)

    assert [p.seq for p in first.nodes[0].problems if p.code == "chain"] == [broken[0].seq]
    assert [p.seq for p in every.nodes[0].problems if p.code == "chain"] == [r.seq for r in broken]


def test_a_lot_balance_edited_is_named(node, make):
    from pssm.ammunition.models import LotBalance
    from tests.ammunition.conftest import Depot

    depot = Depot(make, "DEP")
    depot.receive("MMP19C012-004", 1000, "CTG-762X39-BALL")
    LotBalance.objects.update(quantity=990)

    report = verify()

    assert codes(report) == {"lot_differs"}
    assert "lot MMP19C012-004 at ML-DEP-ESH01-S01: the table says 990 units, the journal " in (
        words(report)
    )


def test_a_discrepancy_hold_lifted_by_hand_is_named(node):
    Weapon.objects.filter(serial="AK-100").update(on_hold=True)

    report = verify()

    assert codes(report) == {"table_hold_differs"}
    assert "frozen by a case, the journal says not frozen" in words(report)


def test_a_key_rotation_keeps_the_journal_verifiable(node):
    old, new = key_rotate(user=SYSTEM)
    node.post("return", ["AK-101"], location=node.rack)

    report = verify()

    assert report.ok, words(report)
    assert report.nodes[0].keys == [old.public, new.public]
    entry = JournalEntry.objects.get(kind="node.key_rotated")
    assert json.loads(entry.payload)["new_key"] == new.public


def test_a_journal_re_signed_with_another_key_is_refused(node, settings, tmp_path):
    settings.PSSM_NODE_KEY_FILE = tmp_path / "other-key"
    keys.forget()
    keys.create()

    report = verify()

    assert "wrong_key" in codes(report)
    with pytest.raises(keys.NodeKeyError) as err:
        node.receive("AK-999")
    assert "is not the key that signed this journal" in str(err.value)


def test_a_missing_key_stops_writes_with_a_way_out(node, settings, tmp_path):
    settings.PSSM_NODE_KEY_FILE = tmp_path / "gone"
    keys.forget()
    count = JournalEntry.objects.count()

    with pytest.raises(keys.NodeKeyError) as err:
        node.receive("AK-998")

    assert err.value.code == "node_key"
    assert "Restore the key file from the node's backup" in str(err.value)
    assert JournalEntry.objects.count() == count
    assert not Weapon.objects.filter(serial="AK-998").exists()
    assert "no_key" in codes(verify(with_state=False))


def test_a_damaged_key_file_gives_a_clear_message(node, settings):
    settings.PSSM_NODE_KEY_FILE.write_text("not a key\n")
    keys.forget()

    with pytest.raises(keys.NodeKeyError) as err:
        checkpoint_make(user=SYSTEM)

    assert "cannot be read or is damaged" in str(err.value)


def test_the_command_prints_the_differences_and_fails(node, capsys):
    from django.utils import translation

    Weapon.objects.filter(serial="AK-100").update(status="lost", location=None)

    with translation.override("en"), pytest.raises(SystemExit) as exc:
        call_command("journal", "verify")
    assert exc.value.code == 1
    assert "AKM AK-100: the table says lost (site ML-KTI)" in capsys.readouterr().err

    with pytest.raises(SystemExit):
        call_command("journal", "verify", "--json")
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is False
    (diff,) = data["state"]["differences"]
    assert diff["code"] == "table_differs" and diff["table"][0] == "lost"


def test_a_checkpoint_pdf_carries_a_qr_code(node, tmp_path):
    pdf = tmp_path / "checkpoint.pdf"

    call_command("journal", "checkpoint", "--pdf", str(pdf))

    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and b"/Image" in data


def test_a_bad_checkpoint_file_is_refused_clearly(node, tmp_path, capsys):
    bad = tmp_path / "bad.txt"
    bad.write_text("node: local\n")

    from django.core.management.base import CommandError

    with pytest.raises(CommandError) as err:
        call_command("journal", "verify", "--against", str(bad))
    assert "not a PSSM checkpoint statement (missing: entries, head, time, key" in str(err.value)


def test_a_node_that_held_stock_before_the_facts_is_given_a_baseline(node, make):
    from django.apps import apps
    from django.db import transaction

    from pssm.journal.baseline import write_baseline

    first = Weapon.objects.get(serial="AK-100")
    legacy = Weapon.objects.create(  # as an older version of PSSM left it: no facts
        serial="OLD-1",
        serial_norm="0LD1",
        weapon_type=first.weapon_type,
        owner=first.owner,
        site=first.site,
        status="in_store",
        location=first.location,
        on_hold=True,
    )
    assert "table_inserted" in codes(verify())

    with transaction.atomic():
        parts = write_baseline(apps)
    node.post("issue", ["AK-103"], custodian_unit="Garde")

    report = verify()
    assert parts == 1 and report.ok, words(report)
    entry = JournalEntry.objects.get(kind="journal.baseline")
    assert str(legacy.uuid) in entry.payload
