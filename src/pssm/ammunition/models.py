"""Ammunition by lot, the site plan that the quantity-distance engine reads, explosives limit
licences, safety waivers and national overrides of the safety rules.

A lot is never merged with another and never deleted. Its balance in each storage location
(or in transit to a site) is a projection kept by the movement engine: only a posted voucher
changes it. Masses are Decimal kilograms; counts are integers.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from pssm.domain.access import Scope
from pssm.sites.models import site_scope_paths

CONDITION_CHOICES = [
    ("A", _("A: serviceable, issue without qualification")),
    ("B", _("B: serviceable with restrictions")),
    ("C", _("C: serviceable, priority issue")),
    ("D", _("D: serviceable, needs test or modification")),
    ("E", _("E: unserviceable, limited restoration")),
    ("F", _("F: unserviceable, repairable")),
    ("G", _("G: unserviceable, incomplete")),
    ("H", _("H: unserviceable, condemned")),
    ("J", _("J: suspended, awaiting test")),
    ("K", _("K: suspended, returned awaiting classification")),
    ("L", _("L: suspended, litigation")),
    ("M", _("M: suspended, in maintenance")),
    ("N", _("N: suspended, emergency combat use only")),
    ("P", _("P: unserviceable, reclamation")),
    ("R", _("R: suspended, reclaimed awaiting condition")),
    ("S", _("S: unserviceable, scrap")),
]


def _french() -> bool:
    return (get_language() or settings.LANGUAGE_CODE).startswith("fr")


def nature_name(path: str = ""):
    """The expression of a nature's name in the active language for ``values()`` queries;
    ``path`` leads to the nature (``"lot__nature__"``). A row can keep the English field's
    key (``lot__nature__nomenclature=nature_name("lot__nature__")``) so that every page and
    export reading that key shows the user's language."""
    if _french():
        return Coalesce(NullIf(F(f"{path}nomenclature_fr"), Value("")), F(f"{path}nomenclature"))
    return F(f"{path}nomenclature")


