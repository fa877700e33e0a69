"""Write services for users and role grants. Each is authorised, validated and journaled."""

from __future__ import annotations

from binascii import unhexlify
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction

from pssm.domain.access import Action, Level, Role, Scope
from pssm.domain.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
    gettext_noop,
)
from pssm.journal.services import journal_append

from . import authz, selectors
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


def _password_set(actor, user: User, password: str, *, temporary: bool) -> User:
    """Check and set ``password`` (``temporary``: to be changed at the next sign-in), revoke
    every API token of the account, and journal it; one transaction."""
    _check_password(password, user)
    with transaction.atomic():
        user.set_password(password)
        user.password_change_required = temporary
        user.save(update_fields=["password", "password_change_required"])
        revoked = _tokens_revoke_all(user)
        journal_append(
            actor=actor,
            kind="user.temporary_password_set" if temporary else "user.password_changed",
            payload={"username": user.username, "tokens_revoked": revoked},
        )
    return user


def user_change_password(*, actor, user: User, old_password: str, new_password: str) -> User:
    """A user chooses a new password; it clears a temporary password's mark and revokes every
    API token of the account (a client that knew the old password signs in again)."""
    if actor.pk != user.pk:
        raise ValidationError(gettext_noop("You can only change your own password."))
    if not user.check_password(old_password):
        raise ValidationError(
            gettext_noop("The current password is wrong."),
            details={"old_password": gettext_noop("The current password is wrong.")},
        )
    if new_password == old_password:
        raise ValidationError(
            gettext_noop("Choose a password different from the current one."),
            details={"new_password": gettext_noop("This is the current password.")},
        )
    return _password_set(actor, user, new_password, temporary=False)


# API tokens (django-rest-knox: stored as a hash, with an expiry; ADR 0010)


def _token_ref(token) -> str:
    """How the journal names a token: the start of its hash, never the token itself."""
    return token.digest[:16]


def _tokens_revoke_all(user: User) -> int:
    """Delete every API token of ``user``; inside the caller's transaction and entry."""
    from knox.models import AuthToken

    deleted, _ = AuthToken.objects.filter(user=user).delete()
    return deleted


def token_issue(*, actor, user: User):
    """A new API token for ``user`` (who has just proved who they are). Returns the stored
    token and the token itself, which is shown once and never stored in clear."""
    from knox.models import AuthToken

    if not (actor.is_authenticated and actor.pk == user.pk and user.is_active):
        raise PermissionDeniedError(gettext_noop("A token is issued only to its own user."))
    with transaction.atomic():
        token, clear = AuthToken.objects.create(
            user=user, expiry=timedelta(hours=settings.PSSM_API_TOKEN_HOURS)
        )
        journal_append(
            actor=actor,
            kind="user.token_issued",
            payload={
                "username": user.username,
                "token": _token_ref(token),
                "expiry": token.expiry.isoformat(),
            },
        )
    return token, clear


def token_revoke(*, actor, token) -> None:
    """Revoke one API token: its own user, or an administrator who manages the account."""
    from knox.models import AuthToken

    owner = token.user
    if not (actor.is_authenticated and actor.pk == owner.pk):
        authz.check_user_manage(actor, owner)
    with transaction.atomic():
        deleted, _ = AuthToken.objects.filter(digest=token.digest).delete()
        if not deleted:
            raise NotFoundError(gettext_noop("No such API token."))
        journal_append(
            actor=actor,
            kind="user.token_revoked",
            payload={"username": owner.username, "token": _token_ref(token)},
        )


# Accounts in operation: deactivation, lock-out, temporary password


def user_deactivate(*, actor, user: User) -> User:
    """Close an account: it can no longer sign in, and its API tokens are revoked."""
    authz.check_user_manage(actor, user)
    if actor.pk is not None and actor.pk == user.pk:
        raise ValidationError(gettext_noop("You cannot deactivate your own account."))
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if not locked.is_active:
            raise ConflictError(gettext_noop("This account is already deactivated."))
        locked.is_active = False
        locked.save(update_fields=["is_active"])
        revoked = _tokens_revoke_all(locked)
        journal_append(
            actor=actor,
            kind="user.deactivated",
            payload={"username": locked.username, "tokens_revoked": revoked},
        )
    user.is_active = False
    return user


def user_reactivate(*, actor, user: User) -> User:
    authz.check_user_manage(actor, user)
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if locked.is_active:
            raise ConflictError(gettext_noop("This account is already active."))
        locked.is_active = True
        locked.save(update_fields=["is_active"])
        journal_append(actor=actor, kind="user.reactivated", payload={"username": user.username})
    user.is_active = True
    return user


