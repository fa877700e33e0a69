"""Vouchers: numbered, approved documents; the only way stock or custody changes.

Lifecycle draft → submitted → approved → posted, or cancelled. Numbers run per site and year
without gaps (a cancelled voucher keeps its number). A posted voucher is never edited: a
mistake is corrected by a reversal voucher that references it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pssm.ammunition.models import CONDITION_CHOICES
from pssm.domain.access import Scope
from pssm.domain.ledger import Kind, ReceiptReason, Status
from pssm.registry.models import STATUS_LABELS
from pssm.sites.models import site_scope_paths

KIND_LABELS = {
    Kind.RECEIPT: _("Receipt"),
    Kind.ISSUE: _("Issue"),
    Kind.RETURN: _("Return"),
    Kind.LOAN: _("Loan"),
    Kind.TRANSFER: _("Transfer (dispatch)"),
    Kind.TRANSFER_RECEIPT: _("Transfer (receipt)"),
    Kind.LOSS: _("Loss or theft report"),
    Kind.STATUS_CHANGE: _("Status change"),
    Kind.REVERSAL: _("Reversal"),
    Kind.EXPENDITURE: _("Expenditure"),
    Kind.CONDITION_CHANGE: _("Condition change"),
    Kind.DESTRUCTION: _("Destruction"),
    Kind.EXPORT: _("Export (dispatch abroad)"),
}
KIND_CHOICES = [(k.value, KIND_LABELS[k]) for k in Kind]


# The reasons a voucher of each kind may give, with their labels.
REASONS = {
    Kind.RECEIPT: [
        (ReceiptReason.ACQUISITION.value, _("Acquisition")),
        (ReceiptReason.SEIZURE.value, _("Seizure")),
        (ReceiptReason.RECOVERY.value, _("Recovery of a lost or stolen weapon")),
    ],
    Kind.LOSS: [
        (Status.LOST.value, STATUS_LABELS[Status.LOST]),
        (Status.STOLEN.value, STATUS_LABELS[Status.STOLEN]),
    ],
    Kind.STATUS_CHANGE: [
        (s.value, STATUS_LABELS[s]) for s in (Status.IN_STORE, Status.UNDER_REPAIR, Status.SURPLUS)
    ],
    Kind.CONDITION_CHANGE: CONDITION_CHOICES,
}


class Voucher(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")
        POSTED = "posted", _("Posted")
        CANCELLED = "cancelled", _("Cancelled")

    site = models.ForeignKey(
        "sites.Site", on_delete=models.PROTECT, related_name="vouchers", verbose_name=_("site")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    seq = models.PositiveIntegerField(_("number in the year"))
    number = models.CharField(_("number"), max_length=48, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=KIND_CHOICES)
    reason = models.CharField(_("reason"), max_length=20, blank=True)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.DRAFT)
    location = models.ForeignKey(
        "sites.StorageLocation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("storage location"),
    )
    custodian = models.ForeignKey(
        "registry.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("issued to (person)"),
    )
    custodian_unit = models.CharField(_("issued to (unit)"), max_length=120, blank=True)
    destination = models.ForeignKey(
        "sites.Site",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incoming_vouchers",
        verbose_name=_("destination site"),
    )
    dispatch = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="receipts",
        verbose_name=_("dispatch voucher"),
    )
    reverses = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversals",
        verbose_name=_("reverses"),
    )
    notes = models.TextField(_("notes"), blank=True)
    # The order, movement authority or letter the voucher carries out (printed on it).
    order_reference = models.CharField(
        _("order or authority reference"), max_length=120, blank=True, default=""
    )
    # A receipt from abroad: the import record (ISACS 05.30, ITI; ATT reports).
    importer = models.CharField(_("importer"), max_length=150, blank=True, default="")
    import_date = models.DateField(_("import date"), null=True, blank=True)
    exporting_state = models.CharField(_("exporting state"), max_length=2, blank=True, default="")
    import_licence = models.CharField(
        _("import licence or regional exemption number"), max_length=80, blank=True, default=""
    )
    end_user_certificate = models.CharField(
        _("end-user certificate reference"), max_length=80, blank=True, default=""
    )
    # A dispatch abroad: the importing state and the export authorisation (ATT art. 7 and 11;
    # the importer and the end-user certificate above serve it too).
    importing_state = models.CharField(_("importing state"), max_length=2, blank=True, default="")
    export_licence = models.CharField(
        _("export licence or authorisation number"), max_length=80, blank=True, default=""
    )
    # A loss or theft report: the police or gendarmerie report it was filed under.
    police_report = models.CharField(
        _("police or loss report reference"), max_length=80, blank=True, default=""
    )
    # A write-off or adjustment that settles a discrepancy case, or an export: approved above
    # the site level.
    above_site = models.BooleanField(
        _("approval above the site level"), default=False, db_default=False
    )
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("prepared by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    posted_at = models.DateTimeField(_("posted at"), null=True, blank=True)
    # The last time an approver sent the voucher back to its preparer, and why.
    returned_reason = models.TextField(_("sent back because"), blank=True, default="")
    returned_at = models.DateTimeField(_("sent back at"), null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent back by"),
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cancelled by"),
    )

    SCOPE_PATHS = site_scope_paths("site__")

    class Meta:
        ordering = ["-year", "-seq"]
        verbose_name = _("voucher")
        verbose_name_plural = _("vouchers")
        constraints = [
            models.UniqueConstraint(fields=["site", "year", "seq"], name="voucher_number_unique"),
            models.CheckConstraint(
                name="voucher_two_person_rule",
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=models.F("prepared_by")),
                violation_error_message=_("The approver must be another person."),
            ),
        ]
        indexes = [models.Index(fields=["site", "state"]), models.Index(fields=["kind"])]

    def __str__(self):
        return self.number

    @property
    def scope(self) -> Scope:
        return self.site.scope

    @property
    def reason_label(self) -> str:
        """The reason in words (the stored code when the kind has no list of reasons)."""
        return str(dict(REASONS.get(self.kind_enum, ())).get(self.reason, self.reason))

    @property
    def kind_enum(self) -> Kind:
        return Kind(self.kind)


class VoucherLine(models.Model):
    # Indexes: (voucher, weapon) leads with the voucher; lots and reversals have partial
    # ones; a weapon's history reads its lines by weapon. Imports write millions of lines.
    voucher = models.ForeignKey(
        Voucher, on_delete=models.PROTECT, related_name="lines", db_index=False
    )
    weapon = models.ForeignKey(
        "registry.Weapon",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="voucher_lines",
    )
    new_weapon = models.JSONField(
        _("new weapon"),
        null=True,
        blank=True,
        help_text="receipt of a weapon not yet in the register",
    )
    serial = models.CharField(_("serial"), max_length=64)
    location = models.ForeignKey(
        "sites.StorageLocation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("storage location"),
        db_index=False,
    )
    reversed_line = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    received = models.BooleanField(_("received"), null=True, blank=True)
    lot = models.ForeignKey(
        "ammunition.Lot",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="voucher_lines",
        verbose_name=_("lot"),
        db_index=False,
    )
    quantity = models.PositiveIntegerField(_("quantity"), null=True, blank=True)
    quantity_received = models.PositiveIntegerField(_("quantity received"), null=True, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        indexes = [
            models.Index(fields=["lot"], name="voucherline_lot", condition=Q(lot__isnull=False)),
            models.Index(
                fields=["reversed_line"],
                name="voucherline_reversed",
                condition=Q(reversed_line__isnull=False),
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["voucher", "weapon"], name="voucherline_weapon_once"),
            models.CheckConstraint(
                name="voucherline_weapon_or_lot",
                condition=Q(lot__isnull=True, quantity__isnull=True)
                | Q(
                    lot__isnull=False,
                    weapon__isnull=True,
                    new_weapon__isnull=True,
                    quantity__gt=0,
                ),
                violation_error_message=_("A line carries either a weapon or a lot quantity."),
            ),
        ]

    def __str__(self):
        return f"{self.voucher.number}: {self.serial}"


class VoucherSequence(models.Model):
    """The last number given per site and year; locked when a voucher is created."""

    site = models.ForeignKey("sites.Site", on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["site", "year"], name="vouchersequence_unique")
        ]

    def __str__(self):
        return f"{self.site_id}/{self.year}: {self.last}"


class CaseSequence(models.Model):
    """The last discrepancy case number given per site and year (locked when a case opens)."""

    site = models.ForeignKey("sites.Site", on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["site", "year"], name="casesequence_unique")]

    def __str__(self):
        return f"{self.site_id}/{self.year}: {self.last}"


class Discrepancy(models.Model):
    """A discrepancy case: a gap between the books and what was found, by a count or by the
    receipt of a transfer. It freezes the items concerned, asks for a recount by another
    person and an investigation note, and is closed either as explained (the recount found
    the item) or by a write-off or adjustment voucher approved above the site level."""

    class Kind(models.TextChoices):
        MISSING = "missing", _("Expected but not found")
        UNEXPECTED = "unexpected", _("Found but not expected")
        WRONG_LOCATION = "wrong_location", _("Found in the wrong location")
        SHORTAGE = "shortage", _("Fewer units than the books")
        SURPLUS = "surplus", _("More units than the books")

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        PENDING = "pending", _("Write-off awaiting approval")
        CLOSED = "closed", _("Closed")

    class Resolution(models.TextChoices):
        EXPLAINED = "explained", _("Explained")
        WRITTEN_OFF = "written_off", _("Written off")
        ADJUSTED = "adjusted", _("Adjusted")
        FOUND = "found", _("Found (received late)")

    site = models.ForeignKey(
        "sites.Site", on_delete=models.PROTECT, related_name="discrepancies", verbose_name=_("site")
    )
    # given by the site's writing node (site and year in it), so it is the same on every node
    number = models.CharField(_("number"), max_length=48, unique=True)
    voucher = models.ForeignKey(
        Voucher, on_delete=models.PROTECT, related_name="discrepancies", null=True, blank=True
    )
    # The site that sent a transfer found short at its receipt: it sees and settles the case too.
    origin_site = models.ForeignKey(
        "sites.Site",
        on_delete=models.PROTECT,
        related_name="discrepancies_sent",
        null=True,
        blank=True,
        verbose_name=_("sending site"),
    )
    count = models.ForeignKey(
        "inspections.Count",
        on_delete=models.PROTECT,
        related_name="discrepancies",
        null=True,
        blank=True,
    )
    weapon = models.ForeignKey("registry.Weapon", on_delete=models.PROTECT, null=True, blank=True)
    serial = models.CharField(_("serial"), max_length=64)
    lot = models.ForeignKey("ammunition.Lot", on_delete=models.PROTECT, null=True, blank=True)
    expected_quantity = models.PositiveIntegerField(null=True, blank=True)
    found_quantity = models.PositiveIntegerField(null=True, blank=True)
    expected_location = models.CharField(_("location in the books"), max_length=40, blank=True)
    found_location = models.CharField(_("location found"), max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default="open")
    created_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    recount_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recounted_at = models.DateTimeField(_("recounted at"), null=True, blank=True)
    recount_confirmed = models.BooleanField(
        _("gap confirmed by the recount"), null=True, blank=True
    )
    recount_quantity = models.PositiveIntegerField(_("units at the recount"), null=True, blank=True)
    investigation = models.TextField(_("investigation note"), blank=True)
    investigated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    investigated_at = models.DateTimeField(_("investigated at"), null=True, blank=True)
    closing_voucher = models.ForeignKey(
        Voucher,
        on_delete=models.PROTECT,
        related_name="settles",
        null=True,
        blank=True,
        verbose_name=_("write-off or adjustment voucher"),
    )
    resolution = models.CharField(
        _("resolution"), max_length=12, choices=Resolution.choices, blank=True
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    SCOPE_PATHS = site_scope_paths("site__")
    ORIGIN_PATHS = site_scope_paths("origin_site__")

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("discrepancy case")
        verbose_name_plural = _("discrepancy cases")
        constraints = [
            models.UniqueConstraint(
                fields=["weapon"],
                condition=Q(weapon__isnull=False) & ~Q(state="closed"),
                name="discrepancy_one_open_case_per_weapon",
            ),
            models.CheckConstraint(
                name="discrepancy_has_a_source",
                condition=Q(voucher__isnull=False) | Q(count__isnull=False),
            ),
        ]
        indexes = [models.Index(fields=["site", "state"])]

    def __str__(self):
        return f"{self.number}: {self.serial or self.lot_id} ({self.kind})"

    @property
    def scope(self) -> Scope:
        return self.site.scope

    @property
    def is_open(self) -> bool:
        return self.state != self.State.CLOSED


class Destruction(models.Model):
    """A destruction (IATG 10.10, MOSAIC 05.50): its plan (what, where, how, when), what was
    destroyed, its witnesses and photos. Its items are the lines of its voucher; the posting of
    that voucher is the certificate: only then are the weapons *destroyed* and the units gone."""

    class Method(models.TextChoices):
        CUTTING = "cutting", _("Cutting (torch, plasma or saw)")
        CRUSHING = "crushing", _("Crushing or shredding")
        SMELTING = "smelting", _("Smelting")
        OPEN_BURNING = "open_burning", _("Open burning")
        OPEN_DETONATION = "open_detonation", _("Open detonation")
        INDUSTRIAL = "industrial", _("Industrial demilitarisation")

    voucher = models.OneToOneField(
        Voucher, on_delete=models.PROTECT, related_name="destruction", verbose_name=_("voucher")
    )
    method = models.CharField(_("method"), max_length=16, choices=Method.choices)
    place = models.CharField(_("place"), max_length=200)
    planned_date = models.DateField(_("planned for"))
    authority = models.CharField(_("order or authority"), max_length=200, blank=True)
    destroyed_on = models.DateField(_("destroyed on"), null=True, blank=True)
    witnesses = models.JSONField(_("witnesses"), default=list, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    SCOPE_PATHS = site_scope_paths("voucher__site__")

    class Meta:
        ordering = ["-planned_date", "-pk"]
        verbose_name = _("destruction")
        verbose_name_plural = _("destructions")

    def __str__(self):
        return self.voucher.number

    @property
    def scope(self) -> Scope:
        return self.voucher.site.scope


class DestructionPhoto(models.Model):
    class Stage(models.TextChoices):
        BEFORE = "before", _("Before")
        AFTER = "after", _("After")

    destruction = models.ForeignKey(Destruction, on_delete=models.PROTECT, related_name="photos")
    stage = models.CharField(_("stage"), max_length=8, choices=Stage.choices)
    sha256 = models.CharField(max_length=64)
    content_type = models.CharField(max_length=20)
    size = models.PositiveIntegerField()
    name = models.CharField(max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return f"{self.destruction_id}/{self.stage}"
