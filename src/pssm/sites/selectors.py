"""Reads of the geography, always filtered to what the user may see."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from pssm.accounts import authz
from pssm.domain.access import Action
from pssm.domain.errors import NotFoundError, gettext_noop

from .models import Building, Country, Organisation, Site, StorageLocation


def _visible(user, queryset: QuerySet) -> QuerySet:
    authz.check_anywhere(user, Action.GEO_VIEW)
    return authz.scoped(user, Action.GEO_VIEW, queryset)


def _get(user, queryset: QuerySet, code: str, message: str):
    obj = _visible(user, queryset).filter(code=code).first()
    if obj is None:
        raise NotFoundError(message, params={"code": code})
    return obj


def country_list(*, user) -> QuerySet[Country]:
    ids = _visible(user, Country.objects.all()).values("pk")
    return Country.objects.filter(pk__in=ids).order_by("code")


def country_get(*, user, code: str) -> Country:
    return _get(user, Country.objects.all(), code, gettext_noop("No country %(code)s."))


def organisation_list(*, user, filters: dict | None = None) -> QuerySet[Organisation]:
    ids = _visible(user, Organisation.objects.all()).values("pk")
    qs = Organisation.objects.filter(pk__in=ids).select_related("country")
    f = filters or {}
    if f.get("country"):
        qs = qs.filter(country__code=f["country"])
    if f.get("kind"):
        qs = qs.filter(kind=f["kind"])
    if f.get("q"):
        qs = qs.filter(Q(name__icontains=f["q"]) | Q(code__icontains=f["q"]))
    return qs.order_by("code")


def organisation_get(*, user, code: str) -> Organisation:
    return _get(
        user,
        Organisation.objects.select_related("country"),
        code,
        gettext_noop("No organisation %(code)s."),
    )


def site_list(*, user, filters: dict | None = None) -> QuerySet[Site]:
    qs = _visible(user, Site.objects.select_related("organisation", "organisation__country"))
    f = filters or {}
    if f.get("country"):
        qs = qs.filter(organisation__country__code=f["country"])
    if f.get("organisation"):
        qs = qs.filter(organisation__code=f["organisation"])
    if f.get("kind"):
        qs = qs.filter(kind=f["kind"])
    if f.get("region"):
        qs = qs.filter(region__iexact=f["region"])
    if f.get("model") is not None and f.get("model") != "":
        qs = qs.filter(is_model_installation=bool(f["model"]))
    if f.get("active") is not None and f.get("active") != "":
        qs = qs.filter(is_active=bool(f["active"]))
    if f.get("q"):
        q = f["q"]
        qs = qs.filter(
            Q(name__icontains=q)
            | Q(code__icontains=q)
            | Q(town__icontains=q)
            | Q(region__icontains=q)
        )
    return qs.annotate(building_count=Count("buildings")).order_by("code")


def site_get(*, user, code: str) -> Site:
    return _get(
        user,
        Site.objects.select_related("organisation", "organisation__country"),
        code,
        gettext_noop("No site %(code)s."),
    )


def building_list(*, user, filters: dict | None = None) -> QuerySet[Building]:
    qs = _visible(user, Building.objects.select_related("site", "site__organisation__country"))
    f = filters or {}
    if f.get("site"):
        qs = qs.filter(site__code=f["site"])
    if f.get("kind"):
        qs = qs.filter(kind=f["kind"])
    if f.get("q"):
        qs = qs.filter(Q(name__icontains=f["q"]) | Q(code__icontains=f["q"]))
    return qs.annotate(location_count=Count("locations")).order_by("code")


def building_get(*, user, code: str) -> Building:
    return _get(
        user,
        Building.objects.select_related(
            "site", "site__organisation", "site__organisation__country"
        ),
        code,
        gettext_noop("No building %(code)s."),
    )


def location_list(*, user, filters: dict | None = None) -> QuerySet[StorageLocation]:
    qs = _visible(
        user,
        StorageLocation.objects.select_related("building", "building__site__organisation__country"),
    )
    f = filters or {}
    if f.get("building"):
        qs = qs.filter(building__code=f["building"])
    if f.get("site"):
        qs = qs.filter(building__site__code=f["site"])
    if f.get("q"):
        qs = qs.filter(Q(name__icontains=f["q"]) | Q(code__icontains=f["q"]))
    return qs.order_by("code")


def location_get(*, user, code: str) -> StorageLocation:
    return _get(
        user,
        StorageLocation.objects.select_related(
            "building",
            "building__site",
            "building__site__organisation",
            "building__site__organisation__country",
        ),
        code,
        gettext_noop("No storage location %(code)s."),
    )


def site_summary(*, user) -> dict:
    """Aggregate figures for the dashboard (no item-level data)."""
    sites = _visible(user, Site.objects.all())
    buildings = _visible(user, Building.objects.all())
    return {
        "sites": sites.count(),
        "model_installations": sites.filter(is_model_installation=True).count(),
        "armouries": sites.filter(kind__in=[Site.Kind.ARMOURY, Site.Kind.MIXED_DEPOT]).count(),
        "depots": sites.filter(
            kind__in=[Site.Kind.AMMUNITION_DEPOT, Site.Kind.MIXED_DEPOT]
        ).count(),
        "buildings": buildings.count(),
        "storehouses": buildings.filter(kind=Building.Kind.EXPLOSIVE_STOREHOUSE).count(),
        "locations": _visible(user, StorageLocation.objects.all()).count(),
    }
