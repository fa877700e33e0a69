"""Reading and verifying the journal."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import QuerySet

from pssm.accounts import authz
from pssm.domain.access import Action
from pssm.domain.errors import NotFoundError, gettext_noop

from .models import JournalEntry


def journal_entry_list(*, user, filters: dict | None = None) -> QuerySet[JournalEntry]:
    """Entries the user may see, newest first, filtered by kind, actor, site, dates or text."""
    authz.check_anywhere(user, Action.JOURNAL_VIEW)
    qs = authz.scoped(user, Action.JOURNAL_VIEW, JournalEntry.objects.all())
    f = filters or {}
    if f.get("kind"):
        qs = qs.filter(kind=f["kind"])
    if f.get("actor"):
        qs = qs.filter(actor=f["actor"])
    if f.get("site"):
        qs = qs.filter(scope_site=f["site"])
    if f.get("country"):
        qs = qs.filter(scope_country=f["country"])
    if f.get("node"):
        qs = qs.filter(node_id=f["node"])
    if f.get("date_from"):
        qs = qs.filter(recorded_at__gte=f["date_from"].isoformat())
    if f.get("date_to"):
        qs = qs.filter(recorded_at__lt=(f["date_to"] + timedelta(days=1)).isoformat())
    if f.get("q"):
        qs = qs.filter(payload__icontains=f["q"])
    return qs.order_by("-recorded_at", "-seq")


def journal_entry_get(*, user, uuid) -> JournalEntry:
    authz.check_anywhere(user, Action.JOURNAL_VIEW)
    entry = authz.scoped(user, Action.JOURNAL_VIEW, JournalEntry.objects.filter(uuid=uuid)).first()
    if entry is None:
        raise NotFoundError(gettext_noop("No such journal entry."))
    return entry


def journal_kinds(*, user) -> list[str]:
    qs = authz.scoped(user, Action.JOURNAL_VIEW, JournalEntry.objects.all())
    return sorted(set(qs.values_list("kind", flat=True).distinct()))
