"""Rows as bundles carry them, and their application on the receiving node.

A row's id is not the same on two nodes. A bundle names each row, and each row it refers
to, by its *global id*: ``<node where it was created>/<its id there>``. A node keeps, for the
rows it took from others, the global id beside its own id (``RowMap``); a row it created
has the global id ``<this node>/<id>``.

A carried row is ``[table, global id, values]``: ``values`` maps each column to its value
(the global id for a reference), or is None for a deleted row. The receiver applies a
bundle's rows table by table in reference order (:func:`pssm.sync.tables.ordered`), in the
caller's transaction, and refuses the whole bundle when a reference cannot be resolved.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db import IntegrityError, connection
from django.db.models import Q

from pssm.domain.errors import ConflictError, gettext_noop
from pssm.movements.bulk import allocate_ids, id_sequence

from . import tables
from .models import RowMap

BATCH = 2000


def chunks(items: list, size: int = BATCH):
    for start in range(0, len(items), size):
        yield items[start : start + size]


class Ids:
    """Global ids of this node's rows, and its ids of global ids, cached per bundle."""

    def __init__(self, node: str) -> None:
        self.node = node
        self.prefix = f"{node}/"
        self._gid: dict[tuple[str, int], str] = {}
        self._local: dict[tuple[str, str], int | None] = {}

    def gids(self, tbl: str, pks: Iterable[int]) -> dict[int, str]:
        pks = [int(pk) for pk in pks if pk is not None]
        missing = [pk for pk in set(pks) if (tbl, pk) not in self._gid]
        for part in chunks(missing):
            found = dict(
                RowMap.objects.filter(tbl=tbl, local_pk__in=part).values_list("local_pk", "gid")
            )
            for pk in part:
                self._gid[(tbl, pk)] = found.get(pk) or f"{self.prefix}{pk}"
        return {pk: self._gid[(tbl, pk)] for pk in pks}

    def locals(self, tbl: str, gids: Iterable[str]) -> dict[str, int | None]:
        gids = [g for g in gids if g is not None]
        missing = [g for g in set(gids) if (tbl, g) not in self._local]
        foreign = []
        for gid in missing:
            if gid.startswith(self.prefix):
                self._local[(tbl, gid)] = int(gid[len(self.prefix) :])
            else:
                foreign.append(gid)
        for part in chunks(foreign):
            found = dict(
                RowMap.objects.filter(tbl=tbl, gid__in=part).values_list("gid", "local_pk")
            )
            for gid in part:
                self._local[(tbl, gid)] = found.get(gid)
        return {g: self._local[(tbl, g)] for g in gids}

    def learn(self, tbl: str, gid: str, pk: int) -> None:
        self._local[(tbl, gid)] = pk
        self._gid[(tbl, pk)] = gid


def _holding_persons(label: str, rows: list[dict]) -> set:
    found = set()
    for row in rows:
        for name in tables.HOLDINGS.get(label, ()):
            ref = (row.get(name) or {}).get("custodian") or ""
            if ref.startswith("person:"):
                found.add(ref[7:])
    return found


def _renamed_holdings(label: str, values: dict, names: dict) -> dict:
    """``values`` with the person of each holding column renamed through ``names``; a person
    ``names`` lacks is kept as an id no person here has (named "no longer registered")."""
    for name in tables.HOLDINGS.get(label, ()):
        holding = values.get(name)
        ref = (holding or {}).get("custodian") or ""
        if ref.startswith("person:"):
            found = names.get(ref[7:])
            values[name] = {**holding, "custodian": f"person:{found if found else 0}"}
    return values