class Nature(models.Model):
    """A kind of ammunition (one nomenclature) with its hazard classification and NEQ."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    # the English name, the one other nodes, the API and imports have always carried
    nomenclature = models.CharField(_("nomenclature (English)"), max_length=160)
    nomenclature_fr = models.CharField(
        _("nomenclature (French)"),
        max_length=160,
        blank=True,
        help_text=_("Shown to French-speaking users. Blank: the English name is shown."),
    )
    calibre = models.CharField(_("calibre"), max_length=40, blank=True)
    un_number = models.CharField(_("UN number"), max_length=4, blank=True)
    hazard_code = models.CharField(_("hazard classification code"), max_length=4)
    neq_kg_per_unit = models.DecimalField(_("NEQ per unit (kg)"), max_digits=14, decimal_places=6)
    neq_kg_per_round = models.DecimalField(
        _("HE NEQ per round (kg)"),
        max_digits=14,
        decimal_places=6,
        null=True,
        blank=True,
        help_text=_(
            "High-explosive NEQ of one round or article. It splits HD 1.2 into 1.2.1 (above "
            "0.136 kg) and 1.2.2 (IATG 02.20 Table 9) and sizes HD 1.6 by its largest "
            "article. Blank: the NEQ per unit is used, which is never less strict."
        ),
    )
    max_lot_quantity = models.PositiveIntegerField(
        _("largest lot (units)"),
        null=True,
        blank=True,
        help_text=_(
            "The most units a manufacturer puts in one lot of this nature. A lot quantity above "
            "it is refused as a typing error. Blank: only the NEQ limit applies."
        ),
    )
    packaging = models.CharField(_("packaging"), max_length=120, blank=True)
    units_per_package = models.PositiveIntegerField(_("units per package"), default=1)
    shelf_life_years = models.PositiveSmallIntegerField(
        _("shelf life (years)"), null=True, blank=True
    )
    inspection_interval_months = models.PositiveSmallIntegerField(
        _("inspection interval (months)"), null=True, blank=True
    )
    provisional = models.BooleanField(
        _("provisional"),
        default=True,
        help_text=_("Values not yet verified against the data sheet."),
    )
    source = models.CharField(_("source"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("ammunition nature")
        verbose_name_plural = _("ammunition natures")
        constraints = [
            models.CheckConstraint(
                name="nature_neq_not_negative",
                condition=Q(neq_kg_per_unit__gte=0),
                violation_error_message=_("The NEQ per unit cannot be negative."),
            ),
            models.CheckConstraint(
                name="nature_round_neq_within_unit",
                condition=Q(neq_kg_per_round__isnull=True)
                | Q(neq_kg_per_round__gte=0, neq_kg_per_round__lte=F("neq_kg_per_unit")),
                violation_error_message=_(
                    "The HE NEQ of one round cannot be negative nor more than the NEQ per unit."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.hazard_code})"

    @property
    def name(self) -> str:
        """The nomenclature in the active language (French when given, else English)."""
        return (self.nomenclature_fr or self.nomenclature) if _french() else self.nomenclature

    @property
    def round_neq_kg(self):
        """The NEQ that sub-divides HD 1.2 and sizes HD 1.6: the round's HE NEQ when known,
        else the whole NEQ per unit (the stricter)."""
        return self.neq_kg_per_unit if self.neq_kg_per_round is None else self.neq_kg_per_round


class Lot(models.Model):
    nature = models.ForeignKey(
        Nature, on_delete=models.PROTECT, related_name="lots", verbose_name=_("nature")
    )
    lot_number = models.CharField(_("lot number"), max_length=40)
    lot_number_norm = models.CharField(max_length=40, unique=True, editable=False)
    iatg_format = models.BooleanField(_("IATG 03.20 format"), default=False)
    manufacturer = models.CharField(_("manufacturer"), max_length=80, blank=True)
    year_of_manufacture = models.PositiveSmallIntegerField(
        _("year of manufacture"), null=True, blank=True
    )
    condition_code = models.CharField(
        _("condition code"), max_length=1, choices=CONDITION_CHOICES, default="A"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["lot_number_norm"]
        verbose_name = _("lot")
        verbose_name_plural = _("lots")

    def __str__(self):
        return f"{self.lot_number} · {self.nature.code}"


class LotBalance(models.Model):
    """How many units of a lot lie in one storage location, or travel to a site."""

    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="balances")
    site = models.ForeignKey("sites.Site", on_delete=models.PROTECT, related_name="lot_balances")
    location = models.ForeignKey(
        "sites.StorageLocation", on_delete=models.PROTECT, null=True, blank=True
    )
    in_transit_to = models.ForeignKey(
        "sites.Site", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    quantity = models.BigIntegerField(_("quantity"), default=0)

    SCOPE_PATHS = site_scope_paths("site__")

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="lotbalance_not_negative",
                condition=Q(quantity__gte=0),
                violation_error_message=_("A balance cannot be negative."),
            ),
            models.CheckConstraint(
                name="lotbalance_one_place",
                condition=Q(location__isnull=False, in_transit_to__isnull=True)
                | Q(location__isnull=True, in_transit_to__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["lot", "location"],
                condition=Q(location__isnull=False),
                name="lotbalance_unique_location",
            ),
            models.UniqueConstraint(
                fields=["lot", "site", "in_transit_to"],
                condition=Q(in_transit_to__isnull=False),
                name="lotbalance_unique_transit",
            ),
        ]
        indexes = [models.Index(fields=["site", "lot"])]

    def __str__(self):
        return f"{self.lot_id}@{self.location_id or self.in_transit_to_id}: {self.quantity}"


class ExposedSite(models.Model):
    """Something the quantity-distance rules protect that is not a storehouse or process
    building of the site: a house, a school, a road, the boundary fence."""

    class Relationship(models.TextChoices):
        INHABITED = "inhabited_building", _("Inhabited building")
        INHABITED_LOW = "inhabited_building_low_density", _("Inhabited building (low density)")
        VULNERABLE = "vulnerable_building", _("Vulnerable building (school, hospital…)")
        ROAD = "public_traffic_route", _("Public traffic route")
        BOUNDARY = "site_boundary", _("Site boundary")

    site = models.ForeignKey(
        "sites.Site", on_delete=models.PROTECT, related_name="exposed_sites", verbose_name=_("site")
    )
    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=150)
    relationship = models.CharField(_("relationship"), max_length=32, choices=Relationship.choices)
    plan_x_m = models.DecimalField(_("plan x (m east)"), max_digits=9, decimal_places=1)
    plan_y_m = models.DecimalField(_("plan y (m north)"), max_digits=9, decimal_places=1)
    is_active = models.BooleanField(_("active"), default=True)

    SCOPE_PATHS = site_scope_paths("site__")

    class Meta:
        ordering = ["code"]
        verbose_name = _("exposed site")
        verbose_name_plural = _("exposed sites")

    def __str__(self):
        return f"{self.name} ({self.code})"

    @property
    def scope(self) -> Scope:
        return self.site.scope


class Licence(models.Model):
    """An explosives limit licence (IATG 02.30) of one explosive storehouse."""

    building = models.ForeignKey(
        "sites.Building",
        on_delete=models.PROTECT,
        related_name="licences",
        verbose_name=_("building"),
    )
    number = models.CharField(_("licence number"), max_length=40, unique=True)
    limits_kg = models.JSONField(_("NEQ limits per hazard division (kg)"), default=dict)
    permitted_groups = models.CharField(
        _("permitted compatibility groups"), max_length=13, blank=True
    )
    issued_date = models.DateField(_("issued on"))
    review_date = models.DateField(_("review by"))
    authority = models.CharField(_("issuing authority"), max_length=150)
    conditions = models.TextField(_("conditions"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_by_name = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    SCOPE_PATHS = site_scope_paths("building__site__")

    class Meta:
        ordering = ["-issued_date", "-pk"]
        verbose_name = _("explosives limit licence")
        verbose_name_plural = _("explosives limit licences")

    def __str__(self):
        return self.number

    @property
    def scope(self) -> Scope:
        return self.building.site.scope


class Waiver(models.Model):
    """A time-limited, justified permission to breach one kind of safety rule in a building."""

    class Rule(models.TextChoices):
        COMPATIBILITY = "compatibility", _("Compatibility")
        LICENCE = "licence", _("Licence limit")
        QD = "qd", _("Quantity-distance")

    building = models.ForeignKey(
        "sites.Building",
        on_delete=models.PROTECT,
        related_name="waivers",
        verbose_name=_("building"),
    )
    rule = models.CharField(_("rule"), max_length=16, choices=Rule.choices)
    justification = models.TextField(_("justification"))
    valid_from = models.DateTimeField(_("valid from"))
    valid_until = models.DateTimeField(_("valid until"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    granted_by_name = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    SCOPE_PATHS = site_scope_paths("building__site__")

    class Meta:
        ordering = ["-valid_until"]
        verbose_name = _("safety waiver")
        verbose_name_plural = _("safety waivers")
        constraints = [
            models.CheckConstraint(
                name="waiver_period",
                condition=Q(valid_until__gt=models.F("valid_from")),
                violation_error_message=_("A waiver must end after it starts."),
            )
        ]

    def __str__(self):
        return f"{self.building_id}/{self.rule} → {self.valid_until:%Y-%m-%d}"

    @property
    def scope(self) -> Scope:
        return self.building.site.scope


class RuleOverride(models.Model):
    """A country's own value for one safety rule, with who, when and why."""

    country = models.ForeignKey("sites.Country", on_delete=models.PROTECT, related_name="+")
    rule_id = models.CharField(_("rule"), max_length=40)
    value = models.JSONField(_("value"))
    reason = models.TextField(_("reason"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_by_name = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    SCOPE_PATHS = {"country": "country__code"}

    class Meta:
        ordering = ["rule_id", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["country", "rule_id"],
                condition=Q(revoked_at__isnull=True),
                name="ruleoverride_one_active",
            )
        ]

    def __str__(self):
        return f"{self.country_id}/{self.rule_id}"

    @property
    def scope(self) -> Scope:
        return Scope(country=self.country.code)


class QdReview(models.Model):
    """A storehouse found in breach of quantity-distance when the QD rules changed: what it
    held, what it needed under the former edition of the rules and what it needs now. Written
    by the migration that brought a corrected edition, and again by ``pssm qd review``; the
    QD report and the national dashboard list them."""

    site = models.ForeignKey(
        "sites.Site", on_delete=models.PROTECT, related_name="+", verbose_name=_("site")
    )
    building = models.ForeignKey(
        "sites.Building", on_delete=models.PROTECT, related_name="+", verbose_name=_("building")
    )
    ruleset = models.CharField(_("rule set"), max_length=40)
    ruleset_before = models.CharField(_("former rule set"), max_length=40)
    in_breach_before = models.BooleanField(_("already in breach before"), default=False)
    governing_hd = models.CharField(_("governing hazard division"), max_length=8, blank=True)
    neq_kg = models.DecimalField(_("NEQ (kg)"), max_digits=20, decimal_places=6)
    breaches = models.JSONField(_("breaches"), default=list)
    reviewed_at = models.DateTimeField(_("reviewed at"))

    SCOPE_PATHS = site_scope_paths("site__")

    class Meta:
        ordering = ["site__code", "building__code"]
        verbose_name = _("quantity-distance review")
        verbose_name_plural = _("quantity-distance reviews")
        constraints = [
            models.UniqueConstraint(fields=["building", "ruleset"], name="qdreview_one_per_edition")
        ]

    def __str__(self):
        return f"{self.building_id} {self.ruleset}"

    @property
    def scope(self) -> Scope:
        return self.site.scope


class LotSuspension(models.Model):
    """A lot number suspended wherever it is held (IATG 07.20; condition codes J to R): no
    issue, transfer or expenditure of it until the suspension is lifted."""

    lot = models.ForeignKey(
        Lot, on_delete=models.PROTECT, related_name="suspensions", verbose_name=_("lot")
    )
    reason = models.TextField(_("reason"))
    reference = models.CharField(_("reference"), max_length=80, blank=True)
    suspended_at = models.DateTimeField(_("suspended at"))
    suspended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    suspended_by_name = models.CharField(max_length=150, blank=True)
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    lifted_by_name = models.CharField(max_length=150, blank=True)
    lift_reason = models.TextField(_("why it was lifted"), blank=True)

    class Meta:
        ordering = ["-suspended_at", "-pk"]
        verbose_name = _("lot suspension")
        verbose_name_plural = _("lot suspensions")
        constraints = [
            models.UniqueConstraint(
                fields=["lot"], condition=Q(lifted_at__isnull=True), name="lotsuspension_one_active"
            )
        ]

    def __str__(self):
        return f"{self.lot_id} suspended {self.suspended_at:%Y-%m-%d}"

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None


class LotInspection(models.Model):
    """A surveillance record of a lot (IATG 07.20 inspection, IATG 07.10 propellant stability
    test): what was found, and for a test the stabiliser content and its band."""

    class Kind(models.TextChoices):
        VISUAL = "visual", _("Visual inspection")
        STABILITY = "stability", _("Propellant stability test")

    lot = models.ForeignKey(
        Lot, on_delete=models.PROTECT, related_name="inspections", verbose_name=_("lot")
    )
    site = models.ForeignKey(
        "sites.Site", on_delete=models.PROTECT, related_name="+", verbose_name=_("site")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    inspected_on = models.DateField(_("inspected or tested on"))
    condition_code = models.CharField(
        _("condition found"), max_length=1, choices=CONDITION_CHOICES, blank=True
    )
    stabiliser_percent = models.DecimalField(
        _("effective stabiliser (%)"), max_digits=6, decimal_places=3, null=True, blank=True
    )
    band = models.CharField(_("stability band"), max_length=2, blank=True)
    retest_years = models.PositiveSmallIntegerField(_("retest within (years)"), null=True)
    findings = models.TextField(_("findings"), blank=True)
    reference = models.CharField(_("report reference"), max_length=80, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    recorded_by_name = models.CharField(max_length=150, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    SCOPE_PATHS = site_scope_paths("site__")

    class Meta:
        ordering = ["-inspected_on", "-pk"]
        verbose_name = _("lot inspection")
        verbose_name_plural = _("lot inspections")
        indexes = [models.Index(fields=["lot", "kind", "inspected_on"])]

    def __str__(self):
        return f"{self.lot_id} {self.kind} {self.inspected_on}"
