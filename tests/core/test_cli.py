"""The `pssm` console command."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from pssm import cli
from pssm.accounts.models import RoleGrant, User
from pssm.domain.access import Role
from pssm.journal.models import JournalEntry
from pssm.journal.verify import journal_verify
from pssm.movements.models import Voucher
from pssm.registry.models import Weapon
from pssm.sites.models import Site

PSSM = Path(sys.executable).parent / "pssm"


def test_help_lists_the_project_commands_first():
    text = cli.usage()

    own = text.index("PSSM commands:")
    django = text.index("Every Django management command")
    assert own < text.index("  demo ") < text.index("  journal ") < django
    assert "migrate" in text[django:] and "makemigrations" in text[django:]


def test_console_script_is_installed_and_prints_help():
    result = subprocess.run(
        [str(PSSM), "--help"], capture_output=True, text=True, timeout=60, check=False
    )

    assert result.returncode == 0
    assert result.stdout.startswith("PSSM: physical security")


def test_unknown_command_fails(capsys):
    result = subprocess.run(
        [str(PSSM), "no-such-command"], capture_output=True, text=True, timeout=60, check=False
    )

    assert result.returncode != 0 and "Unknown command" in result.stderr


def test_demo_loads_once_and_is_idempotent(db, capsys):
    call_command("demo", "--quiet-logins")
    first = capsys.readouterr().out
    # The loading says what it is doing as it goes, step by step.
    assert "s] weapons of ML-KTI" in first and "s] destruction" in first
    assert "demo logins" not in first
    counts = (
        Site.objects.count(),
        User.objects.count(),
        RoleGrant.objects.count(),
        JournalEntry.objects.count(),
    )

    call_command("demo")

    out = capsys.readouterr().out
    assert counts[0] == 9 + 10  # Mali's, and two in each of the programme's other countries
    assert (
        Site.objects.count(),
        User.objects.count(),
        RoleGrant.objects.count(),
        JournalEntry.objects.count(),
    ) == counts
    assert "0 sites" in out and "0 weapons" in out and "pssm-demo-2026" in out
    # Every login the README's journeys need, the per-site accounts included, with its role.
    listed = [line for line in out.splitlines() if line.startswith("  ") and "[" not in line]
    logins = {line.split()[0]: line for line in listed}
    needed = {"magasinier", "commandant", "inspecteur", "cdt.sev", "mag.gao", "cdt.gao"}
    assert needed <= set(logins)
    assert "site_commander" in logins["cdt.gao"] and "ML-GAO" in logins["cdt.gao"]
    assert Site.objects.filter(is_model_installation=True).count() == 2 + 10  # + the programme
    assert journal_verify(user=User.objects.get(username="inspecteur")).ok
    assert {g.role for g in RoleGrant.objects.all()} >= {r.value for r in Role}
    assert Weapon.objects.count() > 2000
    assert set(Weapon.objects.values_list("status", flat=True)) >= {
        "in_store",
        "issued",
        "in_transit",
        "stolen",
    }
    assert Voucher.objects.filter(state="submitted").exists()
    _assert_demo_depot()
    from pssm.inspections.models import Inspection

    first, second = Inspection.objects.filter(site__code="ML-KTI").order_by("inspected_on")
    assert (first.state, second.state) == ("closed", "closed")
    assert second.score_ratio > first.score_ratio and second.level > first.level
    from pssm.inspections.models import Count

    count = Count.objects.get(site__code="ML-KTI")
    assert count.state == "closed" and count.closed_by.username != count.counter.username
    assert [g["result"] for g in count.gaps] == ["missing"]
    # the missing weapon's case followed to a write-off by two people
    case = count.discrepancies.get()
    assert (case.state, case.resolution) == ("closed", "written_off")
    assert case.recount_by != count.counter and case.investigation
    write_off = case.closing_voucher
    assert write_off.above_site and write_off.prepared_by != write_off.approved_by
    assert write_off.approved_by.username == "autorite"
    assert case.weapon.status == "stolen" and not case.weapon.on_hold
    monthly = Count.objects.get(site__code="ML-TBK", policy="COUNT.MONTHLY_SERIAL")
    assert monthly.state == "closed" and not monthly.gaps and monthly.expected
    from pssm.inspections import dashboard

    rows = {r.code: r for r in dashboard.site_rows(Site.objects.all())}
    assert rows["ML-KTI"].counts_overdue >= 1 and rows["ML-TBK"].last_count is not None
    assert rows["ML-KTI"].inspection_level == second.level


def _assert_demo_depot():
    """The Kati depot: real lots, licences, a waived QD violation, a refused receipt, and the
    HD 1.3 storehouse that the corrected distances put in breach."""
    from pssm.ammunition.models import Licence, Lot, QdReview, Waiver
    from pssm.ammunition.safety import site_report
    from pssm.domain.errors import PssmError
    from pssm.movements import services as mv

    kti = Site.objects.get(code="ML-KTI")
    assert Lot.objects.count() >= 8 and Licence.objects.count() == 4
    report = site_report(kti)
    assert report["violations"] >= 2
    (review,) = [r for r in report["reviews"] if r["building"] == "ML-KTI-ESH04"]
    assert review["still_in_breach"] and not review["in_breach_before"]
    (breach,) = review["breaches"]
    assert (breach["exposed_site"], breach["required_before_m"], breach["required_m"]) == (
        "ML-KTI-KOKO",
        "70",
        "139",
    )
    assert QdReview.objects.filter(site=kti).count() == 2  # ESH04, and ESH01 (waived)
    from pssm.ammunition.models import LotSuspension

    (suspended,) = LotSuspension.objects.filter(lifted_at__isnull=True)
    assert suspended.lot.lot_number == "EX16B020-002"
    from pssm.movements.models import Destruction

    certified = Destruction.objects.filter(voucher__state="posted")
    assert sorted(certified.values_list("method", flat=True)) == ["cutting", "open_detonation"]
    assert Weapon.objects.filter(site=kti, status="destroyed").count() == 2
    esh1 = next(r for r in report["storehouses"] if r["building"] == "ML-KTI-ESH01")
    assert any(d["status"] == "violation" for d in esh1["distances"])
    assert Waiver.objects.filter(building__code="ML-KTI-ESH01", rule="qd").exists()
    blocked = Voucher.objects.get(state="submitted", lines__lot__lot_number="NL20A001-001")
    with pytest.raises(PssmError) as err:
        mv.voucher_approve(actor=User.objects.get(username="commandant"), voucher=blocked)
    assert err.value.code == "incompatible"


def test_command_acting_as_a_user_is_authorised_like_the_ui(make, two_sites, capsys):
    keeper = make.user("storekeeper", two_sites["a"], username="keeper")
    make.user(username="target")

    with pytest.raises(SystemExit) as exc:
        call_command(
            "role", "--as", keeper.username, "grant", "target", "storekeeper", "site", "ML-SITEA"
        )

    assert exc.value.code == 3
    assert "permission_denied" in capsys.readouterr().err
    assert not User.objects.get(username="target").grants.exists()


def test_user_create_command_reads_password_from_environment(db, monkeypatch, capsys):
    monkeypatch.setenv("NEW_PASSWORD", "a-long-enough-secret-5")

    call_command("user", "create", "ops", "--password-env", "NEW_PASSWORD", "--last-name", "Ba")

    assert User.objects.get(username="ops").check_password("a-long-enough-secret-5")
    assert JournalEntry.objects.filter(kind="user.created").count() == 1


def test_user_create_with_weak_password_fails_cleanly(db, monkeypatch, capsys):
    monkeypatch.setenv("NEW_PASSWORD", "1234")

    with pytest.raises(SystemExit) as exc:
        call_command("user", "create", "ops", "--password-env", "NEW_PASSWORD")

    assert exc.value.code == 2 and "password" in capsys.readouterr().err
    assert not User.objects.filter(username="ops").exists()


def test_openapi_schema_is_valid_and_free_of_warnings(db):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")
