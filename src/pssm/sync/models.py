"""Synchronisation between nodes: who this node is, the nodes it knows, which node writes
each site, the rows it took from other nodes, what changed here since a peer last heard, the
bundles it read and wrote, and the forks it found (ADR 0014)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

ROLE_CHOICES = [
    ("national", _("national node")),
    ("depot", _("depot node")),
    ("regional", _("regional node")),
]


class ThisNode(models.Model):
    """This node's place in the synchronisation (one row; none on a stand-alone install)."""

    node_id = models.CharField(_("node"), max_length=64)
    role = models.CharField(_("role"), max_length=16, choices=ROLE_CHOICES)
    site = models.ForeignKey(
        "sites.Site", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    national_node = models.CharField(_("national node"), max_length=64, blank=True)
    national_key = models.CharField(_("national node key"), max_length=64, blank=True)
    # a depot restored from a backup older than what national holds stays read-only
    read_only_reason = models.TextField(_("read-only because"), blank=True)
    epoch = models.PositiveIntegerField(_("epoch"), default=1)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("this node")

    def __str__(self):
        return self.node_id


class Peer(models.Model):
    """Another node this node exchanges bundles with."""

    ACTIVE, QUARANTINED, REVOKED = "active", "quarantined", "revoked"
    STATUS_CHOICES = [
        (ACTIVE, _("active")),
        (QUARANTINED, _("quarantined")),
        (REVOKED, _("revoked")),
    ]
    node_id = models.CharField(_("node"), max_length=64, unique=True)
    role = models.CharField(_("role"), max_length=16, choices=ROLE_CHOICES)
    public_key = models.CharField(_("public key"), max_length=64)
    status = models.CharField(_("status"), max_length=16, choices=STATUS_CHOICES, default=ACTIVE)
    status_reason = models.TextField(_("reason"), blank=True)
    site = models.ForeignKey(
        "sites.Site", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    enrolled_at = models.DateTimeField(_("enrolled at"), auto_now_add=True)
    last_contact_at = models.DateTimeField(_("last contact"), null=True, blank=True)
    # the last change of this node that the peer acknowledged, and the last one sent to it
    acked_change = models.BigIntegerField(default=0)
    sent_change = models.BigIntegerField(default=0)
    # the last change of the peer's that this node applied (it tells the peer so)
    their_change = models.BigIntegerField(default=0)
    # the peer's journal head this node acknowledged (what national holds of a depot)
    acked_seq = models.BigIntegerField(default=0)
    bytes_in = models.BigIntegerField(_("bytes received"), default=0)
    bytes_out = models.BigIntegerField(_("bytes sent"), default=0)
    clock_skew = models.FloatField(_("clock error (s)"), null=True, blank=True)
    version = models.PositiveIntegerField(_("synchronisation version"), default=1)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["node_id"]
        verbose_name = _("peer node")
        verbose_name_plural = _("peer nodes")

    def __str__(self):
        return self.node_id


class SiteWriter(models.Model):
    """The one node that writes a site's stock (absent: the national node)."""

    site = models.OneToOneField("sites.Site", on_delete=models.PROTECT, related_name="+")
    node_id = models.CharField(_("node"), max_length=64)
    since = models.DateTimeField(_("since"), auto_now=True)

    class Meta:
        verbose_name = _("site writer")

    def __str__(self):
        return f"{self.site_id} -> {self.node_id}"


class RowMap(models.Model):
    """A row that came from another node: its global id (``<origin node>/<origin id>``) and
    its id here. A row created here has the global id ``<this node>/<id>`` and no map row."""

    tbl = models.CharField(max_length=64)
    gid = models.CharField(max_length=96)
    local_pk = models.BigIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tbl", "gid"], name="rowmap_gid_unique")]
        indexes = [models.Index(fields=["tbl", "local_pk"], name="rowmap_local")]

    def __str__(self):
        return f"{self.tbl} {self.gid} -> {self.local_pk}"


class Change(models.Model):
    """A row inserted, updated or deleted here, written by the database's triggers."""

    id = models.BigAutoField(primary_key=True)
    tbl = models.CharField(max_length=64)
    row = models.BigIntegerField()

    def __str__(self):
        return f"{self.tbl} {self.row}"


# How the sync page names a bundle's kind and what became of it (the stored codes stay).
BUNDLE_KIND_LABELS = {
    "bootstrap": _("bootstrap"),
    "push": _("depot's changes"),
    "pull": _("request"),
    "ack": _("acknowledgement"),
    "regional": _("regional figures"),
    "transfer": _("transfer"),
    "countersigned": _("countersigned transfer"),
}
BUNDLE_STATUS_LABELS = {"applied": _("applied"), "written": _("written")}


class Bundle(models.Model):
    """A bundle this node wrote or read."""

    bundle_id = models.CharField(_("bundle"), max_length=40)
    direction = models.CharField(
        _("direction"), max_length=3, choices=[("in", _("received")), ("out", _("sent"))]
    )
    kind = models.CharField(_("kind"), max_length=16)
    peer = models.CharField(_("node"), max_length=64)
    at = models.DateTimeField(_("at"), auto_now_add=True)
    size = models.BigIntegerField(_("bytes"), default=0)
    entries = models.IntegerField(_("journal entries"), default=0)
    rows = models.IntegerField(_("records"), default=0)
    status = models.CharField(_("status"), max_length=16)
    message = models.TextField(_("message"), blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["bundle_id"], name="syncbundle_id")]

    def __str__(self):
        return self.bundle_id


class Fork(models.Model):
    """Two versions of the same journal entry of a node: the node is quarantined until a
    person decides which history stands."""

    peer = models.CharField(_("node"), max_length=64)
    seq = models.BigIntegerField(_("sequence"))
    held_hash = models.CharField(_("hash held"), max_length=64)
    received_hash = models.CharField(_("hash received"), max_length=64)
    held_entry = models.TextField(_("entry held"), blank=True)
    received_entry = models.TextField(_("entry received"), blank=True)
    found_at = models.DateTimeField(_("found at"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.CharField(_("resolved by"), max_length=150, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)

    class Meta:
        ordering = ["-found_at"]

    def __str__(self):
        return f"{self.peer}#{self.seq}"


class TrustedNational(models.Model):
    """On a regional node: a national node whose figures it takes, with its public key."""

    node_id = models.CharField(_("node"), max_length=64, unique=True)
    public_key = models.CharField(_("public key"), max_length=64)
    trusted_at = models.DateTimeField(_("trusted since"), auto_now_add=True)

    class Meta:
        verbose_name = _("trusted national node")
        verbose_name_plural = _("trusted national nodes")

    def __str__(self):
        return self.node_id


class RegionalFigures(models.Model):
    """On a regional node: the aggregate figures of one country, as one national node sent
    them (codes and counts, never a serial or a name)."""

    bundle_id = models.CharField(_("bundle"), max_length=40, unique=True)
    national = models.CharField(_("national node"), max_length=64)
    country = models.CharField(_("country"), max_length=2)
    figures_at = models.CharField(_("figures at"), max_length=32)
    figures = models.JSONField(_("figures"))
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        ordering = ["country", "-received_at"]
        verbose_name = _("regional figures")
        verbose_name_plural = _("regional figures")

    def __str__(self):
        return f"{self.country} {self.figures_at}"
