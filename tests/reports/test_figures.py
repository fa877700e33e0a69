"""Every figure of every report equals a query of its own over the registry, and drills down
to exactly as many records as it counts."""

from collections import Counter
from datetime import date

import pytest

from pssm.domain import reporting
from pssm.domain.errors import ValidationError
from pssm.journal.models import JournalEntry
from pssm.movements.models import Voucher, VoucherLine
from pssm.registry.models import Weapon
from pssm.reports import figures as report_figures
from pssm.reports import selectors, services
from pssm.tracing.models import TraceRequest


def _year(nation):
    return reporting.year_period(nation.today.year)


def _held(nation):
    return Weapon.objects.filter(site__organisation__country=nation.country).exclude(
        status__in=["destroyed", "exported"]
    )


def _from_abroad(nation):
    ids = Voucher.objects.filter(kind="receipt", state="posted").exclude(exporting_state="")
    return Weapon.objects.filter(voucher_lines__voucher__in=ids)


def _oracle(nation, table) -> dict:
    """The expected {row key: value} of a table, by queries of the test's own."""
    key, groups = table["key"], table["groups"]
    held = _held(nation)
    if table["source"] == "holdings":
        if table.get("filters", {}).get("status") == "surplus":
            return {"": held.filter(status="surplus").count()}
        field = {
            "category": "weapon_type__category",
            "status": "status",
            "organisation": "owner__code",
            "site": "site__code",
        }[groups[0]]
        return dict(Counter(str(v) for v in held.values_list(field, flat=True)))
    if table["source"] == "destructions":
        destroyed = Weapon.objects.filter(status="destroyed")
        return {"cutting": destroyed.count()} if destroyed.exists() else {}
    if table["source"] == "imports" and groups == ["import_mark"]:
        w = _from_abroad(nation)
        return {
            "marked": w.exclude(import_country="").count(),
            "unmarked": w.filter(import_country="").count(),
        }
    if table["source"] == "imports":
        rows = Counter()
        for w in _from_abroad(nation).select_related("weapon_type"):
            state = w.voucher_lines.get(voucher__kind="receipt").voucher.exporting_state
            att = reporting.att_category(w.weapon_type.category, w.weapon_type.calibre)
            parts = {"att": att, "counterpart": state}
            rows["|".join(parts[g] for g in groups)] += 1
        if table.get("only"):
            rows = {k: v for k, v in rows.items() if k.startswith(table["only"])}
        return dict(rows)
    if table["source"] == "exports":
        rows = Counter()
        for w in Weapon.objects.filter(status="exported").select_related("weapon_type"):
            state = w.voucher_lines.get(voucher__kind="export").voucher.importing_state
            att = reporting.att_category(w.weapon_type.category, w.weapon_type.calibre)
            parts = {"att": att, "counterpart": state}
            rows["|".join(parts[g] for g in groups)] += 1
        if table.get("only"):
            rows = {k: v for k, v in rows.items() if k.startswith(table["only"])}
        return dict(rows)
    if table["source"] == "registered":
        return dict(
            Counter(
                Weapon.objects.filter(site__organisation__country=nation.country).values_list(
                    "weapon_type__category", flat=True
                )
            )
        )
    if table["source"] == "journal":
        return {"": nation.journal_before}
    if table["source"] == "traces":
        reqs = TraceRequest.objects.filter(country=nation.country)
        if groups == ["direction"]:
            return dict(Counter(reqs.values_list("direction", flat=True)))
        if groups == ["outcome"]:
            return dict(Counter(reqs.values_list("outcome", flat=True)))
        return {"on_time": 1, "open": 1}
    if table["source"] == "losses":
        lost = Weapon.objects.filter(status__in=["lost", "stolen"])
        field = {"reason": "status", "category": "weapon_type__category"}[groups[0]]
        return dict(Counter(lost.values_list(field, flat=True)))
    if table["source"] == "open_cases":
        return {}
    raise AssertionError(f"no oracle for {key}")


@pytest.mark.parametrize("kind", report_figures.KINDS)
def test_each_figure_equals_the_registry_and_drills_down_to_its_records(nation, kind):
    period = _year(nation)
    nation.journal_before = JournalEntry.objects.filter(scope_country=nation.country.code).count()

    report = services.report_generate(
        actor=nation.authority,
        kind=kind,
        country=nation.country,
        period_start=period.start,
        period_end=period.end,
        language="fr",
    )

    tables = [t for s in report.figures["sections"] for t in s["tables"]]
    assert tables
    for table in tables:
        got = {row["key"]: row["value"] for row in table["rows"] if row["value"]}
        expected = {k: v for k, v in _oracle(nation, table).items() if v}
        assert got == expected, table["key"]
        assert table["total"] == sum(got.values())
        for row in table["rows"]:
            if "previous" in row:
                assert row["previous"] == 0  # nothing existed a year before
            records = selectors.figure_records(
                user=nation.authority,
                country=nation.country,
                source=table["source"],
                period=period,
                filters=row["filters"],
            )
            # The journal has one more entry since: the generation of this report.
            extra = 1 if table["source"] == "journal" else 0
            assert records.count() == row["value"] + extra, (table["key"], row["key"])


def test_the_att_report_of_a_year_without_transfers_is_a_nil_report(nation):
    last_year = reporting.year_period(nation.today.year - 1)

    figures = report_figures.compute(kind="att", country="ML", period=last_year)

    assert figures["nil"] is True
    assert all(t["rows"] == [] for s in figures["sections"] for t in s["tables"])


