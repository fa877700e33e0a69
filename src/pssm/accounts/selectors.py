"""Reads about users and their roles."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Q, QuerySet

from pssm.domain.access import Action
from pssm.domain.errors import NotFoundError, gettext_noop

from . import authz
from .models import RoleGrant, User


def language_for(user) -> str:
    """The interface language of a signed-in user: their choice, else their country's."""
    if getattr(user, "preferred_language", ""):
        return user.preferred_language
    grants = RoleGrant.objects.filter(user_id=user.pk, revoked_at__isnull=True).select_related(
        "country", "organisation__country", "site__organisation__country"
    )
    for grant in grants:
        country = (
            grant.country
            or (grant.organisation and grant.organisation.country)
            or (grant.site and grant.site.organisation.country)
        )
        if country is not None:
            return country.default_language
    return settings.LANGUAGE_CODE


def user_list(*, user, filters: dict | None = None) -> QuerySet[User]:
    """Users holding a role inside the actor's role-management reach (every user for a
    global administrator, including accounts that hold no role yet)."""
    authz.check_anywhere(user, Action.ROLES_MANAGE)
    reach = authz.reach_of(user, Action.ROLES_MANAGE)
    if reach.everywhere:
        qs = User.objects.all()
    else:
        inside = Q(pk__in=[])
        if reach.countries:
            c = sorted(reach.countries)
            inside |= (
                Q(country__code__in=c)
                | Q(organisation__country__code__in=c)
                | Q(site__organisation__country__code__in=c)
            )
        if reach.organisations:
            o = sorted(reach.organisations)
            inside |= Q(organisation__code__in=o) | Q(site__organisation__code__in=o)
        if reach.sites:
            inside |= Q(site__code__in=sorted(reach.sites))
        user_ids = RoleGrant.objects.filter(inside, revoked_at__isnull=True).values("user_id")
        qs = User.objects.filter(pk__in=user_ids)
    f = filters or {}
    if f.get("q"):
        q = f["q"]
        qs = qs.filter(
            Q(username__icontains=q) | Q(first_name__icontains=q) | Q(last_name__icontains=q)
        )
    return qs.order_by("username")


def user_get(*, user, username: str) -> User:
    found = user_list(user=user).filter(username=username).first()
    if found is None:
        raise NotFoundError(gettext_noop("No user %(username)s."), params={"username": username})
    return found
