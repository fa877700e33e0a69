"""Destruction of weapons and ammunition (IATG 10.10, MOSAIC 05.50).

1. **Plan** (:func:`destruction_plan`): the method, the place, the date and the order or
   authority. This opens a draft voucher of kind *destruction*, whose lines are the items:
   weapons by serial, lots by lot and quantity, added like any voucher's lines.
2. **Record** (:func:`destruction_record`), on the day:
   - for each weapon, whether it was destroyed; a weapon on the list that is not physically
     present opens a discrepancy case when the voucher posts;
   - for each lot, how many units were destroyed (at most the planned quantity; the rest
     stays in store);
   - the witnesses: at least two different people, at least one from outside the holding
     unit;
   - photos before and after (:func:`destruction_photo_add`).
   The voucher is then submitted.
3. **Certificate**: the site's approver approves the voucher and the movement engine posts it.
   Only then are the weapons *destroyed* and the units gone. The certificate is the posted
   voucher, printed with its witnesses, its planned and destroyed quantities, signature lines
   and a QR code (:mod:`.destruction_pdf`).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone

from pssm.accounts import authz
from pssm.core.services import invalid
from pssm.domain import destruction as rules
from pssm.domain.access import Action
from pssm.domain.errors import ConflictError, gettext_noop
from pssm.domain.ledger import Kind
from pssm.journal.services import journal_append

from . import drafts
from .models import Destruction, DestructionPhoto, Voucher, VoucherLine


def destruction_plan(
    *, actor, site, method: str, place: str, planned_date: date, authority: str = "", notes=""
) -> Destruction:
    """Plan a destruction at ``site`` (see the module); returns it with its draft voucher."""
    authz.check(actor, Action.VOUCHER_PREPARE, site)
    if method not in Destruction.Method.values:
        raise invalid(gettext_noop("Choose the method of destruction."), "method")
    place = (place or "").strip()
    if len(place) < 3:
        raise invalid(gettext_noop("Say where the destruction takes place."), "place")
    if not isinstance(planned_date, date):
        raise invalid(gettext_noop("Give the planned date."), "planned_date")
    rules.check_planned_date(planned_date, timezone.localdate())
    with transaction.atomic():
        voucher = drafts.voucher_create(
            actor=actor,
            site=site,
            kind=Kind.DESTRUCTION.value,
            notes=(notes or "").strip(),
            planned_destruction=True,
        )
        destruction = Destruction.objects.create(
            voucher=voucher,
            method=method,
            place=place[:200],
            planned_date=planned_date,
            authority=(authority or "").strip()[:200],
            notes=(notes or "").strip(),
        )
        journal_append(
            actor=actor,
            kind="destruction.planned",
            payload={
                "voucher": voucher.number,
                "method": method,
                "place": destruction.place,
                "planned_date": planned_date.isoformat(),
                "authority": destruction.authority,
            },
            scope=site.scope,
        )
    return destruction


def destruction_record(
    *,
    actor,
    destruction: Destruction,
    destroyed_on: date,
    witnesses: list[dict],
    results: dict[int, object],
    notes: str = "",
    today: date | None = None,
) -> Destruction:
    """Record the day of the destruction and submit its voucher. ``results`` gives, per
    line id, True or False for a weapon (destroyed or not there), or the number of units
    destroyed for a lot; every line must have its result."""
    today = today or timezone.localdate()
    with transaction.atomic():
        d = (
            Destruction.objects.select_for_update()
            .select_related("voucher__site")
            .get(pk=destruction.pk)
        )
        v = d.voucher
        authz.check(actor, Action.VOUCHER_PREPARE, v)
        if v.state != Voucher.State.DRAFT:
            raise drafts.state_conflict(v, "draft")
        if not isinstance(destroyed_on, date):
            raise invalid(gettext_noop("Give the date of the destruction."), "destroyed_on")
        people = rules.check_witnesses(witnesses)
        lines = list(v.lines.select_related("lot").order_by("pk"))
        if not lines:
            raise invalid(gettext_noop("Add the items to destroy first."), "lines")
        rules.check_destroyed_on(
            destroyed_on,
            today=today,
            opened_on=timezone.localdate(v.created_at),
            years_made=[line.lot.year_of_manufacture for line in lines if line.lot_id],
        )
        changed = []
        for line in lines:
            if line.pk not in results:
                raise invalid(
                    gettext_noop("Say what became of %(item)s."),
                    "results",
                    item=line.lot.lot_number if line.lot_id else line.serial,
                )
            value = results[line.pk]
            if line.lot_id:
                try:
                    got = int(str(value).strip())
                except (TypeError, ValueError):
                    got = -1
                if not 0 <= got <= line.quantity:
                    raise invalid(
                        gettext_noop(
                            "Lot %(lot)s: give the units destroyed, from 0 to %(planned)s."
                        ),
                        "results",
                        lot=line.lot.lot_number,
                        planned=line.quantity,
                    )
                line.quantity_received = got
            else:
                line.received = bool(value)
            changed.append(line)
        VoucherLine.objects.bulk_update(changed, ["received", "quantity_received"])
        d.destroyed_on, d.witnesses, d.recorded_at = destroyed_on, people, timezone.now()
        if notes:
            d.notes = (notes or "").strip()
        d.save(update_fields=["destroyed_on", "witnesses", "recorded_at", "notes"])
        journal_append(
            actor=actor,
            kind="destruction.recorded",
            payload={
                "voucher": v.number,
                "destroyed_on": destroyed_on.isoformat(),
                "witnesses": people,
                "results": [
                    {
                        "item": line.lot.lot_number if line.lot_id else line.serial,
                        "planned": line.quantity or 1,
                        "destroyed": line.quantity_received
                        if line.lot_id
                        else int(bool(line.received)),
                    }
                    for line in changed
                ],
            },
            scope=v.scope,
        )
        drafts.voucher_submit(actor=actor, voucher=v)
    d.refresh_from_db()
    return d


def destruction_photo_add(*, actor, destruction: Destruction, stage: str, upload):
    from pssm.core.photos import store_photo

    authz.check(actor, Action.VOUCHER_PREPARE, destruction)
    if stage not in DestructionPhoto.Stage.values:
        raise invalid(gettext_noop("Say whether the photo is from before or after."), "stage")
    if destruction.voucher.state in {Voucher.State.POSTED, Voucher.State.CANCELLED}:
        raise ConflictError(gettext_noop("This destruction is closed: no photo can be added."))
    with transaction.atomic():
        stored = store_photo(upload)
        photo = DestructionPhoto.objects.create(
            destruction=destruction,
            stage=stage,
            **stored.fields(actor),
        )
        journal_append(
            actor=actor,
            kind="destruction.photo_added",
            payload={
                "voucher": destruction.voucher.number,
                "stage": stage,
                "sha256": stored.sha256,
            },
            scope=destruction.scope,
        )
    return photo


def destruction_list(*, user, year: int | None = None):
    authz.check_anywhere(user, Action.AGGREGATES_VIEW)
    qs = authz.scoped(user, Action.AGGREGATES_VIEW, Destruction.objects.all())
    if year:
        qs = qs.filter(planned_date__year=year)
    return qs.select_related("voucher__site").order_by("-planned_date", "-pk")


def destruction_get(*, user, pk: int) -> Destruction:
    from pssm.domain.errors import NotFoundError

    found = destruction_list(user=user).filter(pk=pk).first()
    if found is None:
        raise NotFoundError(gettext_noop("No such destruction."))
    return found


def destructions_by_year(*, user) -> list[dict]:
    """Certified (posted) destructions in the user's reach, per year and method: how many,
    the weapons destroyed and the ammunition units destroyed."""
    posted = destruction_list(user=user).filter(voucher__state=Voucher.State.POSTED)
    weapons = (
        VoucherLine.objects.filter(voucher__destruction__in=posted, lot__isnull=True, received=True)
        .values("voucher__destruction__destroyed_on__year", "voucher__destruction__method")
        .annotate(n=Count("pk"))
    )
    units = (
        VoucherLine.objects.filter(voucher__destruction__in=posted, lot__isnull=False)
        .values("voucher__destruction__destroyed_on__year", "voucher__destruction__method")
        .annotate(n=Sum("quantity_received"))
    )
    counted = posted.values("destroyed_on__year", "method").annotate(n=Count("pk"))
    table: dict[tuple, dict] = defaultdict(lambda: {"count": 0, "weapons": 0, "units": 0})
    for row in counted:
        table[(row["destroyed_on__year"], row["method"])]["count"] = row["n"]
    for rows, key in ((weapons, "weapons"), (units, "units")):
        for row in rows:
            year = row["voucher__destruction__destroyed_on__year"]
            table[(year, row["voucher__destruction__method"])][key] = row["n"] or 0
    labels = dict(Destruction.Method.choices)
    return [
        {"year": year, "method": method, "method_label": labels.get(method, method), **values}
        for (year, method), values in sorted(
            table.items(), key=lambda kv: (-(kv[0][0] or 0), kv[0][1])
        )
    ]


def destruction_totals(lines) -> dict[str, tuple[int, int]]:
    """Planned and destroyed, for weapons and for ammunition units apart (never added)."""
    totals = {"weapons": [0, 0], "units": [0, 0]}
    for line in lines:
        if line.lot_id:
            totals["units"][0] += line.quantity or 0
            totals["units"][1] += line.quantity_received or 0
        else:
            totals["weapons"][0] += 1
            totals["weapons"][1] += 1 if line.received else 0
    return {key: tuple(value) for key, value in totals.items() if value[0]}
