"""Write services for users and role grants. Each is authorised, validated and journaled."""

from __future__ import annotations

from datetime import UTC, datetime

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction

from pssm.domain.access import Action, Level, Role, Scope
from pssm.domain.errors import ConflictError, NotFoundError, ValidationError, gettext_noop
from pssm.journal.services import journal_append

from . import authz
from .models import RoleGrant, User


def _check_password(password: str, user: User | None = None) -> None:
    try:
        validate_password(password, user)
    except DjangoValidationError as exc:
        raise ValidationError(
            gettext_noop("The password is too weak."),
            details={"password": " ".join(str(m) for m in exc.messages)},
        ) from None


def user_create(
    *,
    actor,
    username: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    rank: str = "",
    preferred_language: str = "",
) -> User:
    """Create an account with no role: roles come from :func:`role_grant`."""
    authz.check_anywhere(actor, Action.ROLES_MANAGE)
    username = (username or "").strip()
    if not username:
        raise ValidationError(
            gettext_noop("A user name is required."),
            details={"username": gettext_noop("This field is required.")},
        )
    if User.objects.filter(username__iexact=username).exists():
        raise ConflictError(
            gettext_noop("The user name %(username)s is already taken."),
            params={"username": username},
            details={"username": gettext_noop("This user name is already taken.")},
        )
    if preferred_language and preferred_language not in dict(settings.LANGUAGES):
        raise ValidationError(details={"preferred_language": gettext_noop("Unknown language.")})
    user = User(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        rank=rank,
        preferred_language=preferred_language,
    )
    _check_password(password, user)
    user.set_password(password)
    with transaction.atomic():
        user.save()
        journal_append(
            actor=actor,
            kind="user.created",
            payload={
                "username": username,
                "first_name": first_name,
                "last_name": last_name,
                "rank": rank,
            },
        )
    return user


def _grant_target(level: Level, country=None, organisation=None, site=None) -> Scope:
    if level is Level.GLOBAL:
        return Scope()
    target = {Level.COUNTRY: country, Level.ORGANISATION: organisation, Level.SITE: site}[level]
    if target is None:
        raise ValidationError(
            gettext_noop("Choose the %(level)s the role applies to."),
            params={"level": level.value},
            details={level.value: gettext_noop("This field is required.")},
        )
    return target.scope


def role_grant(
    *, actor, user: User, role: str, level: str, country=None, organisation=None, site=None
) -> RoleGrant:
    """Grant ``role`` to ``user`` on one scope. The actor must manage roles on that scope."""
    try:
        role_v, level_v = Role(role), Level(level)
    except ValueError:
        raise ValidationError(
            gettext_noop("Unknown role or scope."), details={"role": role, "level": level}
        ) from None
    target = _grant_target(level_v, country, organisation, site)
    authz.check(actor, Action.ROLES_MANAGE, target)
    kwargs = {
        "country": country if level_v is Level.COUNTRY else None,
        "organisation": organisation if level_v is Level.ORGANISATION else None,
        "site": site if level_v is Level.SITE else None,
    }
    with transaction.atomic():
        if RoleGrant.objects.filter(
            user=user, role=role_v, level=level_v, revoked_at__isnull=True, **kwargs
        ).exists():
            raise ConflictError(gettext_noop("This user already holds this role there."))
        grant = RoleGrant.objects.create(
            user=user,
            role=role_v,
            level=level_v,
            granted_by=getattr(actor, "username", ""),
            **kwargs,
        )
        journal_append(
            actor=actor,
            kind="role.granted",
            payload={
                "username": user.username,
                "role": role_v.value,
                "level": level_v.value,
                "scope": grant.scope_key,
            },
            scope=target,
        )
    authz.forget(user)
    return grant


def role_revoke(*, actor, grant: RoleGrant) -> RoleGrant:
    authz.check(actor, Action.ROLES_MANAGE, grant.scope)
    with transaction.atomic():
        locked = RoleGrant.objects.select_for_update().get(pk=grant.pk)
        if locked.revoked_at is not None:
            raise NotFoundError(gettext_noop("This role was already revoked."))
        locked.revoked_at = datetime.now(UTC)
        locked.revoked_by = getattr(actor, "username", "")
        locked.save(update_fields=["revoked_at", "revoked_by"])
        journal_append(
            actor=actor,
            kind="role.revoked",
            payload={
                "username": locked.user.username,
                "role": locked.role,
                "level": locked.level,
                "scope": locked.scope_key,
            },
            scope=locked.scope,
        )
    authz.forget(locked.user)
    return locked


def user_set_language(*, actor, user: User, language: str) -> User:
    """A user chooses the language of their interface (only for themselves)."""
    if not actor.is_authenticated or actor.pk != user.pk:
        authz.check_anywhere(actor, Action.ROLES_MANAGE)
    if language not in dict(settings.LANGUAGES):
        raise ValidationError(gettext_noop("Unknown language."), details={"language": language})
    if user.preferred_language == language:
        return user
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(preferred_language=language)
        user.preferred_language = language
        journal_append(
            actor=actor,
            kind="user.language_set",
            payload={"username": user.username, "language": language},
        )
    return user


def user_change_password(*, actor, user: User, old_password: str, new_password: str) -> User:
    if actor.pk != user.pk:
        raise ValidationError(gettext_noop("You can only change your own password."))
    if not user.check_password(old_password):
        raise ValidationError(
            gettext_noop("The current password is wrong."),
            details={"old_password": gettext_noop("The current password is wrong.")},
        )
    _check_password(new_password, user)
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        journal_append(
            actor=actor, kind="user.password_changed", payload={"username": user.username}
        )
    return user
