"""Telling people: :func:`notify` writes one notice per recipient inside the caller's
transaction (it is part of what happened) and, where SMTP is configured and the recipient
has an address, sends an e-mail once the transaction has committed (a depot may have no
mail server: then the notices are in PSSM only). :func:`recipients` finds who holds a right
on a site, at the site or above it."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from pssm.domain.access import ROLE_ACTIONS, Action

from .models import Notice

log = logging.getLogger(__name__)


def recipients(action: Action, site, *, above_site: bool = False, exclude=()) -> list:
    """The active users whose roles allow ``action`` on ``site`` (only through a grant above
    the site level when ``above_site``), except those in ``exclude``."""
    from pssm.accounts.models import RoleGrant, User

    roles = [role.value for role, actions in ROLE_ACTIONS.items() if action in actions]
    org = site.organisation
    where = (
        Q(level="global")
        | Q(level="country", country_id=org.country_id)
        | Q(level="organisation", organisation_id=org.pk)
    )
    if not above_site:
        where |= Q(level="site", site_id=site.pk)
    grants = RoleGrant.objects.filter(where, role__in=roles, revoked_at__isnull=True)
    skip = [getattr(u, "pk", None) for u in exclude]
    return list(
        User.objects.filter(is_active=True, pk__in=grants.values("user_id"))
        .exclude(pk__in=[pk for pk in skip if pk])
        .order_by("pk")
    )


def notify(*, users, kind: str, message: str, params: dict, url: str = "") -> int:
    """One notice per user (``message`` is an English msgid translated when read)."""
    users = [u for u in users if getattr(u, "pk", None)]
    Notice.objects.bulk_create(
        Notice(user=u, kind=kind, message=message, params=params, url=url) for u in users
    )
    if getattr(settings, "PSSM_EMAIL_NOTICES", False):
        addresses = [u.email for u in users if u.email]
        if addresses:
            transaction.on_commit(lambda: _mail(addresses, message, params, url))
    return len(users)


def _mail(addresses, message, params, url) -> None:
    from django.core.mail import send_mail
    from django.utils.translation import gettext, override

    with override(settings.LANGUAGE_CODE):
        text = gettext(message) % params
    try:
        send_mail(
            subject=f"PSSM: {text}"[:150],
            message=f"{text}\n\n{url}",
            from_email=None,
            recipient_list=addresses,
            fail_silently=False,
        )
    except OSError as exc:  # the depot's mail server is down: the notices stay in PSSM
        log.warning("notification e-mail not sent: %s", exc)


def notices_read(*, actor, ids=None) -> int:
    """Mark the user's notices read (``ids``, or all of them)."""
    qs = Notice.objects.filter(user_id=actor.pk, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())
