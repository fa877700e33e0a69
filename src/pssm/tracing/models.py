"""Tracing: the documents of transfers from and to abroad, and trace requests (ITI §§14-23).

A transfer document belongs to one voucher (the receipt of weapons from abroad); the voucher
and the movement engine move the weapons, the document only records the paperwork. A trace
request is national: it belongs to a country's registry, not to a site.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pssm.domain.access import Scope
from pssm.sites.models import site_scope_paths


class TransferDocument(models.Model):
    class Direction(models.TextChoices):
        IMPORT = "import", _("Import (receipt from abroad)")
        EXPORT = "export", _("Export (dispatch abroad)")

    voucher = models.OneToOneField(
        "movements.Voucher",
        on_delete=models.PROTECT,
        related_name="transfer_document",
        verbose_name=_("voucher"),
    )
    direction = models.CharField(_("direction"), max_length=8, choices=Direction.choices)
    counterpart_state = models.CharField(_("counterpart state"), max_length=2)
    importer = models.CharField(_("importer"), max_length=150, blank=True)
    exporter = models.CharField(_("exporter"), max_length=150, blank=True)
    licence_number = models.CharField(_("licence number"), max_length=80, blank=True)
    end_user_certificate = models.CharField(
        _("end-user certificate reference"), max_length=80, blank=True
    )
    regional_exemption = models.CharField(_("regional exemption number"), max_length=80, blank=True)
    carrier = models.CharField(_("carrier"), max_length=150, blank=True)
    shipped_on = models.DateField(_("shipped on"), null=True, blank=True)
    arrived_on = models.DateField(_("arrived on"), null=True, blank=True)
    att_category = models.CharField(
        _("ATT category"),
        max_length=12,
        blank=True,
        help_text=_("Leave empty to report each weapon under the category of its type."),
    )
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    SCOPE_PATHS = site_scope_paths("voucher__site__")

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("transfer document")
        verbose_name_plural = _("transfer documents")
        indexes = [models.Index(fields=["counterpart_state"])]

    def __str__(self):
        return f"{self.voucher.number} ({self.direction} {self.counterpart_state})"

    @property
    def scope(self) -> Scope:
        return self.voucher.site.scope


class TransferAttachment(models.Model):
    """A scanned licence, end-user certificate, exemption, airway bill: a PDF or a photo,
    kept by its SHA-256."""

    document = models.ForeignKey(
        TransferDocument, on_delete=models.PROTECT, related_name="attachments"
    )
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    sha256 = models.CharField(max_length=64)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    name = models.CharField(max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return f"{self.document_id}/{self.name}"


class TraceRequest(models.Model):
    class Direction(models.TextChoices):
        RECEIVED = "received", _("Received")
        SENT = "sent", _("Sent")

    class Requester(models.TextChoices):
        STATE = "state", _("A state")
        INTERPOL = "interpol", _("INTERPOL")
        UN_PANEL = "un_panel", _("A UN panel or group of experts")

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        ANSWERED = "answered", _("Answered")

    class Outcome(models.TextChoices):
        IDENTIFIED = "identified", _("Weapon identified in the registry")
        NOT_FOUND = "not_found", _("Not found in the registry")
        TRACED = "traced", _("Traced by the requested state")
        NOT_TRACED = "not_traced", _("Could not be traced")

    country = models.ForeignKey(
        "sites.Country", on_delete=models.PROTECT, related_name="+", verbose_name=_("country")
    )
    number = models.CharField(_("number"), max_length=32, unique=True)
    direction = models.CharField(_("direction"), max_length=8, choices=Direction.choices)
    requester_kind = models.CharField(
        _("requester or requested party"), max_length=10, choices=Requester.choices
    )
    counterpart = models.CharField(_("counterpart"), max_length=150)
    counterpart_reference = models.CharField(_("their reference"), max_length=80, blank=True)
    make = models.CharField(_("make"), max_length=80, blank=True)
    model = models.CharField(_("model"), max_length=80, blank=True)
    calibre = models.CharField(_("calibre"), max_length=40, blank=True)
    serial = models.CharField(_("serial number"), max_length=64, blank=True)
    serial_norm = models.CharField(max_length=64, blank=True, editable=False)
    marks = models.CharField(_("other marks"), max_length=200, blank=True)
    received_on = models.DateField(_("received or sent on"))
    deadline = models.DateField(_("answer due by"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default="open")
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, blank=True)
    weapon = models.ForeignKey(
        "registry.Weapon",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="trace_requests",
        verbose_name=_("weapon identified"),
    )
    answer = models.TextField(_("answer"), blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-received_on", "-pk"]
        verbose_name = _("trace request")
        verbose_name_plural = _("trace requests")
        indexes = [models.Index(fields=["country", "state", "deadline"])]
        constraints = [
            models.CheckConstraint(
                name="trace_request_deadline_after_receipt",
                condition=Q(deadline__gte=models.F("received_on")),
            ),
            models.CheckConstraint(
                name="trace_request_answered_has_outcome",
                condition=Q(state="open") | ~Q(outcome=""),
            ),
        ]

    def __str__(self):
        return self.number

    @property
    def scope(self) -> Scope:
        return Scope(country=self.country.code)

    def is_overdue(self, today) -> bool:
        return self.state == self.State.OPEN and self.deadline < today
