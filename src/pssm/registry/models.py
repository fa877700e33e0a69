"""The weapons registry: types, persons who hold weapons, and one record per weapon.

A weapon record is never deleted. Its holding (status, site, location, custodian, transit
destination) is a projection kept by the movement engine: only a posted voucher changes it.
"""

import uuid as uuid_lib

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pssm.domain.access import Scope
from pssm.domain.ledger import Status
from pssm.sites.models import site_scope_paths


class WeaponType(models.Model):
    class Category(models.TextChoices):
        # UN Register of Conventional Arms / ITI categories of SALW.
        PISTOL = "pistol", _("Revolvers and self-loading pistols")
        RIFLE = "rifle", _("Rifles and carbines")
        SMG = "smg", _("Sub-machine guns")
        ASSAULT_RIFLE = "assault_rifle", _("Assault rifles")
        LMG = "lmg", _("Light machine guns")
        HMG = "hmg", _("Heavy machine guns")
        GRENADE_LAUNCHER = "grenade_launcher", _("Grenade launchers")
        ANTI_TANK_GUN = "anti_tank_gun", _("Portable anti-tank guns")
        RECOILLESS = "recoilless", _("Recoilless rifles")
        ANTI_TANK_LAUNCHER = (
            "anti_tank_launcher",
            _("Portable anti-tank missile and rocket launchers"),
        )
        MORTAR = "mortar", _("Mortars under 100 mm")
        MANPADS = "manpads", _("Man-portable air-defence systems")

    category = models.CharField(_("category"), max_length=24, choices=Category.choices)
    make = models.CharField(_("make"), max_length=80)
    model = models.CharField(_("model"), max_length=80)
    calibre = models.CharField(_("calibre"), max_length=40)
    country_of_manufacture = models.CharField(_("country of manufacture"), max_length=2, blank=True)
    aliases = models.TextField(
        _("other names"), blank=True, help_text=_("One per line, e.g. Kalachnikov, AK47, AKM.")
    )
    search_text = models.TextField(editable=False, blank=True)

    class Meta:
        ordering = ["category", "make", "model"]
        verbose_name = _("weapon type")
        verbose_name_plural = _("weapon types")
        constraints = [
            models.UniqueConstraint(fields=["make", "model", "calibre"], name="weapontype_unique")
        ]

    def __str__(self):
        return f"{self.make} {self.model} ({self.calibre})"


class Person(models.Model):
    """Someone who can hold a weapon: a soldier, gendarme, police officer, guard."""

    organisation = models.ForeignKey(
        "sites.Organisation",
        on_delete=models.PROTECT,
        related_name="persons",
        verbose_name=_("organisation"),
    )
    site = models.ForeignKey(
        "sites.Site", on_delete=models.PROTECT, related_name="persons", verbose_name=_("home site")
    )
    service_number = models.CharField(_("service number"), max_length=40)
    rank = models.CharField(_("rank"), max_length=60, blank=True)
    first_name = models.CharField(_("first name"), max_length=80)
    last_name = models.CharField(_("last name"), max_length=80)
    unit = models.CharField(_("unit"), max_length=120, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    SCOPE_PATHS = site_scope_paths("site__")

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "service_number"], name="person_service_number_unique"
            )
        ]

    def __str__(self):
        name = f"{self.rank} {self.last_name.upper()} {self.first_name}".strip()
        return f"{name} ({self.service_number})"

    @property
    def scope(self) -> Scope:
        return self.site.scope


STATUS_LABELS = {
    Status.IN_STORE: _("In store"),
    Status.ISSUED: _("Issued"),
    Status.IN_TRANSIT: _("In transit"),
    Status.UNDER_REPAIR: _("Under repair"),
    Status.LOST: _("Lost"),
    Status.STOLEN: _("Stolen"),
    Status.RECOVERED: _("Recovered"),
    Status.SEIZED: _("Seized"),
    Status.SURPLUS: _("Surplus"),
    Status.DESTROYED: _("Destroyed"),
    Status.EXPORTED: _("Exported"),
}
STATUS_CHOICES = [(s.value, STATUS_LABELS[s]) for s in Status]
STORED_VALUES = ["in_store", "under_repair", "recovered", "seized", "surplus"]


