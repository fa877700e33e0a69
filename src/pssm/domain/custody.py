"""When a weapon held by a person or a unit is due back, and whether it is overdue.

A loan (domain-rules §3, the ``loan`` voucher) is for a time: it is due back ``loan_days``
after it was posted. An issue is the weapon a soldier, gendarme or police officer keeps for
duty; it is due back only where the national rules set ``issue_days`` (a weapon drawn for a
shift, for instance), and otherwise never. The limits are the node's settings, read by the
caller; nothing here reads a clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

LOAN = "loan"
ISSUE = "issue"


@dataclass(frozen=True)
class ReturnPolicy:
    """Days after which a loan, and an issue, are due back (``None``: never due back)."""

    loan_days: int | None = 30
    issue_days: int | None = None

    def __post_init__(self) -> None:
        for name in ("loan_days", "issue_days"):
            value = getattr(self, name)
            if value is not None and value < 1:
                raise ValueError(f"{name} must be at least one day, or None")

    def days_for(self, kind: str) -> int | None:
        if kind == LOAN:
            return self.loan_days
        if kind == ISSUE:
            return self.issue_days
        return None


def due_back(kind: str, since: datetime, policy: ReturnPolicy) -> datetime | None:
    """When a weapon handed over by a voucher of ``kind`` at ``since`` is due back."""
    days = policy.days_for(kind)
    return None if days is None else since + timedelta(days=days)


def days_overdue(kind: str, since: datetime, now: datetime, policy: ReturnPolicy) -> int:
    """Whole days past the due date (0 when not due, or not yet overdue)."""
    due = due_back(kind, since, policy)
    if due is None or now <= due:
        return 0
    return max(1, (now - due).days)


def days_held(since: datetime, now: datetime) -> int:
    """Whole days since the hand-over (0 on its first day)."""
    return max(0, (now - since).days)


def since_cutoff(kind: str, now: datetime, policy: ReturnPolicy) -> datetime | None:
    """The latest hand-over time that is overdue at ``now`` (for a database filter:
    ``posted_at < cutoff``), or ``None`` when that kind is never due back."""
    days = policy.days_for(kind)
    return None if days is None else now - timedelta(days=days)