def test_the_att_report_with_imports_is_not_nil_and_counts_by_category_and_state(nation):
    figures = report_figures.compute(kind="att", country="ML", period=_year(nation))

    imports = figures["sections"][1]["tables"][0]
    assert figures["nil"] is False
    assert {r["key"]: r["value"] for r in imports["rows"]} == {"VIII.SA.4|RS": 4, "VIII.SA.1|FR": 3}


def test_the_att_report_counts_the_exports_by_category_and_importing_state(nation):
    figures = report_figures.compute(kind="att", country="ML", period=_year(nation))

    exports = figures["sections"][0]["tables"][0]
    assert exports["key"] == "exports"
    assert {r["key"]: r["value"] for r in exports["rows"]} == {"VIII.SA.4|NE": 2}
    records = selectors.figure_records(
        user=nation.authority,
        country=nation.country,
        source="exports",
        period=_year(nation),
        filters=exports["rows"][0]["filters"],
    )
    assert sorted(records.values_list("weapon__serial", flat=True)) == ["HOME-6", "HOME-7"]


def test_an_att_category_chosen_on_the_document_is_the_one_reported(nation):
    from pssm.tracing.models import TransferDocument

    TransferDocument.objects.filter(voucher=nation.abroad).update(att_category="VIII.SA.2")

    figures = report_figures.compute(kind="att", country="ML", period=_year(nation))

    imports = figures["sections"][1]["tables"][0]
    assert {r["key"]: r["value"] for r in imports["rows"]} == {"VIII.SA.2|RS": 4, "VIII.SA.1|FR": 3}
    rows = [r for r in imports["rows"] if r["key"] == "VIII.SA.2|RS"]
    records = selectors.figure_records(
        user=nation.authority,
        country=nation.country,
        source="imports",
        period=_year(nation),
        filters=rows[0]["filters"],
    )
    assert records.count() == 4


def test_the_stock_a_year_back_does_not_count_what_came_later(nation):
    later = VoucherLine.objects.filter(voucher__state="posted").count()
    period = reporting.year_period(nation.today.year - 1)

    figures = report_figures.compute(kind="stock", country="ML", period=period)

    assert later > 0
    assert all(t["total"] == 0 for s in figures["sections"] for t in s["tables"])


def test_the_regional_report_follows_the_instrument_of_the_country(nation, make):
    period = _year(nation)

    ml = report_figures.compute(kind="regional", country="ML", period=period)
    ng = report_figures.compute(kind="regional", country="NG", period=period)
    ml_2024 = report_figures.compute(
        kind="regional", country="ML", period=reporting.year_period(2024)
    )

    assert ml["instrument"]["key"] == "national" and ml["definition"] == "regional-national-2005"
    assert ng["instrument"]["key"] == "ecowas" and ng["definition"] == "regional-ecowas-2009"
    assert ml_2024["instrument"]["key"] == "ecowas"


def test_a_period_that_ends_before_it_starts_is_refused_and_nothing_is_written(nation):
    before = (JournalEntry.objects.count(), services.Report.objects.count())

    with pytest.raises(ValidationError) as exc:
        services.report_generate(
            actor=nation.authority,
            kind="poa",
            country=nation.country,
            period_start=date(2026, 12, 31),
            period_end=date(2026, 1, 1),
        )

    assert "period_end" in exc.value.details
    assert (JournalEntry.objects.count(), services.Report.objects.count()) == before


def test_an_unknown_kind_is_refused(nation):
    with pytest.raises(ValidationError) as exc:
        services.report_generate(
            actor=nation.authority,
            kind="xyz",
            country=nation.country,
            period_start=date(2026, 1, 1),
            period_end=date(2026, 12, 31),
        )
    assert "kind" in exc.value.details


def test_a_drill_down_by_an_unknown_filter_is_refused(nation):
    with pytest.raises(ValidationError):
        selectors.figure_records(
            user=nation.authority,
            country=nation.country,
            source="holdings",
            period=_year(nation),
            filters={"colour": "red"},
        )


def test_the_stock_at_a_past_date_replays_the_lines_posted_until_then(nation):
    from datetime import UTC, datetime, timedelta

    # The first receipts were posted forty days ago; everything else today.
    receipts = Voucher.objects.filter(kind="receipt", state="posted", exporting_state="")
    old = datetime.now(UTC) - timedelta(days=40)
    receipts.update(posted_at=old)
    end = (old + timedelta(days=1)).date()
    period = reporting.check_period(date(end.year, 1, 1), end)

    figures = report_figures.compute(kind="stock", country="ML", period=period)

    by_status = figures["sections"][1]["tables"][0]
    by_site = figures["sections"][3]["tables"][0]
    received = Weapon.objects.filter(voucher_lines__voucher__in=receipts)
    assert {r["key"]: r["value"] for r in by_status["rows"]} == {"in_store": received.count()}
    assert {r["key"]: r["value"] for r in by_site["rows"]} == dict(
        Counter(received.values_list("voucher_lines__voucher__site__code", flat=True))
    )
    rows = selectors.figure_records(
        user=nation.authority,
        country=nation.country,
        source="holdings",
        period=period,
        filters={"status": "in_store"},
    )
    assert sorted(w.serial for w in rows) == sorted(received.values_list("serial", flat=True))
