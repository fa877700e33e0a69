"""One run of an import: which file (by its SHA-256), into which site, by whom, how far it
got and what it found. Rows are committed in chunks, each chunk one posted receipt voucher;
the job records the last committed row so that a re-run of the same file resumes there."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pssm.domain.access import Scope
from pssm.sites.models import site_scope_paths


class ImportJob(models.Model):
    class Kind(models.TextChoices):
        WEAPONS = "weapons", _("Weapons")
        AMMUNITION = "ammunition", _("Ammunition")

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting")
        QUEUED = "queued", _("In line")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")
        CHECKED = "checked", _("Checked (dry run)")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    site = models.ForeignKey("sites.Site", on_delete=models.PROTECT, related_name="+")
    file_name = models.CharField(_("file"), max_length=255)
    file_sha256 = models.CharField(max_length=64, db_index=True)
    stored_path = models.CharField(max_length=500, blank=True)
    mapping = models.JSONField(default=dict, blank=True)
    options = models.JSONField(default=dict, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default="pending")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    size_bytes = models.BigIntegerField(default=0)
    bytes_read = models.BigIntegerField(default=0)
    last_row = models.PositiveIntegerField(_("last committed row"), default=0)
    rows_read = models.PositiveIntegerField(default=0)
    imported = models.PositiveIntegerField(_("imported"), default=0)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)
    skipped = models.PositiveIntegerField(_("skipped"), default=0)
    report = models.JSONField(default=list, blank=True)  # the first rejects, for the page
    message = models.TextField(blank=True)
    # The headers and first rows, read once at upload (the job page never reads the file).
    preview = models.JSONField(default=dict, blank=True)
    # The process running the import, to tell a job whose process died from a running one.
    pid = models.PositiveIntegerField(null=True, blank=True)
    host = models.CharField(max_length=100, blank=True)

    SCOPE_PATHS = site_scope_paths("site__")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self):
        return f"{self.kind} {self.file_name} → {self.site_id} ({self.state})"

    @property
    def scope(self) -> Scope:
        return self.site.scope

    @property
    def percent(self) -> int:
        if self.state in {self.State.DONE, self.State.CHECKED}:
            return 100
        return int(100 * self.bytes_read / self.size_bytes) if self.size_bytes else 0


class ValueMapping(models.Model):
    """What a value of a register means, said once by a user and remembered for the next
    files of the same country: "Kalachnikov" in the "Type d'arme" column is the AK-47
    (ADR 0019). ``value_key`` is the value simplified (case, accents, spaces and signs
    ignored), ``target`` what it stands for (for a weapon type, the type's id)."""

    class Field(models.TextChoices):
        WEAPON_TYPE = "weapon_type", _("weapon type")

    country = models.ForeignKey(
        "sites.Country", on_delete=models.PROTECT, related_name="+", verbose_name=_("country")
    )
    field = models.CharField(_("column"), max_length=32, choices=Field.choices)
    value = models.CharField(_("value in the register"), max_length=120)
    value_key = models.CharField(max_length=120, editable=False)
    target = models.CharField(_("means"), max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["country", "field", "value_key"]
        verbose_name = _("value mapping")
        verbose_name_plural = _("value mappings")
        constraints = [
            models.UniqueConstraint(
                fields=["country", "field", "value_key"], name="value_mapping_unique"
            )
        ]

    def __str__(self):
        return f"{self.field}: {self.value} = {self.target}"

    @property
    def scope(self) -> Scope:
        return Scope(country=self.country.code)
