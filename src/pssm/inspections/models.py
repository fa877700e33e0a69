"""Inspections of sites against checklist templates (questions as data), scored by the RRPL
rule, with corrective actions followed to closure. A closed inspection is never edited."""

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from pssm.domain.access import Scope
from pssm.domain.inspections import Answer
from pssm.sites.models import site_scope_paths

ANSWER_CHOICES = [
    (Answer.YES.value, _("Yes")),
    (Answer.PARTLY.value, _("Partly")),
    (Answer.NO.value, _("No")),
    (Answer.NOT_APPLICABLE.value, _("Not applicable")),
]


DOMAIN_LABELS = {
    "licensing": _("Licensing and quantity-distance"),
    "classification": _("Classification and compatibility"),
    "accounting": _("Accounting"),
    "marking": _("Marking and records"),
    "surveillance": _("Surveillance"),
    "physical_security": _("Physical security"),
    "access": _("Access and personnel"),
    "fire": _("Fire and lightning"),
    "transport": _("Transport"),
    "disposal": _("Disposal"),
    "incidents": _("Incident reporting"),
}
FINDING_LABELS = {
    "found": _("found"),
    "missing": _("missing"),
    "unexpected": _("unexpected"),
    "wrong_location": _("wrong location"),
    "scanned_twice": _("scanned twice"),
    "shortage": _("shortage"),
    "surplus": _("surplus"),
}


class ChecklistTemplate(models.Model):
    code = models.CharField(_("code"), max_length=40, unique=True)
    title_en = models.CharField(max_length=200)
    title_fr = models.CharField(max_length=200)
    source = models.CharField(_("source"), max_length=300, blank=True)

    def __str__(self):
        return self.title

    @property
    def title(self) -> str:
        return self.title_fr if (get_language() or "fr").startswith("fr") else self.title_en


class ChecklistQuestion(models.Model):
    template = models.ForeignKey(
        ChecklistTemplate, on_delete=models.PROTECT, related_name="questions"
    )
    code = models.CharField(_("code"), max_length=20)
    domain = models.CharField(_("domain"), max_length=40)
    order = models.PositiveSmallIntegerField(default=0)
    weight = models.PositiveSmallIntegerField(_("weight"), default=1)
    critical_levels = models.JSONField(_("critical for levels"), default=list, blank=True)
    evidence_required = models.BooleanField(_("evidence required"), default=False)
    na_allowed = models.BooleanField(
        _("may be not applicable"),
        default=True,
        help_text=_(
            "A critical question may be answered not applicable only when this is set, and "
            "then only with a written justification."
        ),
    )
    source_clause = models.CharField(_("source"), max_length=120, blank=True)
    text_en = models.TextField()
    text_fr = models.TextField()

    class Meta:
        ordering = ["template", "order"]
        constraints = [
            models.UniqueConstraint(fields=["template", "code"], name="question_code_unique")
        ]

    def __str__(self):
        return self.code

    @property
    def text(self) -> str:
        return self.text_fr if (get_language() or "fr").startswith("fr") else self.text_en


class Inspection(models.Model):
    class State(models.TextChoices):
        OPEN = "open", _("In progress")
        CLOSED = "closed", _("Closed")

    site = models.ForeignKey("sites.Site", on_delete=models.PROTECT, related_name="inspections")
    template = models.ForeignKey(ChecklistTemplate, on_delete=models.PROTECT)
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    inspected_on = models.DateField(_("inspected on"))
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.OPEN)
    score_ratio = models.DecimalField(
        _("score"), max_digits=4, decimal_places=3, null=True, blank=True
    )
    level = models.PositiveSmallIntegerField(_("RRPL level"), null=True, blank=True)
    failed_criticals = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    SCOPE_PATHS = site_scope_paths("site__")

    class Meta:
        ordering = ["-inspected_on", "-pk"]
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")

    def __str__(self):
        return f"{self.site_id} {self.inspected_on}"

    @property
    def scope(self) -> Scope:
        return self.site.scope

    @property
    def percent(self):
        return None if self.score_ratio is None else round(self.score_ratio * 100, 1)


class InspectionAnswer(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="answers")
    question = models.ForeignKey(ChecklistQuestion, on_delete=models.PROTECT)
    answer = models.CharField(_("answer"), max_length=8, choices=ANSWER_CHOICES)
    note = models.TextField(_("note"), blank=True)
    evidence = models.TextField(_("evidence"), blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["inspection", "question"], name="answer_once")
        ]

    def __str__(self):
        return f"{self.question_id}: {self.answer}"


