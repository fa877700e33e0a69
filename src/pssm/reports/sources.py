"""Where the figures of the national reports come from: each *source* is a queryset of the
records a figure counts (voucher lines, weapons at a date, trace requests, discrepancy cases,
journal entries) and the *groups* it can be counted by. A report definition (data, in
``definitions/``) names a source, a group and fixed filters for each of its tables; the same
source with the same filters lists the records behind a figure (the drill-down), so that a
figure and its records can never disagree.

Every source is read for one country and one period; instants are compared in UTC from the
first moment of the first day to the end of the last day.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.db.models import Case, CharField, Count, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear, NullIf
from django.utils import timezone

from pssm.domain import reporting
from pssm.domain.errors import ValidationError, gettext_noop
from pssm.domain.ledger import FINAL, Kind
from pssm.movements.models import Discrepancy, Voucher, VoucherLine
from pssm.registry.models import Weapon, WeaponType


def _start(d: date) -> datetime:
    return datetime.combine(d, time.min, tzinfo=UTC)


def _after(d: date) -> datetime:
    return datetime.combine(d + timedelta(days=1), time.min, tzinfo=UTC)


@dataclass(frozen=True)
class Context:
    country: str
    start: date
    end: date

    def shifted_year_before(self) -> Context:
        def back(d: date) -> date:
            try:
                return d.replace(year=d.year - 1)
            except ValueError:  # 29 February
                return d.replace(year=d.year - 1, day=28)

        return Context(self.country, back(self.start), back(self.end))


@dataclass(frozen=True)
class Source:
    key: str
    records: Callable[[Context], QuerySet]
    # group name -> the expression or lookup counted by (a value per record)
    groups: dict[str, Callable[[], object]] = field(default_factory=dict)
    kind: str = "line"  # what a record is: line, weapon, trace, case, entry


# --- the sources ---------------------------------------------------------------------------


def _posted_lines(ctx: Context) -> QuerySet:
    return VoucherLine.objects.filter(
        voucher__state=Voucher.State.POSTED,
        voucher__posted_at__gte=_start(ctx.start),
        voucher__posted_at__lt=_after(ctx.end),
        voucher__site__organisation__country__code=ctx.country,
        weapon__isnull=False,
    )


def _line_groups(**extra) -> dict:
    return {
        "category": lambda: F("weapon__weapon_type__category"),
        "site": lambda: F("voucher__site__code"),
        "organisation": lambda: F("voucher__site__organisation__code"),
        **extra,
    }


def _from_abroad() -> Q:
    return Q(voucher__kind=Kind.RECEIPT, voucher__reason="acquisition") & (
        Q(voucher__transfer_document__direction="import") | ~Q(voucher__exporting_state="")
    )


def _imports(ctx: Context) -> QuerySet:
    return _posted_lines(ctx).filter(_from_abroad())


def _exports(ctx: Context) -> QuerySet:
    return _posted_lines(ctx).filter(voucher__kind=Kind.EXPORT)


def _counterpart():
    """The other state of a transfer abroad: the document's, else the voucher's exporting
    state (an import) or importing state (an export)."""
    return Coalesce(
        NullIf(F("voucher__transfer_document__counterpart_state"), Value("")),
        NullIf(F("voucher__exporting_state"), Value("")),
        F("voucher__importing_state"),
        output_field=CharField(),
    )


def _holdings(ctx: Context) -> QuerySet:
    """The weapons of the country as they stood at the end of the period's last day
    (destroyed and exported weapons are not stock). That is the holding projection, except
    for the weapons a line posted later has moved: theirs is the holding *before* the first
    such line (none for a weapon registered later). Only those weapons are looked up line by
    line."""
    weapons = Weapon.objects.filter(site__organisation__country__code=ctx.country)
    later = VoucherLine.objects.filter(
        voucher__state=Voucher.State.POSTED,
        voucher__posted_at__gte=_after(ctx.end),
        voucher__site__organisation__country__code=ctx.country,
        weapon__isnull=False,
    )
    if not later.exists():
        return weapons.annotate(status_at=F("status"), site_at=F("site__code")).exclude(
            status__in=GONE
        )
    if not Voucher.objects.filter(
        state=Voucher.State.POSTED,
        posted_at__lt=_after(ctx.end),
        site__organisation__country__code=ctx.country,
    ).exists():
        return weapons.annotate(status_at=F("status"), site_at=F("site__code")).none()
    first_later = VoucherLine.objects.filter(
        weapon=OuterRef("pk"),
        voucher__state=Voucher.State.POSTED,
        voucher__posted_at__gte=_after(ctx.end),
    ).order_by("voucher__posted_at", "pk")
    moved = Q(pk__in=later.values("weapon_id"))

    def before(key: str, default):
        return Case(
            When(
                moved,
                then=Subquery(
                    first_later.values(
                        s=Coalesce(KT(f"before__{key}"), Value(NOT_HELD), output_field=CharField())
                    )[:1]
                ),
            ),
            default=default,
            output_field=CharField(),
        )

    return weapons.annotate(
        status_at=before("status", F("status")), site_at=before("site", F("site__code"))
    ).exclude(status_at__in=[*GONE, NOT_HELD])


NOT_HELD = "-"  # the holding "before" a weapon's first line: not yet registered
GONE = [s.value for s in FINAL]  # destroyed or exported: no longer in the stockpile


def _traces(ctx: Context) -> QuerySet:
    from pssm.tracing.models import TraceRequest

    return TraceRequest.objects.filter(
        country__code=ctx.country, received_on__gte=ctx.start, received_on__lte=ctx.end
    )


def _trace_timeliness():
    return Case(
        When(state="answered", answered_on__lte=F("deadline"), then=Value("on_time")),
        When(state="answered", then=Value("late")),
        default=Value("open"),
        output_field=CharField(),
    )


def _open_cases(ctx: Context) -> QuerySet:
    """Discrepancy cases of missing weapons or units open at the end of the period."""
    return Discrepancy.objects.filter(
        site__organisation__country__code=ctx.country,
        kind__in=[Discrepancy.Kind.MISSING, Discrepancy.Kind.SHORTAGE],
        created_at__lt=_after(ctx.end),
    ).filter(Q(closed_at__isnull=True) | Q(closed_at__gte=_after(ctx.end)))


def _journal(ctx: Context) -> QuerySet:
    from pssm.journal.models import JournalEntry

    return JournalEntry.objects.filter(
        scope_country=ctx.country,
        recorded_at__gte=_start(ctx.start).isoformat(),
        recorded_at__lt=_after(ctx.end).isoformat(),
    )


SOURCES: dict[str, Source] = {
    s.key: s
    for s in [
        Source(
            "holdings",
            _holdings,
            {
                "category": lambda: F("weapon_type__category"),
                "status": lambda: F("status_at"),
                "site": lambda: F("site_at"),
                "organisation": lambda: F("owner__code"),
            },
            kind="weapon",
        ),
        Source(
            "movements",
            _posted_lines,
            _line_groups(
                kind=lambda: F("voucher__kind"),
                month=lambda: ExtractMonth("voucher__posted_at"),
                year=lambda: ExtractYear("voucher__posted_at"),
            ),
        ),
        Source(
            "registered",
            lambda ctx: _posted_lines(ctx).filter(new_weapon__isnull=False),
            _line_groups(),
        ),
        Source(
            "imports",
            _imports,
            _line_groups(
                counterpart=_counterpart,
                att=lambda: F("weapon__weapon_type_id"),  # mapped to ATT codes, see att_of
                import_mark=lambda: Case(
                    When(weapon__import_country="", then=Value("unmarked")),
                    default=Value("marked"),
                    output_field=CharField(),
                ),
            ),
        ),
        Source(
            "exports",
            _exports,
            _line_groups(counterpart=_counterpart, att=lambda: F("weapon__weapon_type_id")),
        ),
        Source(
            "losses",
            lambda ctx: _posted_lines(ctx).filter(voucher__kind=Kind.LOSS),
            _line_groups(
                reason=lambda: F("voucher__reason"),
                year=lambda: ExtractYear("voucher__posted_at"),
            ),
        ),
        Source(
            "destructions",
            lambda ctx: _posted_lines(ctx).filter(
                voucher__kind=Kind.DESTRUCTION, after__status="destroyed"
            ),
            _line_groups(method=lambda: F("voucher__destruction__method")),
        ),
        Source(
            "traces",
            _traces,
            {
                "direction": lambda: F("direction"),
                "state": lambda: F("state"),
                "outcome": lambda: F("outcome"),
                "timeliness": _trace_timeliness,
                "requester": lambda: F("requester_kind"),
            },
            kind="trace",
        ),
        Source(
            "open_cases",
            _open_cases,
            {"kind": lambda: F("kind"), "site": lambda: F("site__code")},
            kind="case",
        ),
        Source("journal", _journal, {"kind": lambda: F("kind")}, kind="entry"),
    ]
}


# --- ATT categories of lines ----------------------------------------------------------------


def _type_att() -> dict[int, str]:
    return {
        t.pk: reporting.att_category(t.category, t.calibre)
        for t in WeaponType.objects.only("pk", "category", "calibre")
    }


def _att_filter(code: str) -> Q:
    ids = [pk for pk, att in _type_att().items() if att == code]
    return Q(voucher__transfer_document__att_category=code) | (
        Q(voucher__transfer_document__att_category__isnull=True)
        | Q(voucher__transfer_document__att_category="")
    ) & Q(weapon__weapon_type_id__in=ids)


# --- counting and listing ---------------------------------------------------------------------


def _source(key: str) -> Source:
    try:
        return SOURCES[key]
    except KeyError:
        raise ValidationError(
            gettext_noop("Unknown figure source %(source)s."),
            params={"source": key},
            details={"source": gettext_noop("Unknown figure source.")},
        ) from None


def _apply(source: Source, qs: QuerySet, filters: dict) -> QuerySet:
    for name, value in filters.items():
        if name not in source.groups:
            raise ValidationError(
                gettext_noop("A figure of %(source)s cannot be filtered by %(name)s."),
                params={"source": source.key, "name": name},
                details={name: gettext_noop("Unknown filter.")},
            )
        if name == "att":
            qs = qs.filter(_att_filter(str(value)))
            continue
        alias = f"_f_{name}"
        qs = qs.annotate(**{alias: source.groups[name]()})
        if name in {"month", "year"}:
            try:
                value = int(value)
            except (TypeError, ValueError):
                raise ValidationError(
                    gettext_noop("%(name)s must be a whole number."),
                    params={"name": name},
                    details={name: gettext_noop("A whole number.")},
                ) from None
        qs = qs.filter(**{alias: value})
    return qs


def records(source_key: str, ctx: Context, filters: dict | None = None) -> QuerySet:
    """The records of ``source_key`` in ``ctx`` with ``filters`` ({group: value})."""
    source = _source(source_key)
    return _apply(source, source.records(ctx), dict(filters or {}))


def count(
    source_key: str, ctx: Context, filters: dict | None = None, group: str | list = ""
) -> dict[str, int]:
    """``{key: count}`` of the records, by ``group`` (a group name or a list of them; a key
    joins the values of several groups with ``|``), or ``{"": total}`` without a group."""
    source = _source(source_key)
    qs = records(source_key, ctx, filters)
    groups = [group] if isinstance(group, str) else list(group)
    groups = [g for g in groups if g]
    if not groups:
        return {"": qs.count()}
    for name in groups:
        if name not in source.groups:
            raise ValidationError(
                gettext_noop("A figure of %(source)s cannot be grouped by %(name)s."),
                params={"source": source_key, "name": name},
            )
    # The month and year of a line are its voucher's: counted by voucher, then dated once per
    # voucher (SQLite extracts a date part in Python, row by row).
    dated = {"month", "year"} & set(groups) if source.kind == "line" else set()
    aliases = {
        name: f"_g_{name}" for name in groups if name != "att" and not (dated and name in dated)
    }
    qs = qs.annotate(**{alias: source.groups[name]() for name, alias in aliases.items()})
    fields = list(aliases.values())
    if "att" in groups:
        fields += ["voucher__transfer_document__att_category", "weapon__weapon_type_id"]
        by_type = _type_att()
    if dated:
        fields.append("voucher_id")
    rows = list(qs.values(*fields).annotate(n=Count("pk")).order_by())
    when = {}
    if dated:
        ids = {row["voucher_id"] for row in rows}
        when = {
            pk: timezone.localtime(at)
            for pk, at in Voucher.objects.filter(pk__in=ids).values_list("pk", "posted_at")
        }
    out: dict[str, int] = {}
    for row in rows:
        parts = []
        for name in groups:
            if name == "att":
                value = row["voucher__transfer_document__att_category"] or by_type.get(
                    row["weapon__weapon_type_id"], "VIII.SA.6"
                )
            elif dated and name in dated:
                value = getattr(when[row["voucher_id"]], name)
            else:
                value = row[aliases[name]]
            parts.append("" if value is None else str(value))
        key = "|".join(parts)
        out[key] = out.get(key, 0) + row["n"]
    return out
