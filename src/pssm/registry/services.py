"""Write services of the registry: persons and weapon types. Weapons themselves are only
created and moved by posted vouchers (pssm.movements.services)."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from pssm.accounts import authz
from pssm.core.services import invalid, snapshot, validate_instance
from pssm.domain.access import Action
from pssm.domain.errors import ConflictError, gettext_noop
from pssm.journal.services import journal_append

from . import catalogue
from .models import Person, WeaponType


def person_create(
    *,
    actor,
    site,
    service_number: str,
    first_name: str,
    last_name: str,
    rank: str = "",
    unit: str = "",
) -> Person:
    """Register a person who may hold weapons of ``site``."""
    authz.check(actor, Action.VOUCHER_PREPARE, site)
    person = Person(
        organisation=site.organisation,
        site=site,
        service_number=(service_number or "").strip(),
        first_name=(first_name or "").strip(),
        last_name=(last_name or "").strip(),
        rank=rank.strip(),
        unit=unit.strip(),
    )
    validate_instance(person)
    if Person.objects.filter(
        organisation=site.organisation, service_number__iexact=person.service_number
    ).exists():
        raise ConflictError(
            gettext_noop("Service number %(number)s is already registered."),
            params={"number": person.service_number},
            details={"service_number": gettext_noop("Already registered.")},
        )
    with transaction.atomic():
        person.save()
        journal_append(
            actor=actor,
            kind="person.created",
            payload=snapshot(
                person, ["service_number", "rank", "first_name", "last_name", "unit", "site"]
            ),
            scope=site.scope,
        )
    return person


def weapon_type_create(
    *,
    actor,
    category: str,
    make: str,
    model: str,
    calibre: str,
    country_of_manufacture: str = "",
    aliases: str = "",
) -> WeaponType:
    authz.check(actor, Action.GEO_MANAGE)
    wt = WeaponType(
        category=category,
        make=make.strip(),
        model=model.strip(),
        calibre=calibre.strip(),
        country_of_manufacture=country_of_manufacture.strip().upper(),
        aliases=aliases,
        search_text=catalogue.search_text(make, model, calibre, aliases),
    )
    validate_instance(wt)
    try:
        with transaction.atomic():
            wt.save()
            journal_append(
                actor=actor,
                kind="weapon_type.created",
                payload=snapshot(wt, ["category", "make", "model", "calibre"]),
            )
    except IntegrityError:
        raise ConflictError(gettext_noop("This weapon type already exists.")) from None
    return wt


def weapon_photo_add(*, actor, weapon, upload, kind: str, caption: str = ""):
    """Keep a photo of ``weapon`` or of one of its markings (``kind`` weapon or marking),
    by a person who prepares vouchers at the weapon's site; journaled."""
    from pssm.core.photos import store_photo

    from .models import WeaponPhoto

    authz.check(actor, Action.VOUCHER_PREPARE, weapon)
    if kind not in WeaponPhoto.Kind.values:
        raise invalid(gettext_noop("Say whether the photo shows the weapon or a marking."), "kind")
    caption = (caption or "").strip()
    if len(caption) > 200:
        raise invalid(gettext_noop("A caption has at most 200 characters."), "caption")
    with transaction.atomic():
        stored = store_photo(upload)
        photo = WeaponPhoto.objects.create(
            weapon=weapon,
            kind=kind,
            caption=caption,
            **stored.fields(actor),
        )
        journal_append(
            actor=actor,
            kind="weapon.photo_added",
            payload={
                "weapon": str(weapon.uuid),
                "serial": weapon.serial,
                "kind": kind,
                "caption": caption,
                "sha256": stored.sha256,
                "size": stored.size,
            },
            scope=weapon.scope,
        )
    return photo