class InspectionPhoto(models.Model):
    """A photo taken as evidence for one question, kept by its SHA-256 (the journal records
    the hash, so a replaced file is detected)."""

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="photos")
    question = models.ForeignKey(ChecklistQuestion, on_delete=models.PROTECT)
    sha256 = models.CharField(max_length=64)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    name = models.CharField(_("file name"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"{self.question_id}: {self.sha256[:12]}"


class CorrectiveAction(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="actions")
    question = models.ForeignKey(ChecklistQuestion, on_delete=models.PROTECT, null=True, blank=True)
    description = models.TextField(_("action"))
    owner = models.CharField(_("owner"), max_length=150)
    due_date = models.DateField(_("due by"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closing_note = models.TextField(blank=True)

    class Meta:
        ordering = ["due_date"]

    def __str__(self):
        return self.description[:40]


class Key(models.Model):
    """A key of a storehouse, armoury or key container, kept in the site's key register."""

    site = models.ForeignKey("sites.Site", on_delete=models.PROTECT, related_name="keys")
    code = models.CharField(_("key number"), max_length=40)
    label = models.CharField(_("what it opens"), max_length=150)
    is_active = models.BooleanField(_("active"), default=True)

    SCOPE_PATHS = site_scope_paths("site__")

    class Meta:
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["site", "code"], name="key_code_unique")]

    def __str__(self):
        return f"{self.code} — {self.label}"

    @property
    def scope(self) -> Scope:
        return self.site.scope


class KeyLoan(models.Model):
    """Who took a key, when, from whom, and when it came back (AR 190-11 register fields)."""

    key = models.ForeignKey(Key, on_delete=models.PROTECT, related_name="loans")
    holder = models.CharField(_("taken by"), max_length=150)
    taken_at = models.DateTimeField(_("taken at"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    SCOPE_PATHS = site_scope_paths("key__site__")

    class Meta:
        ordering = ["-taken_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["key"], condition=models.Q(returned_at__isnull=True), name="key_out_once"
            )
        ]

    def __str__(self):
        return f"{self.key_id} → {self.holder}"


class AccessEntry(models.Model):
    """Someone entered a building: when, with whom, why; the two-person rule asks for a
    second person in every storage building."""

    building = models.ForeignKey("sites.Building", on_delete=models.PROTECT, related_name="+")
    person = models.CharField(_("person"), max_length=150)
    companion = models.CharField(_("with"), max_length=150, blank=True)
    purpose = models.CharField(_("purpose"), max_length=200)
    entered_at = models.DateTimeField(_("entered at"))
    left_at = models.DateTimeField(_("left at"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    SCOPE_PATHS = site_scope_paths("building__site__")

    class Meta:
        ordering = ["-entered_at"]

    def __str__(self):
        return f"{self.person} @ {self.building_id}"

    @property
    def two_person_broken(self) -> bool:
        return (
            not self.companion.strip()
            or self.companion.strip().lower() == self.person.strip().lower()
        )


class Count(models.Model):
    """A stock check of a site (or one of its buildings): a blind count by one person with a
    witness, closed by a second person who sees the comparison with the books."""

    class State(models.TextChoices):
        OPEN = "open", _("Counting")
        CLOSED = "closed", _("Closed")

    site = models.ForeignKey("sites.Site", on_delete=models.PROTECT, related_name="counts")
    building = models.ForeignKey(
        "sites.Building", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    location = models.ForeignKey(
        "sites.StorageLocation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("storage location"),
    )
    counter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    witness = models.CharField(_("independent witness"), max_length=150)
    policy = models.CharField(_("count policy"), max_length=40, blank=True)
    items = models.CharField(
        _("what is counted"),
        max_length=8,
        choices=[("all", _("weapons and lots")), ("weapons", _("weapons")), ("lots", _("lots"))],
        default="all",
    )
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.OPEN)
    expected = models.JSONField(default=dict)  # the books when the count started
    # lots in the books when the count started: [[lot number, location code, units], ...]
    expected_lots = models.JSONField(default=list, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    findings = models.JSONField(default=list, blank=True)

    SCOPE_PATHS = site_scope_paths("site__")

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.CheckConstraint(
                name="count_closed_by_another",
                condition=models.Q(closed_by__isnull=True)
                | ~models.Q(closed_by=models.F("counter")),
                violation_error_message=_("The count is closed by a second person."),
            )
        ]

    def __str__(self):
        return f"{self.site_id} {self.started_at:%Y-%m-%d}"

    @property
    def scope(self) -> Scope:
        return self.site.scope

    @property
    def is_sample(self) -> bool:
        """Whether the count is a random sample check: the counter is told which records
        were drawn (never their figures)."""
        from pssm.domain import count_policies

        policy = count_policies.policies().get(self.policy)
        return bool(policy and policy.sample_one_in)

    @property
    def gaps(self) -> list[dict]:
        from pssm.domain.counts import GAPS

        return [f for f in self.findings if f["result"] in GAPS]


class CountLotEntry(models.Model):
    """Units of one lot counted in one location; several entries of the same lot and
    location add up (stack by stack)."""

    count = models.ForeignKey(Count, on_delete=models.PROTECT, related_name="lot_entries")
    lot = models.ForeignKey("ammunition.Lot", on_delete=models.PROTECT, related_name="+")
    location = models.ForeignKey("sites.StorageLocation", on_delete=models.PROTECT)
    quantity = models.PositiveIntegerField(_("units counted"))
    entered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"{self.lot_id} × {self.quantity}"


class CountScan(models.Model):
    count = models.ForeignKey(Count, on_delete=models.PROTECT, related_name="scans")
    serial = models.CharField(_("serial"), max_length=64)
    serial_norm = models.CharField(max_length=64)
    location = models.ForeignKey("sites.StorageLocation", on_delete=models.PROTECT)
    scanned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.serial
