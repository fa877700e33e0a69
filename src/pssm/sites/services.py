"""Write services for countries, organisations, sites, buildings and storage locations.

Each call checks the actor's authorisation, validates, writes and appends its journal entry
in one transaction. Raises ``PermissionDeniedError``, ``ValidationError`` or ``ConflictError``
(duplicate code); on any error nothing is written.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction

from pssm.accounts import authz
from pssm.core.services import apply_changes, snapshot, validate_instance
from pssm.domain import codes
from pssm.domain.access import Action
from pssm.domain.errors import ConflictError, ValidationError, gettext_noop
from pssm.journal.services import journal_append

from .models import Building, Country, Organisation, Site, StorageLocation

COUNTRY_FIELDS = ["code", "name", "default_language"]
ORGANISATION_FIELDS = ["code", "country", "name", "kind"]
SITE_FIELDS = [
    "code",
    "organisation",
    "name",
    "kind",
    "region",
    "town",
    "is_model_installation",
    "latitude",
    "longitude",
    "is_active",
    "notes",
]
BUILDING_FIELDS = [
    "code",
    "site",
    "name",
    "kind",
    "storehouse_type",
    "latitude",
    "longitude",
    "plan_x_m",
    "plan_y_m",
    "barricaded",
    "is_active",
    "notes",
]
LOCATION_FIELDS = ["code", "building", "name", "kind", "capacity", "is_active", "notes"]


def _duplicate(model, code: str) -> None:
    if model.objects.filter(code=code).exists():
        raise ConflictError(
            gettext_noop("The code %(code)s is already taken."),
            params={"code": code},
            details={"code": gettext_noop("This code is already taken.")},
        )


def _save_new(instance, *, actor, kind: str, fields: list[str]):
    validate_instance(instance)
    try:
        with transaction.atomic():
            instance.save()
            journal_append(
                actor=actor, kind=kind, payload=snapshot(instance, fields), scope=instance.scope
            )
    except IntegrityError:
        if not type(instance).objects.filter(code=instance.code).exists():
            raise
        raise ConflictError(
            gettext_noop("The code %(code)s is already taken."),
            params={"code": instance.code},
            details={"code": gettext_noop("This code is already taken.")},
        ) from None
    return instance


def _save_changes(instance, *, actor, kind: str, values: dict, allowed: set[str]):
    with transaction.atomic():
        locked = type(instance).objects.select_for_update().get(pk=instance.pk)
        changed = apply_changes(locked, values, allowed)
        if not changed:
            return locked
        validate_instance(locked)
        if isinstance(locked, Building):
            _check_storehouse(locked)
        locked.save()
        journal_append(
            actor=actor,
            kind=kind,
            payload={"code": locked.code, "changes": changed},
            scope=locked.scope,
        )
    return locked


def country_create(*, actor, code: str, name: str, default_language: str) -> Country:
    authz.check(actor, Action.GEO_MANAGE, None)
    code = codes.check_country_code(code)
    _duplicate(Country, code)
    country = Country(code=code, name=(name or "").strip(), default_language=default_language)
    return _save_new(country, actor=actor, kind="country.created", fields=COUNTRY_FIELDS)


def country_update(*, actor, country: Country, **values) -> Country:
    authz.check(actor, Action.GEO_MANAGE, country)
    return _save_changes(
        country,
        actor=actor,
        kind="country.updated",
        values=values,
        allowed={"name", "default_language"},
    )


def organisation_create(
    *, actor, country: Country, code: str, name: str, kind: str
) -> Organisation:
    authz.check(actor, Action.GEO_MANAGE, country)
    full = codes.compose(country.code, codes.check_part(code))
    _duplicate(Organisation, full)
    org = Organisation(country=country, code=full, name=(name or "").strip(), kind=kind)
    return _save_new(org, actor=actor, kind="organisation.created", fields=ORGANISATION_FIELDS)


def organisation_update(*, actor, organisation: Organisation, **values) -> Organisation:
    authz.check(actor, Action.GEO_MANAGE, organisation)
    return _save_changes(
        organisation,
        actor=actor,
        kind="organisation.updated",
        values=values,
        allowed={"name", "kind"},
    )


def site_create(
    *,
    actor,
    organisation: Organisation,
    code: str,
    name: str,
    kind: str,
    region: str = "",
    town: str = "",
    is_model_installation: bool = False,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    notes: str = "",
) -> Site:
    """Create a site; its code is the country code and ``code``, e.g. ``ML`` + ``KTI``."""
    authz.check(actor, Action.SITE_MANAGE, organisation)
    full = codes.compose(organisation.country.code, codes.check_part(code))
    _duplicate(Site, full)
    site = Site(
        organisation=organisation,
        code=full,
        name=(name or "").strip(),
        kind=kind,
        region=region.strip(),
        town=town.strip(),
        is_model_installation=is_model_installation,
        latitude=latitude,
        longitude=longitude,
        notes=notes,
    )
    return _save_new(site, actor=actor, kind="site.created", fields=SITE_FIELDS)


def site_update(*, actor, site: Site, **values) -> Site:
    authz.check(actor, Action.SITE_MANAGE, site)
    return _save_changes(
        site,
        actor=actor,
        kind="site.updated",
        values=values,
        allowed={
            "name",
            "kind",
            "region",
            "town",
            "is_model_installation",
            "latitude",
            "longitude",
            "is_active",
            "notes",
        },
    )


def _check_storehouse(building: Building) -> None:
    is_storehouse = building.kind == Building.Kind.EXPLOSIVE_STOREHOUSE
    if is_storehouse and not building.storehouse_type:
        raise ValidationError(
            gettext_noop("An explosive storehouse needs its type."),
            details={"storehouse_type": gettext_noop("Choose the storehouse type.")},
        )
    if not is_storehouse and building.storehouse_type:
        raise ValidationError(
            gettext_noop("Only an explosive storehouse has a storehouse type."),
            details={"storehouse_type": gettext_noop("Leave empty for this kind of building.")},
        )


def building_create(
    *,
    actor,
    site: Site,
    code: str,
    name: str,
    kind: str,
    storehouse_type: str = "",
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    plan_x_m: Decimal | None = None,
    plan_y_m: Decimal | None = None,
    barricaded: bool = False,
    notes: str = "",
) -> Building:
    authz.check(actor, Action.BUILDING_MANAGE, site)
    full = codes.compose(site.code, codes.check_part(code))
    _duplicate(Building, full)
    building = Building(
        site=site,
        code=full,
        name=(name or "").strip(),
        kind=kind,
        storehouse_type=storehouse_type or "",
        latitude=latitude,
        longitude=longitude,
        plan_x_m=plan_x_m,
        plan_y_m=plan_y_m,
        barricaded=barricaded,
        notes=notes,
    )
    _check_storehouse(building)
    return _save_new(building, actor=actor, kind="building.created", fields=BUILDING_FIELDS)


def building_update(*, actor, building: Building, **values) -> Building:
    authz.check(actor, Action.BUILDING_MANAGE, building)
    return _save_changes(
        building,
        actor=actor,
        kind="building.updated",
        values=values,
        allowed={
            "name",
            "kind",
            "storehouse_type",
            "latitude",
            "longitude",
            "plan_x_m",
            "plan_y_m",
            "barricaded",
            "is_active",
            "notes",
        },
    )


def location_create(
    *,
    actor,
    building: Building,
    code: str,
    name: str,
    kind: str,
    capacity: int | None = None,
    notes: str = "",
) -> StorageLocation:
    authz.check(actor, Action.BUILDING_MANAGE, building)
    full = codes.compose(building.code, codes.check_part(code))
    _duplicate(StorageLocation, full)
    location = StorageLocation(
        building=building,
        code=full,
        name=(name or "").strip(),
        kind=kind,
        capacity=capacity,
        notes=notes,
    )
    return _save_new(location, actor=actor, kind="location.created", fields=LOCATION_FIELDS)


def location_update(*, actor, location: StorageLocation, **values) -> StorageLocation:
    authz.check(actor, Action.BUILDING_MANAGE, location)
    return _save_changes(
        location,
        actor=actor,
        kind="location.updated",
        values=values,
        allowed={"name", "kind", "capacity", "is_active", "notes"},
    )
