"""Country → organisation → site → building → storage location.

Codes are given once and never change; rows are never deleted (``PROTECT`` everywhere and no
delete service): a site that closes is marked inactive so that its history stays readable.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pssm.domain.access import Scope


def site_scope_paths(prefix: str) -> dict[str, str]:
    """Lookups from a model to the codes of its site, organisation and country, for
    :func:`pssm.accounts.authz.scoped`; ``prefix`` leads to the site (``"site__"``)."""
    return {
        "country": f"{prefix}organisation__country__code",
        "organisation": f"{prefix}organisation__code",
        "site": f"{prefix}code",
    }


def latitude_field():
    return models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )


def longitude_field():
    return models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )


class Stamped(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class Record(Stamped):
    """A place that is closed by marking it inactive, never deleted."""

    is_active = models.BooleanField(_("active"), default=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        abstract = True


class Country(Stamped):
    code = models.CharField(_("code"), max_length=2, unique=True)
    name = models.CharField(_("name"), max_length=100)
    default_language = models.CharField(
        _("default language"), max_length=8, choices=[("fr", "Français"), ("en", "English")]
    )
    # The country's approvers, national authorities and administrators must sign in with a
    # second factor (TOTP); set by pssm.accounts.services.country_second_factor_set.
    second_factor_required = models.BooleanField(_("second factor required"), default=False)
    # How long a depot node of the country may go without synchronising before its pages say
    # so (the national policy).
    sync_offline_days = models.PositiveSmallIntegerField(
        _("days a depot may stay offline"), default=14
    )
    SCOPE_PATHS = {
        "country": "code",
        "organisation": "organisations__code",
        "site": "organisations__sites__code",
    }

    class Meta:
        ordering = ["code"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def __str__(self):
        return f"{self.name} ({self.code})"

    @property
    def scope(self) -> Scope:
        return Scope(country=self.code)


class Organisation(Stamped):
    class Kind(models.TextChoices):
        ARMY = "army", _("Army")
        AIR_FORCE = "air_force", _("Air force")
        NAVY = "navy", _("Navy")
        GENDARMERIE = "gendarmerie", _("Gendarmerie")
        NATIONAL_GUARD = "national_guard", _("National guard")
        POLICE = "police", _("Police")
        CUSTOMS = "customs", _("Customs")
        FORESTRY = "forestry", _("Water and forestry service")
        PRISONS = "prisons", _("Prison service")
        COMMISSION = "commission", _("National small-arms commission")
        OTHER = "other", _("Other")

    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="organisations", verbose_name=_("country")
    )
    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    SCOPE_PATHS = {"country": "country__code", "organisation": "code", "site": "sites__code"}

    class Meta:
        ordering = ["code"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return f"{self.name} ({self.code})"

    @property
    def scope(self) -> Scope:
        return Scope(country=self.country.code, organisation=self.code)


class Site(Record):
    class Kind(models.TextChoices):
        ARMOURY = "armoury", _("Armoury")
        AMMUNITION_DEPOT = "ammunition_depot", _("Ammunition depot")
        UNIT_STORE = "unit_store", _("Unit store")
        MIXED_DEPOT = "mixed_depot", _("Arms and ammunition depot")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="sites", verbose_name=_("organisation")
    )
    code = models.CharField(_("code"), max_length=24, unique=True)
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    region = models.CharField(_("region"), max_length=100, blank=True)
    town = models.CharField(_("town"), max_length=100, blank=True)
    is_model_installation = models.BooleanField(_("model installation"), default=False)
    latitude = latitude_field()
    longitude = longitude_field()

    SCOPE_PATHS = site_scope_paths("")

    class Meta:
        ordering = ["code"]
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        constraints = [
            models.CheckConstraint(
                name="site_latitude_range",
                violation_error_message=_("The latitude must lie between -90 and 90."),
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
            ),
            models.CheckConstraint(
                name="site_longitude_range",
                violation_error_message=_("The longitude must lie between -180 and 180."),
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
            ),
        ]
        indexes = [models.Index(fields=["organisation", "kind"])]

    def __str__(self):
        return f"{self.name} ({self.code})"

    @property
    def scope(self) -> Scope:
        org = self.organisation
        return Scope(country=org.country.code, organisation=org.code, site=self.code)


class Building(Record):
    class Kind(models.TextChoices):
        ARMOURY_ROOM = "armoury_room", _("Armoury room")
        EXPLOSIVE_STOREHOUSE = "explosive_storehouse", _("Explosive storehouse")
        PROCESS_BUILDING = "process_building", _("Process building")
        GUARD_HOUSE = "guard_house", _("Guard house")
        OFFICE = "office", _("Office")
        OTHER = "other", _("Other")

    class StorehouseType(models.TextChoices):
        EARTH_COVERED = "earth_covered_magazine", _("Earth-covered magazine")
        ABOVE_GROUND = "above_ground_magazine", _("Above-ground magazine")
        CONTAINER = "container", _("Container")
        UNDERGROUND = "underground", _("Underground storage")
        OPEN_STACK = "open_stack", _("Open stack")
        OTHER = "other", _("Other")

    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="buildings", verbose_name=_("site")
    )
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    storehouse_type = models.CharField(
        _("storehouse type"), max_length=24, choices=StorehouseType.choices, blank=True
    )
    latitude = latitude_field()
    longitude = longitude_field()
    # Position on the site plan, in metres east and north of the site's reference point: the
    # quantity-distance engine measures between these points (IATG 02.20 measures from the
    # nearest edge of the stack; record the edge-to-edge distance in a measured distance when
    # it differs).
    plan_x_m = models.DecimalField(
        _("plan x (m east)"), max_digits=9, decimal_places=1, null=True, blank=True
    )
    plan_y_m = models.DecimalField(
        _("plan y (m north)"), max_digits=9, decimal_places=1, null=True, blank=True
    )
    barricaded = models.BooleanField(
        _("barricaded or traversed"),
        default=False,
        help_text=_("An effective barricade or traverse protects this storehouse."),
    )

    SCOPE_PATHS = site_scope_paths("site__")

    class Meta:
        ordering = ["code"]
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        constraints = [
            models.CheckConstraint(
                name="building_storehouse_type_iff_storehouse",
                violation_error_message=_(
                    "An explosive storehouse needs its type; other buildings have none."
                ),
                condition=(
                    Q(kind="explosive_storehouse") & ~Q(storehouse_type="")
                    | ~Q(kind="explosive_storehouse") & Q(storehouse_type="")
                ),
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.code})"

    @property
    def scope(self) -> Scope:
        return self.site.scope


class StorageLocation(Record):
    class Kind(models.TextChoices):
        RACK = "rack", _("Rack")
        BAY = "bay", _("Bay")
        STACK = "stack", _("Stack")
        SAFE = "safe", _("Safe")
        SHELF = "shelf", _("Shelf")
        CAGE = "cage", _("Cage")

    building = models.ForeignKey(
        Building, on_delete=models.PROTECT, related_name="locations", verbose_name=_("building")
    )
    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    capacity = models.PositiveIntegerField(_("capacity (items)"), null=True, blank=True)

    SCOPE_PATHS = site_scope_paths("building__site__")

    class Meta:
        ordering = ["code"]
        verbose_name = _("storage location")
        verbose_name_plural = _("storage locations")

    def __str__(self):
        return f"{self.name} ({self.code})"

    @property
    def scope(self) -> Scope:
        return self.building.site.scope
