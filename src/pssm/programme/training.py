"""Writes of the training cascade: persons held once, training events, participants. One
transaction per call, journaled; errors as in :mod:`pssm.programme.services`."""

from __future__ import annotations

import unicodedata
from datetime import date

from django.db import transaction

from pssm.core.services import invalid, validate_instance
from pssm.domain import programme as rules
from pssm.domain.errors import gettext_noop
from pssm.sites.models import Country

from . import access
from .models import Participation, TrainingEvent, TrainingPerson
from .services import _journal


def identity_key(country: str, full_name: str) -> str:
    """How a person is recognised again: country and name, case, accents and spaces aside."""
    text = unicodedata.normalize("NFKD", full_name)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return f"{country}:{' '.join(text.replace('-', ' ').split())}"


def person_record(
    *, actor, country: Country, full_name: str, institution: str, site=None, user=None, person=None
) -> TrainingPerson:
    """The person held once: found again by country and name, created otherwise. A
    storekeeper's link to their PSSM user or registry person is kept or added."""
    access.check_edit(actor, [country.code])
    full_name = " ".join((full_name or "").split())
    if not full_name:
        raise invalid(gettext_noop("The person needs a name."), "full_name")
    key = identity_key(country.code, full_name)
    with transaction.atomic():
        found = TrainingPerson.objects.select_for_update().filter(identity_key=key).first()
        if found is None:
            found = TrainingPerson(identity_key=key, country=country, full_name=full_name)
        for field, value in (("user", user), ("person", person)):
            other = (
                TrainingPerson.objects.filter(**{field: value}).exclude(pk=found.pk).first()
                if value is not None
                else None
            )
            if other is not None:
                raise invalid(
                    gettext_noop("%(record)s is already linked to the trained person %(name)s."),
                    field,
                    record=str(value),
                    name=other.full_name,
                )
        found.institution = institution or found.institution
        found.site = site or found.site
        found.user = user or found.user
        found.person = person or found.person
        validate_instance(found)
        created = found.pk is None
        found.save()
        _journal(
            actor,
            "programme.person_recorded",
            {"id": found.pk, "created": created, "user": getattr(found.user, "username", "")},
            country.code,
        )
    return found


def training_create(
    *,
    actor,
    code: str,
    title_en: str,
    title_fr: str,
    course: str,
    country: Country,
    place: str,
    start_date: date,
    end_date: date,
    is_trainer_course: bool = False,
    site=None,
) -> TrainingEvent:
    access.check_edit(actor, [country.code])
    rules.check_period(start_date, end_date)
    event = TrainingEvent(
        code=code,
        title_en=title_en,
        title_fr=title_fr,
        course=course,
        country=country,
        place=place,
        start_date=start_date,
        end_date=end_date,
        is_trainer_course=is_trainer_course,
        site=site,
    )
    validate_instance(event)
    with transaction.atomic():
        event.save()
        _journal(actor, "programme.training_created", {"code": code}, country.code)
    return event


def participants_record(*, actor, event: TrainingEvent, rows) -> list[Participation]:
    """Add participants to ``event``: ``rows`` of ``{"person", "role", "institution",
    "function", "result", "score"}``. A person who already takes part in the event (as
    trainer or trainee) is refused; nothing is saved when one row is wrong."""
    access.check_edit(actor, [event.country.code])
    existing = dict(event.participants.values_list("person_id", "role"))
    trainers = {p for p, r in existing.items() if r == "trainer"}
    trainees = {p for p, r in existing.items() if r == "trainee"}
    made = []
    for i, row in enumerate(rows, start=1):
        person = row["person"]
        role = row.get("role", "")
        if role not in Participation.Role.values:
            raise invalid(
                gettext_noop("Row %(n)s: %(role)s is not a role."), "role", n=i, role=role
            )
        group = trainers if role == "trainer" else trainees
        other = trainees if role == "trainer" else trainers
        if person.pk in other:
            rules.check_session([person.full_name], [person.full_name])
        if person.pk in group:
            raise invalid(
                gettext_noop("Row %(n)s: %(name)s already takes part in this event."),
                "person",
                n=i,
                name=person.full_name,
            )
        group.add(person.pk)
        part = Participation(
            event=event,
            person=person,
            role=role,
            institution=row.get("institution") or person.institution,
            function=row.get("function", ""),
            result=row.get("result", ""),
            score=row.get("score"),
        )
        if part.role == "trainer" and (part.result or part.score is not None):
            raise invalid(gettext_noop("Row %(n)s: trainers are not assessed."), "result", n=i)
        validate_instance(part, exclude=["event", "person"])
        made.append(part)
    with transaction.atomic():
        for part in made:
            part.save()
            if part.result == "passed":
                part.certificate_number = f"{event.code}-{part.pk:05d}"
                part.save(update_fields=["certificate_number"])
        _journal(
            actor,
            "programme.participants_recorded",
            {"event": event.code, "rows": [[p.person_id, p.role, p.result] for p in made]},
            event.country.code,
        )
    return made


def participant_add(
    *, actor, event: TrainingEvent, full_name: str, institution: str, role: str, user=None, **row
) -> Participation:
    """Record the person (held once) and their part in ``event`` in one transaction: when the
    participation is refused, the person is not recorded either."""
    with transaction.atomic():
        person = person_record(
            actor=actor,
            country=event.country,
            full_name=full_name,
            institution=institution,
            user=user,
        )
        rows = [{"person": person, "role": role, "institution": institution, **row}]
        return participants_record(actor=actor, event=event, rows=rows)[0]
