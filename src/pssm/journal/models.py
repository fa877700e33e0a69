"""The append-only, hash-chained, per-node journal (architecture.md §1).

The database refuses UPDATE and DELETE on entries (see :mod:`pssm.journal.triggers`).
``JournalHead`` is a per-node cursor locked by every append so that sequence numbers stay
gapless under concurrent writers; verification never trusts it, it recomputes the chain.
"""

import json
import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from pssm.domain.access import Scope
from pssm.domain.journal import Envelope, StoredEntry


class JournalEntry(models.Model):
    node_id = models.CharField(_("node"), max_length=64)
    seq = models.PositiveBigIntegerField(_("sequence"))
    uuid = models.UUIDField(_("UUID"), unique=True, default=uuid.uuid4)
    recorded_at = models.CharField(_("recorded at"), max_length=32)
    actor = models.CharField(_("actor"), max_length=150)
    scope_country = models.CharField(_("country"), max_length=2, blank=True)
    scope_organisation = models.CharField(_("organisation"), max_length=16, blank=True)
    scope_site = models.CharField(_("site"), max_length=24, blank=True)
    kind = models.CharField(_("kind"), max_length=64)
    payload = models.TextField(_("payload"))
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)
    # Nullable without a default so that SQLite adds the columns in place (a rebuilt table
    # would lose the append-only triggers): NULL is hash version 1, and no seal.
    version = models.PositiveSmallIntegerField(_("hash version"), null=True, blank=True)
    signature = models.CharField(_("seal"), max_length=128, null=True, blank=True)
    key_id = models.CharField(_("key"), max_length=16, null=True, blank=True)

    SCOPE_PATHS = {
        "country": "scope_country",
        "organisation": "scope_organisation",
        "site": "scope_site",
    }

    class Meta:
        ordering = ["node_id", "seq"]
        verbose_name = _("journal entry")
        verbose_name_plural = _("journal entries")
        constraints = [
            models.UniqueConstraint(fields=["node_id", "seq"], name="journal_node_seq_unique"),
            models.CheckConstraint(name="journal_seq_positive", condition=models.Q(seq__gte=1)),
        ]
        indexes = [
            models.Index(fields=["kind"]),
            models.Index(fields=["actor"]),
            models.Index(fields=["scope_site", "seq"]),
            models.Index(fields=["scope_country", "seq"]),
            models.Index(fields=["recorded_at"]),
        ]

    def __str__(self):
        return f"{self.node_id}#{self.seq} {self.kind}"

    @property
    def scope(self) -> Scope:
        return Scope(self.scope_country, self.scope_organisation, self.scope_site)

    @property
    def payload_data(self):
        return json.loads(self.payload)

    def envelope(self) -> Envelope:
        return Envelope(
            node_id=self.node_id,
            seq=self.seq,
            uuid=str(self.uuid),
            recorded_at=self.recorded_at,
            actor=self.actor,
            scope_country=self.scope_country,
            scope_organisation=self.scope_organisation,
            scope_site=self.scope_site,
            kind=self.kind,
            payload_json=self.payload,
        )

    def stored(self) -> StoredEntry:
        return StoredEntry(
            self.envelope(),
            self.prev_hash,
            self.hash,
            self.version or 1,
            self.signature or "",
            self.key_id or "",
        )


class JournalHead(models.Model):
    node_id = models.CharField(max_length=64, unique=True)
    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)
    # The seal of the head (node, last_seq, last_hash), renewed by every append.
    signature = models.CharField(max_length=128, null=True, blank=True)
    key_id = models.CharField(max_length=16, null=True, blank=True)

    def __str__(self):
        return f"{self.node_id} @ {self.last_seq}"
