"""Reading and verifying the journal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import QuerySet

from pssm.accounts import authz
from pssm.domain.access import Action
from pssm.domain.errors import NotFoundError, gettext_noop
from pssm.domain.journal import VerificationResult, verify_chain

from .models import JournalEntry, JournalHead


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


@dataclass(frozen=True)
class NodeVerification:
    node_id: str
    result: VerificationResult
    head_seq: int | None

    @property
    def ok(self) -> bool:
        return self.result.ok and (self.head_seq is None or self.head_seq == self.result.count)

    @property
    def reason(self) -> str | None:
        if not self.result.ok:
            return self.result.reason
        if self.head_seq is not None and self.head_seq != self.result.count:
            return (
                f"the node head records {self.head_seq} entries but the chain holds "
                f"{self.result.count}"
            )
        return None

    @property
    def bad_seq(self) -> int | None:
        if not self.result.ok:
            return self.result.bad_seq
        if not self.ok:
            return min(self.head_seq or 0, self.result.count) + 1
        return None


def journal_verify(*, user, node_id: str | None = None) -> list[NodeVerification]:
    """Recompute every node's chain from the stored rows; see :func:`verify_chain`."""
    authz.check_anywhere(user, Action.JOURNAL_VERIFY)
    nodes = sorted(
        set(JournalEntry.objects.values_list("node_id", flat=True).distinct())
        | set(JournalHead.objects.values_list("node_id", flat=True))
    )
    if node_id:
        nodes = [n for n in nodes if n == node_id] or [node_id]
    heads = dict(JournalHead.objects.values_list("node_id", "last_seq"))
    results = []
    for node in nodes:
        rows = JournalEntry.objects.filter(node_id=node).order_by("seq").iterator(chunk_size=2000)
        result = verify_chain(row.stored() for row in rows)
        results.append(NodeVerification(node, result, heads.get(node)))
    return results