def export(ids: Ids, wanted: dict[str, set[int]], deleted: dict[str, set[int]] | None = None):
    """The carried form of the rows ``wanted`` (label -> ids), in reference order; ids of
    ``deleted`` (label -> ids) are carried as deletions."""
    deleted = deleted or {}
    out = []
    for label in tables.ordered():
        pks = sorted(wanted.get(label, ()))
        gone = sorted(deleted.get(label, ()))
        if not pks and not gone:
            continue
        model = tables.model(label)
        tbl = model._meta.db_table
        fields = tables.carried_fields(label)
        names = [f.attname for f in fields]
        refs = {f.attname: f.related_model._meta.db_table for f in fields if f.is_relation}
        for part in chunks(pks):
            rows = list(model.objects.filter(pk__in=part).order_by("pk").values("pk", *names))
            own = ids.gids(tbl, [r["pk"] for r in rows])
            targets = {
                name: ids.gids(target, [r[name] for r in rows]) for name, target in refs.items()
            }
            person_tbl = tables.table(tables.PERSON)
            persons = {
                str(pk): gid
                for pk, gid in ids.gids(
                    person_tbl, [int(p) for p in _holding_persons(label, rows) if p.isdigit()]
                ).items()
            }
            for row in rows:
                values = {name: row[name] for name in names}
                for name in refs:
                    if values[name] is not None:
                        values[name] = targets[name][values[name]]
                out.append([tbl, own[row["pk"]], _renamed_holdings(label, values, persons)])
        for gid in ids.gids(tbl, gone).values():
            out.append([tbl, gid, None])
    return out


def _refused(message: str, **params) -> ConflictError:
    return ConflictError(message, code="bundle_rows", params=params)


def apply(ids: Ids, records: list) -> dict[str, list[int]]:
    """Apply carried rows here (inside the caller's transaction); returns label -> the local
    ids written. Refuses the whole bundle on a row it cannot place."""
    by_tbl: dict[str, list] = defaultdict(list)
    known = tables.by_table()
    for record in records:
        if not (isinstance(record, list) and len(record) == 3 and record[0] in known):
            raise _refused(gettext_noop("The bundle carries a record of an unknown kind."))
        by_tbl[record[0]].append(record)
    written: dict[str, list[int]] = {}
    for label in tables.ordered():
        tbl = tables.table(label)
        if tbl in by_tbl:
            written[label] = _apply_table(ids, label, by_tbl[tbl])
    return written


