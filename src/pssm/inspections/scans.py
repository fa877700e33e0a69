"""The scans of an open count as the counter works: a serial recorded twice is refused with
where and when it was first recorded (it is not counted twice), and a scan recorded by
mistake can be undone while the count is open. Only the counter does either; the closing
compares what is left with the books and journals it."""

from __future__ import annotations

from django.db import transaction
from django.utils import formats, timezone

from pssm.domain.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    gettext_noop,
)
from pssm.journal.services import journal_append

from .models import Count, CountScan


def check_not_scanned(count: Count, norm: str) -> None:
    """Raise a conflict (code ``duplicate``) if ``norm`` is already recorded in ``count``."""
    first = (
        CountScan.objects.filter(count=count, serial_norm=norm)
        .select_related("location")
        .order_by("pk")
        .first()
    )
    if first is not None:
        raise ConflictError(
            gettext_noop(
                "Serial %(serial)s is already recorded in %(location)s at %(time)s: it is not "
                "counted twice. If the first scan was wrong, undo it."
            ),
            params={
                "serial": first.serial,
                "location": first.location.code,
                "time": formats.time_format(timezone.localtime(first.scanned_at), "H:i"),
            },
            details={"serial": gettext_noop("Scanned twice.")},
            code="duplicate",
        )


def count_scan_undo(*, actor, count: Count, scan_id: int) -> CountScan:
    """Take back one scan of an open count (the counter only); journaled with the serial
    and the location, so that the closing's comparison can be read against it."""
    with transaction.atomic():
        scan = (
            CountScan.objects.filter(count_id=count.pk, pk=scan_id)
            .select_related("location")
            .first()
        )
        if scan is None:
            raise NotFoundError(gettext_noop("No such scan on this count."))
        locked = Count.objects.select_for_update().select_related("site").get(pk=count.pk)
        if locked.counter_id != getattr(actor, "pk", None):
            raise PermissionDeniedError(
                gettext_noop("Only the counter records the scans of a count.")
            )
        if locked.state != Count.State.OPEN:
            raise ConflictError(gettext_noop("This count is closed."))
        CountScan.objects.filter(pk=scan.pk).delete()
        journal_append(
            actor=actor,
            kind="count.scan_undone",
            payload={
                "count": locked.pk,
                "site": locked.site.code,
                "serial": scan.serial,
                "location": scan.location.code,
            },
            scope=locked.scope,
        )
    return scan
