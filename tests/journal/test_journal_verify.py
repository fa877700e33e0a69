"""`pssm journal verify` and the database guard against edits behind the application's back."""

import json

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from pssm.journal import triggers
from pssm.journal.models import JournalEntry
from pssm.journal.verify import journal_verify


def run_verify(capsys):
    from django.utils import translation

    with translation.override("en"), pytest.raises(SystemExit) as exc:
        call_command("journal", "verify")
        raise SystemExit(0)
    out = capsys.readouterr()
    return exc.value.code, out.out, out.err


@pytest.fixture
def journal(make):
    """A few entries written by real services."""
    site = make.site(code="KTI")
    make.building(site, code="ESH01")
    make.building(site, code="ESH02")
    return list(JournalEntry.objects.order_by("seq"))


def raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_intact_journal_verifies_and_prints_count_and_head(journal, capsys):
    code, out, _ = run_verify(capsys)

    assert code == 0
    assert f"{len(journal)} entries" in out and journal[-1].hash in out


def test_database_refuses_update_of_a_journal_row(journal):
    with pytest.raises(DatabaseError), transaction.atomic():
        raw("UPDATE journal_journalentry SET actor = 'mallory' WHERE seq = 1")


def test_database_refuses_delete_of_a_journal_row(journal):
    with pytest.raises(DatabaseError), transaction.atomic():
        raw("DELETE FROM journal_journalentry WHERE seq = 2")


def test_orm_delete_is_refused_too(journal):
    with pytest.raises(DatabaseError), transaction.atomic():
        JournalEntry.objects.filter(seq=1).delete()


def test_edited_row_is_found_and_named(journal, capsys):
    triggers.remove(connection)
    raw("UPDATE journal_journalentry SET payload = %s WHERE seq = 2", ['{"code":"XX"}'])
    triggers.install(connection)

    code, _, err = run_verify(capsys)

    assert code == 1
    assert "#2" in err and str(journal[1].uuid) in err and "hash does not match" in err


def test_deleted_row_is_found(journal, capsys):
    triggers.remove(connection)
    raw("DELETE FROM journal_journalentry WHERE seq = 2")
    triggers.install(connection)

    code, _, err = run_verify(capsys)

    assert code == 1 and "#3" in err and "expected" in err


def test_deleted_last_row_is_found_through_the_node_head(journal, capsys):
    triggers.remove(connection)
    raw("DELETE FROM journal_journalentry WHERE seq = %s", [len(journal)])
    triggers.install(connection)

    code, _, err = run_verify(capsys)

    assert code == 1 and f"#{len(journal)}" in err and "head records" in err


def test_row_inserted_behind_the_application_is_found(journal, capsys):
    last = journal[-1]
    raw(
        "INSERT INTO journal_journalentry (node_id, seq, uuid, recorded_at, actor, scope_country,"
        " scope_organisation, scope_site, kind, payload, prev_hash, hash)"
        " VALUES (%s, %s, %s, %s, %s, '', '', '', %s, %s, %s, %s)",
        [
            last.node_id,
            last.seq + 1,
            "3f1e8b7a-0000-4000-8000-000000000001",
            last.recorded_at,
            "mallory",
            "site.created",
            '{"code":"FAKE"}',
            last.hash,
            "a" * 64,
        ],
    )

    code, _, err = run_verify(capsys)

    assert code == 1 and f"#{last.seq + 1}" in err


def test_verify_json_output(journal, capsys):
    call_command("journal", "verify", "--json")

    data = json.loads(capsys.readouterr().out)

    assert data["ok"] is True and data["nodes"][0]["count"] == len(journal)


def test_every_write_service_appended_exactly_one_entry_in_order(journal):
    kinds = [e.kind for e in journal]

    assert kinds == [
        "country.created",
        "organisation.created",
        "site.created",
        "building.created",
        "building.created",
    ]
    assert [e.seq for e in journal] == list(range(1, len(journal) + 1))
    assert all(b.prev_hash == a.hash for a, b in zip(journal, journal[1:], strict=False))


def test_verify_requires_the_verify_right(make, two_sites):
    from pssm.domain.errors import PermissionDeniedError

    keeper = make.user("storekeeper", two_sites["a"])

    with pytest.raises(PermissionDeniedError):
        journal_verify(user=keeper)
