"""Write services of inspections: start, answer, close (scored), corrective actions.

Each call checks authorisation (inspection.record on the site), validates, writes and journals
in one transaction. A closed inspection is never changed; a later inspection records progress.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from pssm.accounts import authz
from pssm.core.services import invalid
from pssm.domain import inspections as rrpl
from pssm.domain.access import Action
from pssm.domain.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    gettext_noop,
)
from pssm.domain.rules import load
from pssm.journal.services import journal_append

from .models import (
    AccessEntry,
    ChecklistQuestion,
    ChecklistTemplate,
    CorrectiveAction,
    Count,
    CountLotEntry,
    CountScan,
    Inspection,
    InspectionAnswer,
    InspectionPhoto,
    Key,
    KeyLoan,
)
from .scans import check_not_scanned


def checklist_seed() -> ChecklistTemplate:
    """The shipped checklist (rule CHECKLIST.PSSM-2026), created once."""
    rule = load("inspections")["CHECKLIST.PSSM-2026"]
    data = rule.value
    template, created = ChecklistTemplate.objects.get_or_create(
        code=data["code"],
        defaults={
            "title_en": data["title_en"],
            "title_fr": data["title_fr"],
            "source": rule.source,
        },
    )
    if created:
        na_allowed = set(data.get("not_applicable_allowed", ()))
        ChecklistQuestion.objects.bulk_create(
            ChecklistQuestion(
                template=template,
                code=code,
                domain=domain,
                order=i,
                weight=weight,
                critical_levels=critical,
                evidence_required=evidence,
                na_allowed=not critical or code in na_allowed,
                source_clause=source,
                text_en=text_en,
                text_fr=text_fr,
            )
            for i, (
                code,
                domain,
                weight,
                critical,
                evidence,
                source,
                text_en,
                text_fr,
            ) in enumerate(data["questions"])
        )
    return template


def thresholds() -> dict[int, Decimal]:
    return {int(k): Decimal(v) for k, v in load("inspections").value("RRPL.THRESHOLDS").items()}


def inspection_start(*, actor, site, template=None, inspected_on: date | None = None) -> Inspection:
    authz.check(actor, Action.INSPECTION_RECORD, site)
    template = template or checklist_seed()
    inspected_on = inspected_on or timezone.now().date()
    if inspected_on > timezone.now().date():
        raise invalid(gettext_noop("An inspection cannot be dated in the future."), "inspected_on")
    with transaction.atomic():
        inspection = Inspection.objects.create(
            site=site, template=template, inspector=actor, inspected_on=inspected_on
        )
        journal_append(
            actor=actor,
            kind="inspection.started",
            payload={
                "inspection": inspection.pk,
                "site": site.code,
                "template": template.code,
                "inspected_on": inspected_on.isoformat(),
            },
            scope=site.scope,
        )
    return inspection


def _open(actor, inspection) -> Inspection:
    locked = Inspection.objects.select_for_update().select_related("site").get(pk=inspection.pk)
    authz.check(actor, Action.INSPECTION_RECORD, locked)
    if locked.state != Inspection.State.OPEN:
        raise ConflictError(gettext_noop("This inspection is closed: record a new one."))
    return locked


def answers_record(*, actor, inspection, answers: dict[str, dict]) -> int:
    """Record answers by question code: ``{"LIC-01": {"answer": "yes", "note": "",
    "evidence": "licence ML-ELL-2026-001 seen"}}``. Unknown codes or answers are refused."""
    with transaction.atomic():
        inspection = _open(actor, inspection)
        questions = {q.code: q for q in inspection.template.questions.all()}
        valid = {a.value for a in rrpl.Answer}
        for code, item in answers.items():
            if code not in questions:
                raise NotFoundError(
                    gettext_noop("No question %(code)s in this checklist."), params={"code": code}
                )
            if item.get("answer") not in valid:
                raise invalid(
                    gettext_noop("Answer %(code)s with yes, partly, no or not applicable."),
                    code,
                    code=code,
                )
            _check_not_applicable(questions[code], item, inspection)
        for code, item in answers.items():
            InspectionAnswer.objects.update_or_create(
                inspection=inspection,
                question=questions[code],
                # A note or evidence not sent is kept: changing an answer loses nothing.
                defaults={
                    "answer": item["answer"],
                    **{
                        name: (item[name] or "").strip()
                        for name in ("note", "evidence")
                        if name in item
                    },
                },
            )
        journal_append(
            actor=actor,
            kind="inspection.answered",
            payload={
                "inspection": inspection.pk,
                "answers": {c: i["answer"] for c, i in answers.items()},
            },
            scope=inspection.scope,
        )
    return len(answers)


NA_JUSTIFICATION_MIN = 15


def _check_not_applicable(question, item: dict, inspection) -> None:
    """A critical question answered "not applicable": only where its template allows it, and
    with a written justification (kept in the answer's note, shown on the report)."""
    if item.get("answer") != rrpl.Answer.NOT_APPLICABLE or not question.critical_levels:
        return
    levels = ", ".join(str(n) for n in question.critical_levels)
    if not question.na_allowed:
        raise invalid(
            gettext_noop(
                "Question %(code)s is critical for level %(levels)s: it cannot be answered "
                "not applicable."
            ),
            question.code,
            code=question.code,
            levels=levels,
        )
    note = item.get("note")
    if note is None:  # not sent: the note already recorded counts
        note = (
            InspectionAnswer.objects.filter(inspection=inspection, question=question)
            .values_list("note", flat=True)
            .first()
            or ""
        )
    if len(note.strip()) < NA_JUSTIFICATION_MIN:
        raise invalid(
            gettext_noop(
                "Question %(code)s is critical for level %(levels)s: say in the note why it "
                "does not apply here (at least %(min)s characters)."
            ),
            question.code,
            code=question.code,
            levels=levels,
            min=NA_JUSTIFICATION_MIN,
        )


def photo_add(*, actor, inspection, question_code: str, upload) -> InspectionPhoto:
    """Keep a photo as evidence for one question of an open inspection. The file must be a
    JPEG, PNG or WebP image (by its first bytes) no larger than PSSM_PHOTO_MAX_MB."""
    from pssm.core.photos import store_photo

    with transaction.atomic():
        inspection = _open(actor, inspection)
        question = inspection.template.questions.filter(code=question_code).first()
        if question is None:
            raise NotFoundError(
                gettext_noop("No question %(code)s in this checklist."),
                params={"code": question_code},
            )
        stored = store_photo(upload)
        photo = InspectionPhoto.objects.create(
            inspection=inspection,
            question=question,
            **stored.fields(actor),
        )
        journal_append(
            actor=actor,
            kind="inspection.photo_added",
            payload={
                "inspection": inspection.pk,
                "question": question.code,
                "sha256": stored.sha256,
                "content_type": stored.content_type,
                "size": upload.size,
            },
            scope=inspection.scope,
        )
    return photo


def inspection_close(*, actor, inspection) -> Inspection:
    """Score and close: every question answered, and every question that requires evidence
    and is answered yes or partly carries it."""
    with transaction.atomic():
        inspection = _open(actor, inspection)
        questions = list(inspection.template.questions.all())
        given = {a.question_id: a for a in inspection.answers.all()}
        with_photo = set(inspection.photos.values_list("question_id", flat=True))
        missing = [q.code for q in questions if q.pk not in given]
        if missing:
            raise invalid(
                gettext_noop("Answer every question before closing: %(codes)s."),
                "answers",
                codes=", ".join(missing),
            )
        no_evidence = [
            q.code
            for q in questions
            if q.evidence_required
            and given[q.pk].answer in {"yes", "partly"}
            and not given[q.pk].evidence
            and q.pk not in with_photo
        ]
        if no_evidence:
            raise invalid(
                gettext_noop("These answers need their evidence: %(codes)s."),
                "evidence",
                codes=", ".join(no_evidence),
            )
        result = rrpl.score(
            [
                rrpl.Question(
                    q.code,
                    q.weight,
                    frozenset(q.critical_levels),
                    q.evidence_required,
                    q.na_allowed,
                )
                for q in questions
            ],
            {q.code: rrpl.Answer(given[q.pk].answer) for q in questions},
            thresholds(),
        )
        inspection.state = Inspection.State.CLOSED
        inspection.score_ratio, inspection.level = result.ratio, result.level
        inspection.failed_criticals = {str(k): list(v) for k, v in result.failed_criticals.items()}
        inspection.closed_at = timezone.now()
        inspection.save()
        journal_append(
            actor=actor,
            kind="inspection.closed",
            payload={
                "inspection": inspection.pk,
                "site": inspection.site.code,
                "score": str(result.ratio),
                "level": result.level,
                "failed_criticals": inspection.failed_criticals,
            },
            scope=inspection.scope,
        )
    return inspection


def corrective_action_add(
    *, actor, inspection, description: str, owner: str, due_date: date, question_code: str = ""
) -> CorrectiveAction:
    authz.check(actor, Action.INSPECTION_RECORD, inspection)
    if not (description or "").strip() or not (owner or "").strip():
        raise invalid(gettext_noop("Describe the action and name its owner."), "description")
    if due_date < inspection.inspected_on:
        raise invalid(gettext_noop("The due date comes after the inspection."), "due_date")
    question = None
    if question_code:
        question = inspection.template.questions.filter(code=question_code).first()
        if question is None:
            raise NotFoundError(
                gettext_noop("No question %(code)s in this checklist."),
                params={"code": question_code},
            )
    with transaction.atomic():
        action = CorrectiveAction.objects.create(
            inspection=inspection,
            question=question,
            description=description.strip(),
            owner=owner.strip(),
            due_date=due_date,
        )
        journal_append(
            actor=actor,
            kind="corrective_action.added",
            payload={
                "inspection": inspection.pk,
                "action": action.pk,
                "question": question_code,
                "owner": action.owner,
                "due_date": due_date.isoformat(),
            },
            scope=inspection.scope,
        )
    return action


def corrective_action_close(*, actor, action: CorrectiveAction, note: str) -> CorrectiveAction:
    authz.check(actor, Action.INSPECTION_RECORD, action.inspection)
    if not (note or "").strip():
        raise invalid(gettext_noop("Say what was done."), "note")
    with transaction.atomic():
        locked = CorrectiveAction.objects.select_for_update().get(pk=action.pk)
        if locked.closed_at is not None:
            raise ConflictError(gettext_noop("This action is already closed."))
        locked.closed_at, locked.closing_note = timezone.now(), note.strip()
        locked.save(update_fields=["closed_at", "closing_note"])
        journal_append(
            actor=actor,
            kind="corrective_action.closed",
            payload={"action": locked.pk, "note": locked.closing_note},
            scope=action.inspection.scope,
        )
    return locked


# --- key register and access log ----------------------------------------------------------


def key_register(*, actor, site, code: str, label: str) -> Key:
    authz.check(actor, Action.VOUCHER_APPROVE, site)
    code = (code or "").strip().upper()
    if not code or not (label or "").strip():
        raise invalid(gettext_noop("Give the key number and what it opens."), "code")
    if Key.objects.filter(site=site, code=code).exists():
        raise ConflictError(
            gettext_noop("Key %(code)s is already in the register."), params={"code": code}
        )
    with transaction.atomic():
        key = Key.objects.create(site=site, code=code, label=label.strip())
        journal_append(
            actor=actor,
            kind="key.registered",
            payload={"site": site.code, "key": code, "label": key.label},
            scope=site.scope,
        )
    return key


def key_issue(*, actor, key: Key, holder: str) -> KeyLoan:
    """Hand a key to ``holder``; a key that is out cannot be handed out again."""
    authz.check(actor, Action.VOUCHER_PREPARE, key)
    if not (holder or "").strip():
        raise invalid(gettext_noop("Name the person taking the key."), "holder")
    with transaction.atomic():
        locked = Key.objects.select_for_update().get(pk=key.pk)
        if locked.loans.filter(returned_at__isnull=True).exists():
            raise ConflictError(
                gettext_noop("Key %(code)s is out: record its return first."),
                params={"code": locked.code},
            )
        loan = KeyLoan.objects.create(
            key=locked, holder=holder.strip(), taken_at=timezone.now(), issued_by=actor
        )
        journal_append(
            actor=actor,
            kind="key.issued",
            payload={"key": locked.code, "holder": loan.holder},
            scope=locked.scope,
        )
    return loan


def key_return(*, actor, loan: KeyLoan) -> KeyLoan:
    authz.check(actor, Action.VOUCHER_PREPARE, loan.key)
    with transaction.atomic():
        locked = KeyLoan.objects.select_for_update().select_related("key__site").get(pk=loan.pk)
        if locked.returned_at is not None:
            raise ConflictError(gettext_noop("This key was already returned."))
        locked.returned_at, locked.received_by = timezone.now(), actor
        locked.save(update_fields=["returned_at", "received_by"])
        journal_append(
            actor=actor,
            kind="key.returned",
            payload={"key": locked.key.code, "holder": locked.holder},
            scope=locked.key.scope,
        )
    return locked


def access_record(*, actor, building, person: str, companion: str, purpose: str) -> AccessEntry:
    """Record an entry into a building; an entry without a second person is kept and flagged
    as a broken two-person rule (the log must say what happened)."""
    authz.check(actor, Action.VOUCHER_PREPARE, building)
    if not (person or "").strip() or not (purpose or "").strip():
        raise invalid(gettext_noop("Name the person and the purpose of the entry."), "person")
    with transaction.atomic():
        entry = AccessEntry.objects.create(
            building=building,
            person=person.strip(),
            companion=(companion or "").strip(),
            purpose=purpose.strip(),
            entered_at=timezone.now(),
            recorded_by=actor,
        )
        journal_append(
            actor=actor,
            kind="access.entered",
            payload={
                "building": building.code,
                "person": entry.person,
                "companion": entry.companion,
                "purpose": entry.purpose,
                "two_person_broken": entry.two_person_broken,
            },
            scope=building.scope,
        )
    return entry


def access_leave(*, actor, entry: AccessEntry) -> AccessEntry:
    authz.check(actor, Action.VOUCHER_PREPARE, entry.building)
    with transaction.atomic():
        locked = (
            AccessEntry.objects.select_for_update()
            .select_related("building__site")
            .get(pk=entry.pk)
        )
        if locked.left_at is not None:
            raise ConflictError(gettext_noop("This exit is already recorded."))
        locked.left_at = timezone.now()
        locked.save(update_fields=["left_at"])
        journal_append(
            actor=actor,
            kind="access.left",
            payload={"building": locked.building.code, "person": locked.person},
            scope=locked.building.scope,
        )
    return locked


# --- stock checks -------------------------------------------------------------------------


def count_start(
    *,
    actor,
    site,
    witness: str,
    building=None,
    location=None,
    policy: str = "",
    items: str = "",
) -> Count:
    """Open a blind count: the books of the site (or building) are taken now and hidden from
    the counter until a second person closes the count. ``policy`` names the count policy
    the count is done under (it then counts for that policy's calendar)."""
    from pssm.domain import count_policies
    from pssm.domain.ledger import STORED
    from pssm.registry.models import Weapon

    authz.check(actor, Action.VOUCHER_PREPARE, site)
    if not (witness or "").strip():
        raise invalid(gettext_noop("Name the independent witness of the count."), "witness")
    rule = None
    if policy:
        rule = next(
            (
                p
                for p in count_policies.applicable(site.kind, site.scope.country)
                if p.code == policy
            ),
            None,
        )
        if rule is None:
            raise invalid(gettext_noop("This count policy does not apply to this site."), "policy")
    items = rule.items if rule else (items or "all")
    if items not in {"all", "weapons", "lots"}:
        raise invalid(gettext_noop("Say what is counted: weapons, lots or both."), "items")
    if location is not None:
        if location.building.site_id != site.pk:
            raise invalid(
                gettext_noop("This storage location belongs to another site."), "location"
            )
        if building is not None and location.building_id != building.pk:
            raise invalid(
                gettext_noop("This storage location is not in the building chosen."), "location"
            )
        building = location.building
    if policy and building is not None:
        raise invalid(
            gettext_noop("A count under a policy covers the whole site: leave the building out."),
            "building",
        )
    if building is not None and building.site_id != site.pk:
        raise invalid(gettext_noop("This building belongs to another site."), "building")
    weapons = Weapon.objects.filter(site=site, status__in=[s.value for s in STORED])
    if building is not None:
        weapons = weapons.filter(location__building=building)
    if location is not None:
        weapons = weapons.filter(location=location)
    expected = dict(weapons.values_list("serial_norm", "location__code")) if items != "lots" else {}
    from pssm.ammunition.models import LotBalance

    balances = LotBalance.objects.filter(
        site=site, location__isnull=False, quantity__gt=0
    ).order_by("lot__lot_number", "location__code")
    if building is not None:
        balances = balances.filter(location__building=building)
    if location is not None:
        balances = balances.filter(location=location)
    expected_lots = (
        [
            [lot, code, qty]
            for lot, code, qty in balances.values_list(
                "lot__lot_number", "location__code", "quantity"
            )
        ]
        if items != "weapons"
        else []
    )
    if rule is not None and rule.sample_one_in:
        import secrets

        rng = secrets.SystemRandom()
        expected = dict(count_policies.sample(sorted(expected.items()), rule.sample_one_in, rng))
        expected_lots = count_policies.sample(expected_lots, rule.sample_one_in, rng)
    with transaction.atomic():
        count = Count.objects.create(
            site=site,
            building=building,
            location=location,
            counter=actor,
            witness=witness.strip(),
            expected=expected,
            expected_lots=expected_lots,
            policy=policy,
            items=items,
        )
        journal_append(
            actor=actor,
            kind="count.started",
            payload={
                "count": count.pk,
                "site": site.code,
                "building": building.code if building else "",
                "location": location.code if location else "",
                "witness": count.witness,
                "policy": policy,
                "items": items,
                "expected": len(expected),
                "expected_lots": len(expected_lots),
            },
            scope=site.scope,
        )
    return count


def _open_count_for(actor, count: Count, location) -> Count:
    locked = Count.objects.select_for_update().get(pk=count.pk)
    if locked.counter_id != getattr(actor, "pk", None):
        raise PermissionDeniedError(gettext_noop("Only the counter records the scans of a count."))
    if locked.state != Count.State.OPEN:
        raise ConflictError(gettext_noop("This count is closed."))
    if location is None:
        raise invalid(gettext_noop("Choose the storage location."), "location")
    if (
        location.building.site_id != locked.site_id
        or (locked.building_id and location.building_id != locked.building_id)
        or (locked.location_id and location.pk != locked.location_id)
    ):
        raise invalid(gettext_noop("This location is not part of the count."), "location")
    return locked


def count_scan(*, actor, count: Count, serial: str, location) -> CountScan:
    """Record one serial seen in one location; a serial the register does not know at all is
    refused (typed wrong, or a weapon that must be registered first)."""
    from pssm.domain import serials as serial_rules
    from pssm.registry.models import Weapon

    with transaction.atomic():
        locked = _open_count_for(actor, count, location)
        if locked.items == "lots":
            raise invalid(gettext_noop("This count is of ammunition lots only."), "serial")
        norm = serial_rules.normalise(serial)
        if not norm:
            raise invalid(gettext_noop("Type or scan the serial number."), "serial")
        if not Weapon.objects.filter(serial_norm=norm).exists():
            raise NotFoundError(
                gettext_noop(
                    "No weapon with serial %(serial)s is in the register: check it, or "
                    "register the weapon by a receipt."
                ),
                params={"serial": serial},
                details={"serial": gettext_noop("Unknown serial.")},
            )
        check_not_scanned(locked, norm)
        scan = CountScan.objects.create(
            count=locked, serial=serial_rules.clean(serial), serial_norm=norm, location=location
        )
    return scan


def count_lot(*, actor, count: Count, lot_number: str, quantity, location) -> CountLotEntry:
    """Record units of a lot counted in one location (blind: the books are not shown). A lot
    the register does not know is refused."""
    from pssm.ammunition.models import Lot
    from pssm.domain.stock import normalise_lot_number

    with transaction.atomic():
        locked = _open_count_for(actor, count, location)
        if locked.items == "weapons":
            raise invalid(gettext_noop("This count is of weapons only."), "lot_number")
        norm, _iatg = normalise_lot_number(lot_number or "")
        if not norm:
            raise invalid(gettext_noop("Type the lot number."), "lot_number")
        lot = Lot.objects.filter(lot_number_norm=norm).first()
        if lot is None:
            raise NotFoundError(
                gettext_noop("No lot %(lot)s is in the register: check the lot number."),
                params={"lot": lot_number},
                details={"lot_number": gettext_noop("Unknown lot.")},
            )
        try:
            units = int(str(quantity).strip())
        except (TypeError, ValueError):
            units = -1
        if units < 0 or units > 10**9:
            raise invalid(
                gettext_noop("Count the units: a whole number, zero or more."), "quantity"
            )
        entry = CountLotEntry.objects.create(
            count=locked, lot=lot, location=location, quantity=units
        )
    return entry


def _open_cases(actor, count: Count) -> None:
    """Each gap of a closed count opens a discrepancy case that freezes the weapon."""
    from pssm.movements.cases import open_case
    from pssm.registry.models import Weapon

    gaps = count.gaps
    if not gaps:
        return
    lot_gaps = [g for g in gaps if g.get("lot")]
    gaps = [g for g in gaps if not g.get("lot")]
    if lot_gaps:
        from pssm.ammunition.models import Lot

        lots = {
            lot.lot_number: lot
            for lot in Lot.objects.filter(lot_number__in={g["lot"] for g in lot_gaps})
        }
        for gap in lot_gaps:
            open_case(
                site=count.site,
                count=count,
                kind=gap["result"],
                lot_id=lots[gap["lot"]].pk,
                expected_quantity=gap["expected_quantity"],
                found_quantity=gap["found_quantity"],
                expected_location=gap["expected_location"],
                found_location=gap["found_location"],
                actor=actor,
            )
    norms = {g["serial"] for g in gaps}
    here, anywhere = {}, {}
    for w in Weapon.objects.filter(serial_norm__in=norms).order_by("pk"):
        anywhere.setdefault(w.serial_norm, w)
        if w.site_id == count.site_id:
            here.setdefault(w.serial_norm, w)
    for gap in gaps:
        weapon = here.get(gap["serial"]) or anywhere.get(gap["serial"])
        open_case(
            site=count.site,
            count=count,
            kind=gap["result"],
            weapon_id=weapon.pk if weapon else None,
            serial=weapon.serial if weapon else gap["serial"],
            expected_location=gap["expected_location"] or "",
            found_location=gap["found_location"] or "",
            actor=actor,
        )


def count_close(*, actor, count: Count) -> Count:
    """Close by a second person (not the counter) holding the approver role: the scans are
    compared with the books and every gap is listed and journaled."""
    from pssm.domain import counts as rules

    with transaction.atomic():
        locked = Count.objects.select_for_update().select_related("site").get(pk=count.pk)
        authz.check(actor, Action.VOUCHER_APPROVE, locked)
        if locked.counter_id == getattr(actor, "pk", None):
            raise PermissionDeniedError(
                gettext_noop(
                    "The person who counted cannot close the count: a second person closes it."
                ),
                code="two_person_rule",
            )
        if locked.state != Count.State.OPEN:
            raise ConflictError(gettext_noop("This count is closed."))
        scans = [(s.serial_norm, s.location.code) for s in locked.scans.select_related("location")]
        findings = rules.compare_serials(locked.expected, scans)
        locked.findings = [
            {
                "result": f.result.value,
                "serial": f.key,
                "expected_location": f.expected_location,
                "found_location": f.found_location,
            }
            for f in findings
        ]
        counted: dict[tuple[str, str], int] = {}
        for lot_number, location, units in locked.lot_entries.values_list(
            "lot__lot_number", "location__code", "quantity"
        ):
            counted[(lot_number, location)] = counted.get((lot_number, location), 0) + units
        expected_lots = {(lot, loc): qty for lot, loc, qty in locked.expected_lots}
        locked.findings += [
            {
                "result": f.result.value,
                "serial": "",
                "lot": f.key,
                "expected_location": f.expected_location,
                "found_location": f.found_location,
                "expected_quantity": f.expected_quantity,
                "found_quantity": f.found_quantity,
            }
            for f in rules.compare_quantities(expected_lots, counted)
        ]
        locked.state, locked.closed_by, locked.closed_at = Count.State.CLOSED, actor, timezone.now()
        locked.save()
        _open_cases(actor, locked)
        journal_append(
            actor=actor,
            kind="count.closed",
            payload={
                "count": locked.pk,
                "site": locked.site.code,
                "counter": locked.counter.username,
                "witness": locked.witness,
                "gaps": locked.gaps,
            },
            scope=locked.scope,
        )
    return locked