class Weapon(models.Model):
    # The weapon's identity in the journal, the same on every node (row ids are not). No
    # index: nothing looks a weapon up by it on a hot path, and every index costs each
    # import a write; `pssm journal verify` reports a UUID held twice.
    uuid = models.UUIDField(_("UUID"), default=uuid_lib.uuid4, editable=False)
    serial = models.CharField(_("serial number (as marked)"), max_length=64)
    # Indexes are declared in Meta, each one for a query that needs it: every posting
    # rewrites the holding columns, and each index of the table costs a write.
    serial_norm = models.CharField(_("normalised serial"), max_length=64, editable=False)
    weapon_type = models.ForeignKey(
        WeaponType,
        on_delete=models.PROTECT,
        related_name="weapons",
        verbose_name=_("type"),
        db_index=False,  # led by the (type, serial) and (type, status) indexes
    )
    manufacturer = models.CharField(_("manufacturer"), max_length=120, blank=True)
    country_of_manufacture = models.CharField(_("country of manufacture"), max_length=2, blank=True)
    year_of_manufacture = models.PositiveSmallIntegerField(
        _("year of manufacture"), null=True, blank=True
    )
    import_country = models.CharField(_("import mark: country"), max_length=2, blank=True)
    import_year = models.PositiveSmallIntegerField(_("import mark: year"), null=True, blank=True)
    ownership_mark = models.CharField(
        _("national/agency ownership mark"), max_length=120, blank=True
    )
    marking_locations = models.CharField(_("where the marks are"), max_length=200, blank=True)
    other_parts = models.JSONField(_("serials of other marked parts"), default=dict, blank=True)
    owner = models.ForeignKey(
        "sites.Organisation",
        on_delete=models.PROTECT,
        related_name="weapons",
        verbose_name=_("owner"),
    )
    # Holding projection (kept by the movement engine only).
    status = models.CharField(_("status"), max_length=16, choices=STATUS_CHOICES)
    site = models.ForeignKey(
        "sites.Site",
        on_delete=models.PROTECT,
        related_name="weapons",
        verbose_name=_("site"),
        db_index=False,  # led by the (site, status) index
    )
    location = models.ForeignKey(
        "sites.StorageLocation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="weapons",
        verbose_name=_("storage location"),
    )
    custodian = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="weapons",
        verbose_name=_("custodian"),
        db_index=False,  # partial index in Meta: only issued weapons have one
    )
    custodian_unit = models.CharField(_("custodian unit"), max_length=120, blank=True)
    destination = models.ForeignKey(
        "sites.Site",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incoming_weapons",
        verbose_name=_("in transit to"),
        db_index=False,  # partial index in Meta: only weapons in transit have one
    )
    # Frozen by an open discrepancy case: it cannot be issued, lent or sent until the case is
    # closed (domain-rules §4, discrepancy handling).
    on_hold = models.BooleanField(
        _("frozen by a discrepancy case"), default=False, db_default=False
    )
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    SCOPE_PATHS = site_scope_paths("site__")

    class Meta:
        ordering = ["serial_norm"]
        verbose_name = _("weapon")
        verbose_name_plural = _("weapons")
        constraints = [
            # Led by the normalised serial, it is also the index of every search by serial.
            models.UniqueConstraint(
                fields=["serial_norm", "weapon_type"], name="weapon_serial_unique_per_type"
            ),
            # A weapon is in exactly one place or custody (see pssm.domain.ledger.Holding).
            models.CheckConstraint(
                name="weapon_one_place",
                condition=(
                    Q(
                        status__in=STORED_VALUES,
                        location__isnull=False,
                        custodian__isnull=True,
                        custodian_unit="",
                        destination__isnull=True,
                    )
                    | Q(status="issued", location__isnull=True, destination__isnull=True)
                    & (
                        Q(custodian__isnull=False, custodian_unit="")
                        | Q(custodian__isnull=True) & ~Q(custodian_unit="")
                    )
                    | Q(
                        status="in_transit",
                        location__isnull=True,
                        custodian__isnull=True,
                        custodian_unit="",
                        destination__isnull=False,
                    )
                    | Q(
                        status__in=["lost", "stolen", "destroyed", "exported"],
                        location__isnull=True,
                        custodian__isnull=True,
                        custodian_unit="",
                        destination__isnull=True,
                    )
                ),
                violation_error_message=_("A weapon must be in exactly one place or custody."),
            ),
        ]
        indexes = [
            models.Index(fields=["site", "status"]),
            models.Index(fields=["weapon_type", "status"]),
            models.Index(
                fields=["custodian"],
                name="weapon_custodian",
                condition=Q(custodian__isnull=False),
            ),
            models.Index(
                fields=["destination"],
                name="weapon_destination",
                condition=Q(destination__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.weapon_type.make} {self.weapon_type.model} n° {self.serial}"

    @property
    def scope(self) -> Scope:
        return self.site.scope

    @property
    def custodian_label(self) -> str:
        return str(self.custodian) if self.custodian_id else self.custodian_unit


class WeaponPhoto(models.Model):
    """A photo of a weapon or of one of its markings (ISACS 05.30), kept by its SHA-256."""

    class Kind(models.TextChoices):
        WEAPON = "weapon", _("The weapon")
        MARKING = "marking", _("A marking")

    weapon = models.ForeignKey(Weapon, on_delete=models.PROTECT, related_name="photos")
    kind = models.CharField(_("what it shows"), max_length=8, choices=Kind.choices)
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    sha256 = models.CharField(max_length=64)
    content_type = models.CharField(max_length=20)
    size = models.PositiveIntegerField()
    name = models.CharField(max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("weapon photo")
        verbose_name_plural = _("weapon photos")

    def __str__(self):
        return f"{self.weapon_id}/{self.kind}"