def user_unlock(*, actor, user: User) -> int:
    """Clear the failed sign-ins recorded against the user name (django-axes), from every
    address, so a locked-out user can sign in again. Returns how many records were cleared."""
    from axes.utils import reset

    authz.check_user_manage(actor, user)
    if not selectors.failed_sign_ins(user):
        raise ConflictError(gettext_noop("No failed sign-in is recorded for this account."))
    with transaction.atomic():
        cleared = reset(username=user.username)
        journal_append(
            actor=actor,
            kind="user.unlocked",
            payload={"username": user.username, "records_cleared": cleared},
        )
    return cleared


def user_set_temporary_password(*, actor, user: User, password: str) -> User:
    """An administrator gives a temporary password; the user must choose their own at the
    next sign-in. The account's API tokens are revoked."""
    authz.check_user_manage(actor, user)
    if actor.pk is not None and actor.pk == user.pk:
        raise ValidationError(
            gettext_noop("Change your own password on your account page."),
            details={"password": gettext_noop("Change your own password on your account page.")},
        )
    return _password_set(actor, user, password, temporary=True)


# Second factor (TOTP, django-otp)


def second_factor_check_code(*, key: str, code: str) -> None:
    """Raise :class:`ValidationError` on ``otp`` unless ``code`` is the current TOTP code of
    the hexadecimal ``key`` (one step of clock drift either way is accepted)."""
    from django_otp.oath import TOTP

    code = (code or "").strip().replace(" ", "")
    if not (code.isdigit() and len(code) == 6 and TOTP(unhexlify(key)).verify(int(code), 1)):
        raise ValidationError(
            gettext_noop("The code is wrong or has expired."),
            details={"otp": gettext_noop("The code is wrong or has expired.")},
        )


def second_factor_enrol(*, actor, user: User, key: str, code: str):
    """Enrol a TOTP device with the secret ``key`` the user's application was given, once the
    user proves it works with a current ``code``."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if not (actor.is_authenticated and actor.pk == user.pk):
        raise PermissionDeniedError(gettext_noop("Only the user can enrol their second factor."))
    if not selectors.second_factor_state(user)["may_enrol"]:
        raise PermissionDeniedError(
            gettext_noop("Your roles do not use a second factor."), code="second_factor_not_used"
        )
    second_factor_check_code(key=key, code=code)
    with transaction.atomic():
        if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            raise ConflictError(gettext_noop("A second factor is already enrolled."))
        device = TOTPDevice.objects.create(user=user, name="TOTP", key=key, confirmed=True)
        journal_append(
            actor=actor, kind="user.second_factor_enrolled", payload={"username": user.username}
        )
    return device


def second_factor_verify(*, user: User, code: str):
    """The user's enrolled device if ``code`` is right; otherwise :class:`ValidationError` on
    ``otp``. Wrong codes slow down further tries (django-otp's throttling); a code is
    accepted once only."""
    device = selectors.second_factor_device(user)
    if device is None:
        raise ValidationError(gettext_noop("No second factor is enrolled."))
    code = (code or "").strip().replace(" ", "")
    with transaction.atomic():
        ok = device.verify_token(code)
    if not ok:
        raise ValidationError(
            gettext_noop("The code is wrong or has expired."),
            details={"otp": gettext_noop("The code is wrong or has expired.")},
            code="otp_invalid",
        )
    return device


def second_factor_reset(*, actor, user: User) -> None:
    """Remove the user's second factor (a lost phone): they enrol again at the next sign-in
    if their country requires it."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    authz.check_user_manage(actor, user)
    with transaction.atomic():
        deleted, _ = TOTPDevice.objects.filter(user=user).delete()
        if not deleted:
            raise ConflictError(gettext_noop("This account has no second factor."))
        journal_append(
            actor=actor, kind="user.second_factor_reset", payload={"username": user.username}
        )


def country_second_factor_set(*, actor, country, required: bool):
    """Make the second factor compulsory (or not) for the approvers, national authorities and
    administrators of ``country``."""
    from pssm.sites.models import Country

    authz.check(actor, Action.ROLES_MANAGE, country)
    with transaction.atomic():
        locked = Country.objects.select_for_update().get(pk=country.pk)
        if locked.second_factor_required == required:
            return locked
        locked.second_factor_required = required
        locked.save(update_fields=["second_factor_required", "updated_at"])
        journal_append(
            actor=actor,
            kind="country.second_factor_set",
            payload={"country": locked.code, "required": required},
            scope=locked.scope,
        )
    return locked