def _apply_table(ids: Ids, label: str, records: list) -> list[int]:
    model = tables.model(label)
    tbl = model._meta.db_table
    fields = tables.carried_fields(label)
    by_name = {f.attname: f for f in fields}
    refs = {f.attname: f.related_model._meta.db_table for f in fields if f.is_relation}
    self_refs = [name for name, target in refs.items() if target == tbl]
    local = ids.locals(tbl, [r[1] for r in records])
    # Rows this node created that it no longer holds (a node restored from an older backup
    # takes its own later rows back from national) are written again under their own ids.
    again = _own_missing(ids, model, local)
    for gid in again:
        local[gid] = None
    # resolve every reference to another table first
    wanted: dict[str, set[str]] = defaultdict(set)
    for _t, _gid, values in records:
        if values is None:
            continue
        if not isinstance(values, dict) or set(values) - set(by_name):
            raise _refused(
                gettext_noop("The bundle carries a %(table)s record with unknown columns."),
                table=tbl,
            )
        for name, target in refs.items():
            if values.get(name) is not None and target != tbl:
                wanted[target].add(values[name])
    resolved = {target: ids.locals(target, gids) for target, gids in wanted.items()}
    carried = [v for _t, _g, v in records if isinstance(v, dict)]
    persons = ids.locals(tables.table(tables.PERSON), _holding_persons(label, carried))
    inserts, updates, deletes, deferred = [], [], [], []
    for _t, gid, values in records:
        pk = local.get(gid)
        if values is None:
            if pk is not None:
                deletes.append(pk)
            continue
        values = _renamed_holdings(label, dict(values), persons)
        row = {}
        for name, field in by_name.items():
            value = values.get(name)
            if name in refs and value is not None:
                if refs[name] == tbl:
                    deferred.append((gid, name, value))
                    value = None
                else:
                    value = resolved[refs[name]].get(value)
                    if value is None:
                        raise _refused(
                            gettext_noop(
                                "The bundle's %(table)s record %(gid)s refers to %(target)s "
                                "%(ref)s, which this node does not hold."
                            ),
                            table=tbl,
                            gid=gid,
                            target=refs[name],
                            ref=values.get(name),
                        )
            elif value is not None:
                value = field.to_python(value)
            if value is None and name in self_refs and pk is not None:
                continue  # kept until the deferred pass
            row[name] = value
        if pk is None:
            inserts.append((gid, row))
        else:
            updates.append((pk, row))
    if inserts and label not in tables.OWNER:
        inserts = _adopt(ids, model, inserts, updates)
    written = []
    try:
        if deletes:
            model.objects.filter(pk__in=deletes).delete()
        for pk, row in updates:
            model.objects.filter(pk=pk).update(**_named(model, row))
            written.append(pk)
        if inserts:
            new_ids = _ids_for(tbl, inserts, again)
            cols = ("id", *[by_name[n].column for n in by_name])
            values = []
            maps = []
            for new_id, (gid, row) in zip(new_ids, inserts, strict=True):
                values.append((new_id, *[_db(by_name[n], row.get(n)) for n in by_name]))
                ids.learn(tbl, gid, new_id)
                if not gid.startswith(ids.prefix):
                    maps.append(RowMap(tbl=tbl, gid=gid, local_pk=new_id))
                written.append(new_id)
            quote = connection.ops.quote_name
            sql = (
                f"INSERT INTO {quote(tbl)} ({', '.join(quote(c) for c in cols)}) "  # noqa: S608
                f"VALUES ({', '.join(['%s'] * len(cols))})"
            )
            with connection.cursor() as cursor:
                for part in chunks(values):
                    cursor.executemany(sql, part)
            RowMap.objects.bulk_create(maps, batch_size=BATCH)
        for gid, name, target in deferred:
            pk = ids.locals(tbl, [gid])[gid]
            target_pk = ids.locals(tbl, [target])[target]
            if target_pk is None:
                raise _refused(
                    gettext_noop(
                        "The bundle's %(table)s record %(gid)s refers to %(target)s %(ref)s, "
                        "which this node does not hold."
                    ),
                    table=tbl,
                    gid=gid,
                    target=tbl,
                    ref=target,
                )
            model.objects.filter(pk=pk).update(**{name: target_pk})
    except IntegrityError as exc:
        raise _refused(
            gettext_noop(
                "The bundle's %(table)s records clash with the rows of this node: %(error)s"
            ),
            table=tbl,
            error=str(exc).splitlines()[0][:200],
        ) from None
    return written


def _own_missing(ids: Ids, model, local: dict[str, int | None]) -> dict[str, int]:
    """The global ids of rows created here (``<this node>/<id>``) that this node does not
    hold, with their ids."""
    own = {gid: pk for gid, pk in local.items() if pk is not None and gid.startswith(ids.prefix)}
    if not own:
        return {}
    held: set[int] = set()
    for part in chunks(sorted(set(own.values()))):
        held.update(model.objects.filter(pk__in=part).values_list("pk", flat=True))
    return {gid: pk for gid, pk in own.items() if pk not in held}


def _ids_for(tbl: str, inserts: list, again: dict[str, int]) -> list[int]:
    """The ids of the rows to insert: their own for the rows written again, fresh ones above
    every id in use for the others."""
    n = sum(gid not in again for gid, _row in inserts)
    top = max(again.values(), default=0)
    if top:
        raise_id_sequence(tbl, top)
    fresh = allocate_ids(tbl, id_sequence(tbl), n) if n else []
    if fresh and fresh[0] <= top:  # SQLite counts from the highest id held
        fresh = [pk + top - fresh[0] + 1 for pk in fresh]
    it = iter(fresh)
    return [again[gid] if gid in again else next(it) for gid, _row in inserts]


