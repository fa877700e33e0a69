"""A depot's synchronisation in the background (issue 15, transports; ADR 0014).

`pssm sync schedule --url URL --every MINUTES` queues one round in the database task queue
(django-tasks with its database backend, on SQLite as on PostgreSQL); `pssm db_worker
--queue-name sync` runs it. Each round is one `pssm sync run`: it pushes and pulls, resumes
an interrupted transfer, and queues the next round `every` minutes later, whether the link
was there or not. There is at most one round waiting: scheduling again replaces it, and
`pssm sync schedule --stop` takes it away. Scheduling and stopping are journaled; the rounds
themselves leave their result in the queue's table (and their bundles in the sync tables)."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from pssm.accounts import authz
from pssm.accounts.authz import SystemActor
from pssm.domain.access import Action
from pssm.domain.errors import ConflictError, ValidationError, gettext_noop
from pssm.journal.services import journal_append

from . import client, nodes

QUEUE = "sync"
MAX_EVERY = 24 * 60  # minutes: a depot tries at least once a day


@task(queue_name=QUEUE)
def sync_round(url: str, every: float, chunk_kb: float = 64) -> dict:
    """One synchronisation with the national node, then the next round queued."""
    try:
        done = client.run(
            user=SystemActor("system:sync-schedule"), url=url, chunk=int(chunk_kb * 1024)
        )
        outcome = {
            "state": done.state,
            "bundle": done.bundle,
            "sent": done.sent,
            "received": done.received,
            "resumed": done.resumed,
        }
    except client.LinkError as exc:  # no link today: try again next round
        outcome = {"state": "link_down", "error": str(exc)}
    finally:
        _enqueue(url, every, chunk_kb, timezone.now() + timedelta(minutes=every))
    return outcome


def waiting():
    """The rounds queued and not started yet (at most one)."""
    return DBTaskResult.objects.filter(task_path=sync_round.module_path, status="READY").order_by(
        "run_after"
    )


def last_rounds(n: int = 5):
    """The last rounds run, newest first."""
    return DBTaskResult.objects.filter(
        task_path=sync_round.module_path, finished_at__isnull=False
    ).order_by("-finished_at")[:n]


def _enqueue(url: str, every: float, chunk_kb: float, when) -> DBTaskResult:
    with transaction.atomic():
        waiting().delete()
        result = sync_round.using(run_after=when).enqueue(url=url, every=every, chunk_kb=chunk_kb)
    return DBTaskResult.objects.get(pk=result.id)


def _depot(user):
    node = nodes.this_node()
    if node is None or node.role != "depot":
        raise ConflictError(
            gettext_noop("Only a depot node synchronises in the background with its national node.")
        )
    authz.check(user, Action.SYNC_RUN, node.site)
    return node


def schedule(*, user, url: str, every: float, chunk_kb: float = 64) -> DBTaskResult:
    """Synchronise now and then every ``every`` minutes, replacing any round waiting."""
    node = _depot(user)
    if not url.startswith(("http://", "https://")):
        raise ValidationError(
            gettext_noop("Give the national node's address, starting with https://."),
            details={"url": gettext_noop("Not a web address.")},
        )
    if not 0 < every <= MAX_EVERY:
        raise ValidationError(
            gettext_noop("Give the minutes between rounds, more than 0 and at most %(max)s."),
            params={"max": MAX_EVERY},
            details={"every": gettext_noop("Out of range.")},
        )
    if not 0.25 <= chunk_kb <= 1024:
        raise ValidationError(
            gettext_noop("Give the kilobytes per request, from 0.25 to 1024."),
            details={"chunk_kb": gettext_noop("Out of range.")},
        )
    with transaction.atomic():
        queued = _enqueue(url, every, chunk_kb, timezone.now())
        journal_append(
            actor=user,
            kind="sync.scheduled",
            payload={"node": node.node_id, "url": url, "every_minutes": every},
            scope=node.site.scope if node.site_id else None,
        )
    return queued


def stop(*, user) -> int:
    """Take the waiting round away: the background synchronisation stops."""
    node = _depot(user)
    with transaction.atomic():
        removed = waiting().delete()[0]
        if removed:
            journal_append(
                actor=user,
                kind="sync.unscheduled",
                payload={"node": node.node_id},
                scope=node.site.scope if node.site_id else None,
            )
    return removed
