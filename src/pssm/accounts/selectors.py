"""Reads about users and their roles."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from pssm.domain import second_factor
from pssm.domain.access import Action, Role
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


def token_list(*, user, owner) -> QuerySet:
    """The API tokens of ``owner`` that have not expired, newest first: their own, or any
    for an administrator who manages the account."""
    from knox.models import AuthToken

    if not (user.is_authenticated and user.pk == owner.pk):
        authz.check_user_manage(user, owner)
    return AuthToken.objects.filter(user=owner, expiry__gt=timezone.now()).order_by("-created")


def token_get(*, user, owner, token_id: str):
    found = token_list(user=user, owner=owner).filter(digest=token_id).first()
    if found is None:
        raise NotFoundError(gettext_noop("No such API token."))
    return found


def second_factor_device(user):
    """The confirmed TOTP device of ``user``, or None."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).first()


def _roles_and_countries(user) -> list[tuple[Role, str]]:
    grants = RoleGrant.objects.filter(user_id=user.pk, revoked_at__isnull=True).select_related(
        "site__organisation__country", "organisation__country", "country"
    )
    return [(Role(g.role), g.scope.country) for g in grants]


def second_factor_state(user) -> dict:
    """``may_enrol``, ``required`` (by a country of the user's roles) and ``enrolled``."""
    from pssm.sites.models import Country

    held = _roles_and_countries(user)
    countries = {c for _, c in held if c}
    requiring = (
        Country.objects.filter(code__in=countries, second_factor_required=True).values_list(
            "code", flat=True
        )
        if countries
        else []
    )
    return {
        "may_enrol": second_factor.may_enrol(r for r, _ in held),
        "required": second_factor.is_required(held, requiring),
        "enrolled": second_factor_device(user) is not None,
    }


def failed_sign_ins(user) -> int:
    """Failed sign-ins recorded against the user name (django-axes), from any address."""
    from axes.models import AccessAttempt

    total = AccessAttempt.objects.filter(username=user.username).aggregate(
        n=Sum("failures_since_start")
    )["n"]
    return total or 0


def country_policy_list(*, user) -> list:
    """The countries whose second-factor policy ``user`` may set (role management there)."""
    from pssm.sites.models import Country

    return [c for c in Country.objects.order_by("code") if authz.can(user, Action.ROLES_MANAGE, c)]