def raise_id_sequence(tbl: str, at_least: int) -> None:
    """Make the next id ``tbl`` gives greater than ``at_least``."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sequence = id_sequence(tbl)
            cursor.execute(
                "SELECT setval(%s::regclass, GREATEST(%s, (SELECT last_value FROM "  # noqa: S608
                f"{sequence})))",
                [sequence, at_least],
            )
            return
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [tbl])
        row = cursor.fetchone()
        if row is None:
            cursor.execute(
                "INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [tbl, at_least]
            )
        elif row[0] < at_least:
            cursor.execute("UPDATE sqlite_sequence SET seq = %s WHERE name = %s", [at_least, tbl])


def natural_keys(model) -> list[tuple[str, ...]]:
    """The column sets that name a row of ``model`` on every node (its unique fields and
    unconditional unique constraints)."""
    out = [(f.attname,) for f in model._meta.concrete_fields if f.unique and not f.primary_key]
    for constraint in model._meta.constraints:
        fields = getattr(constraint, "fields", None)
        if fields and getattr(constraint, "condition", None) is None:
            out.append(tuple(model._meta.get_field(name).attname for name in fields))
    return out


def _adopt(ids: Ids, model, inserts: list, updates: list) -> list:
    """Master rows that this node already holds under the same natural key (the seed data
    every installation's migrations write) are taken as the same rows, not inserted twice."""
    keys = natural_keys(model)
    if not keys:
        return inserts
    tbl = model._meta.db_table
    left, maps = [], []
    for gid, row in inserts:
        found = None
        for key in keys:
            if all(row.get(name) is not None for name in key):
                found = (
                    model.objects.filter(**{name: row[name] for name in key})
                    .values_list("pk", flat=True)
                    .first()
                )
                if found is not None:
                    break
        if found is None:
            left.append((gid, row))
            continue
        updates.append((found, row))
        ids.learn(tbl, gid, found)
        if not gid.startswith(ids.prefix):
            maps.append(RowMap(tbl=tbl, gid=gid, local_pk=found))
    RowMap.objects.bulk_create(maps)
    return left


def _named(model, row: dict) -> dict:
    """Column values keyed for ``QuerySet.update`` (``site_id`` -> ``site_id`` works as is)."""
    return row


def _db(field, value):
    if value is None:
        return None
    return field.get_db_prep_save(value, connection)


def owners(label: str, pks: list[int]) -> dict[int, tuple]:
    """The site ids a site record belongs to: its own site, and for the rows addressed to
    another site, that site too."""
    model = tables.model(label)
    paths = [tables.OWNER[label], *tables.ADDRESSED.get(label, ())]
    out: dict[int, tuple] = {}
    for part in chunks(pks):
        # a path through a many-valued relation gives one row per related row: merge them,
        # the site the row belongs to first
        for row in model.objects.filter(pk__in=part).values_list("pk", *paths):
            known = out.get(row[0], (row[1],))
            out[row[0]] = known + tuple(v for v in row[2:] if v is not None and v not in known)
    return out


def addressed_to(label: str, site_id: int, pks: list[int]) -> set[int]:
    """Which of ``pks`` (rows of a site record table) concern ``site_id`` without belonging
    to it: transfers dispatched to it, what is on its way to it, cases its dispatches opened."""
    paths = tables.ADDRESSED.get(label)
    if not paths:
        return set()
    model = tables.model(label)
    query = Q()
    for path in paths:
        query |= Q(**{path: site_id})
    out = set()
    for part in chunks(pks):
        out |= set(
            model.objects.filter(query, pk__in=part)
            .exclude(**{tables.OWNER[label]: site_id})
            .values_list("pk", flat=True)
            .distinct()
        )
    return out
