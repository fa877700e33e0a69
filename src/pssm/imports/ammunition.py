"""Import of a legacy register of ammunition lots, posted through the movement engine's lot
part (:mod:`pssm.movements.lotpost`)."""

from __future__ import annotations

import difflib
import logging
from collections.abc import Callable
from datetime import UTC, datetime

from django.db import transaction
from django.utils import timezone

from pssm.ammunition.safety import rules_for_site
from pssm.domain.errors import PssmError, gettext_noop
from pssm.domain.explosives.qd import check_lot_size
from pssm.journal.services import journal_append
from pssm.movements.models import Voucher, VoucherLine
from pssm.sites.models import Site, StorageLocation

from . import columns, parsing
from .jobs import (
    Outcome,
    _finish,
    _open_job,
    _reason_text,
    _receipt_voucher,
)
from .models import ImportJob
from .parsing import RowError, _key

logger = logging.getLogger(__name__)


def ammunition_import(
    *,
    actor,
    site: Site,
    path,
    file_name: str = "",
    mapping: dict[int, str] | None = None,
    location: StorageLocation | None = None,
    dry_run: bool = False,
    all_or_nothing: bool = False,
    chunk_size: int = 200,
    progress: Callable[[ImportJob], None] | None = None,
    translate=lambda s: s,
    job: ImportJob | None = None,
    stop_after_chunks: int | None = None,
) -> Outcome:
    """Import a stock list of ammunition lots into ``site``: each chunk becomes one posted
    receipt voucher, checked like any other (condition, compatibility, licence, QD); a chunk
    that breaks a safety rule is rejected whole, with the rule named on each of its rows."""
    from pssm.ammunition.models import CONDITION_CHOICES, Lot, Nature
    from pssm.domain.stock import normalise_lot_number
    from pssm.movements import lotpost
    from pssm.movements import lots as lot_engine

    table, mapping, start_after, job = _open_job(
        "ammunition",
        actor=actor,
        site=site,
        path=path,
        file_name=file_name,
        mapping=mapping,
        dry_run=dry_run,
        all_or_nothing=all_or_nothing,
        job=job,
        resume=True,
    )
    outcome = Outcome(job=job, headers=table.headers)
    heads = {
        name: (table.headers[i] if i < len(table.headers) else name) for i, name in mapping.items()
    }
    natures = {}
    for n in Nature.objects.filter(is_active=True):
        natures[_key(n.code)] = n
        natures[_key(n.nomenclature)] = n
        if n.nomenclature_fr:
            natures[_key(n.nomenclature_fr)] = n
    locations = {loc.code: loc for loc in StorageLocation.objects.filter(building__site=site)}
    conditions = {code for code, _label in CONDITION_CHOICES}
    today = datetime.now(UTC).date()
    rules = rules_for_site(site)
    seen: dict[tuple[str, int], int] = {}
    # The nature of every registered lot, read once instead of once per row.
    known_lots = dict(Lot.objects.values_list("lot_number_norm", "nature__code"))

    def reject(number, cells, exc: RowError):
        outcome.rejected += 1
        outcome.rejects.append(
            (number, cells, _reason_text(exc, heads.get(exc.column, exc.column), translate))
        )

    def parse(cells):
        v = parsing.mapped_values(cells, mapping)
        try:
            norm, _iatg = normalise_lot_number(v.get("lot_number", ""))
        except PssmError as exc:
            raise RowError("lot_number", exc.message_template, **exc.params) from None
        nature = natures.get(_key(v.get("nature", "")))
        if nature is None:
            close = difflib.get_close_matches(
                _key(v.get("nature", "")), list(natures), n=2, cutoff=0.6
            )
            raise RowError(
                "nature",
                gettext_noop("unknown nature “%(value)s”%(hint)s"),
                value=v.get("nature", ""),
                hint=f" ({' / '.join(natures[c].code for c in close)}?)" if close else "",
            )
        text = v.get("quantity", "").replace(" ", "").replace("\u202f", "")
        if not text.isdigit() or int(text) <= 0:
            raise RowError(
                "quantity",
                gettext_noop("“%(value)s” is not a whole number above zero"),
                value=v.get("quantity", ""),
            )
        try:
            check_lot_size(
                lot=norm,
                quantity=int(text),
                neq_kg_per_unit=nature.neq_kg_per_unit,
                max_quantity=nature.max_lot_quantity,
                rules=rules,
            )
        except PssmError as exc:
            raise RowError("quantity", exc.message_template, **exc.params) from None
        where = v.get("location", "").strip().upper()
        loc = locations.get(where) or locations.get(f"{site.code}-{where}") if where else location
        if loc is None:
            raise RowError(
                "location",
                gettext_noop("no storage location “%(value)s” at this site"),
                value=where,
            )
        condition = (v.get("condition_code") or "A").strip().upper()[:1]
        if condition not in conditions:
            raise RowError(
                "condition_code",
                gettext_noop("unknown condition code “%(value)s”"),
                value=v.get("condition_code"),
            )
        try:
            year = columns.parse_year(v.get("year_of_manufacture", ""), today=today)
        except ValueError as exc:
            raise RowError("year_of_manufacture", str(exc)) from None
        registered = known_lots.get(norm)
        if registered is not None and registered != nature.code:
            raise RowError(
                "nature",
                gettext_noop("lot %(lot)s is registered as %(registered)s"),
                lot=norm,
                registered=registered,
            )
        return {
            "lot_number": v.get("lot_number", "").strip(),
            "norm": norm,
            "nature": nature,
            "quantity": int(text),
            "location": loc,
            "condition_code": condition,
            "manufacturer": v.get("manufacturer", "")[:80],
            "year_of_manufacture": year,
        }

    def post(chunk, last_row):
        if dry_run:
            outcome.imported += len(chunk)
            return
        try:
            with transaction.atomic():
                now = timezone.now()
                voucher = _receipt_voucher(
                    job,
                    actor,
                    chunk[0][0],
                    last_row,
                    now,
                    location=chunk[0][2]["location"],
                    state=Voucher.State.SUBMITTED,
                )
                lines = []
                for _n, _c, d in chunk:
                    lot = lot_engine.find_or_register_lot(
                        voucher,
                        d["lot_number"],
                        d["nature"],
                        {
                            "condition_code": d["condition_code"],
                            "manufacturer": d["manufacturer"],
                            "year_of_manufacture": d["year_of_manufacture"],
                        },
                    )
                    lines.append(
                        VoucherLine(
                            voucher=voucher,
                            lot=lot,
                            quantity=d["quantity"],
                            location=d["location"],
                            serial="",
                        )
                    )
                VoucherLine.objects.bulk_create(lines)
                lines = list(
                    voucher.lines.select_related("location", "reversed_line").order_by("pk")
                )
                posted = lotpost.post_lot_lines(voucher, lines, now)
                records, facts = posted.records, posted.facts
                Voucher.objects.filter(pk=voucher.pk).update(
                    state=Voucher.State.POSTED, posted_at=now
                )
                journal_append(
                    actor=actor,
                    kind="import.ammunition",
                    payload={
                        "job": job.pk,
                        "file": job.file_name,
                        "sha256": job.file_sha256,
                        "voucher": voucher.number,
                        "rows": [chunk[0][0], last_row],
                        "lines": records,
                    },
                    scope=site.scope,
                    facts={"ref": ["import", voucher.number], **facts},
                )
                ImportJob.objects.filter(pk=job.pk).update(last_row=last_row)
        except PssmError as exc:
            for n, cells, _d in chunk:
                outcome.rejected += 1
                outcome.rejects.append((n, cells, exc.render(translate)))
            return
        job.last_row = last_row
        outcome.imported += len(chunk)

    chunk, done, number = [], 0, start_after
    for number, cells in table.rows:
        outcome.rows += 1
        if number <= start_after:
            outcome.skipped += 1
            continue
        try:
            data = parse(cells)
        except RowError as exc:
            reject(number, cells, exc)
            continue
        key = (data["norm"], data["location"].pk)
        if key in seen:
            reject(
                number,
                cells,
                RowError(
                    "lot_number",
                    gettext_noop("same lot and location as row %(row)s"),
                    row=seen[key],
                ),
            )
            continue
        seen[key] = number
        chunk.append((number, cells, data))
        if len(chunk) >= chunk_size and not all_or_nothing:
            post(chunk, number)
            chunk, done = [], done + 1
            if stop_after_chunks is not None and done >= stop_after_chunks:
                return _finish(job, outcome, ImportJob.State.RUNNING)
    if all_or_nothing and outcome.rejected:
        outcome.imported = 0
        return _finish(job, outcome, ImportJob.State.FAILED)
    if chunk:
        post(chunk, number)
    return _finish(job, outcome, ImportJob.State.CHECKED if dry_run else ImportJob.State.DONE)
