"""The regional programme's records: the programme and its activities (with the IATI roles of
the organisations taking part), the national SOP library with its versions and validations,
the training cascade, the model installations with their rehabilitation works, the indicators
as data and the narrative sections of the regional evaluation.

Every record belongs to one country or to several (an activity); a national commission sees
and edits its own country's, the programme staff every country's."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from pssm.domain.access import Scope


def _fr() -> bool:
    return (get_language() or "fr").startswith("fr")


class Bilingual(models.Model):
    title_en = models.CharField(_("title (English)"), max_length=250)
    title_fr = models.CharField(_("title (French)"), max_length=250)

    class Meta:
        abstract = True

    def __str__(self):
        return self.title

    @property
    def title(self) -> str:
        return (self.title_fr or self.title_en) if _fr() else (self.title_en or self.title_fr)


class Term(models.Model):
    """An entry of an editable list (activity types and focuses)."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    label_en = models.CharField(_("label (English)"), max_length=150)
    label_fr = models.CharField(_("label (French)"), max_length=150)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["order", "code"]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return self.label_fr if _fr() else self.label_en


class ActivityType(Term):
    class Meta(Term.Meta):
        verbose_name = _("activity type")


class ActivityFocus(Term):
    class Meta(Term.Meta):
        verbose_name = _("activity focus")


class Programme(Bilingual):
    """A regional programme (PSSM-Sahel), reported to IATI by its reporting organisation."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    iati_identifier = models.CharField(_("IATI identifier"), max_length=150, unique=True)
    reporting_org_ref = models.CharField(_("reporting organisation reference"), max_length=80)
    reporting_org_name = models.CharField(_("reporting organisation"), max_length=200)
    reporting_org_type = models.CharField(_("reporting organisation type"), max_length=4)
    description_en = models.TextField(blank=True)
    description_fr = models.TextField(blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    countries = models.ManyToManyField("sites.Country", related_name="+")

    class Meta:
        verbose_name = _("programme")
        constraints = [
            models.CheckConstraint(
                name="programme_period",
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
            )
        ]


class Activity(Bilingual):
    class Status(models.TextChoices):  # IATI ActivityStatus codes
        PLANNED = "1", _("Planned")
        ONGOING = "2", _("Under way")
        COMPLETED = "3", _("Completed")
        CANCELLED = "5", _("Cancelled")

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="activities")
    code = models.CharField(_("code"), max_length=40, unique=True)
    status = models.CharField(_("status"), max_length=2, choices=Status.choices)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    countries = models.ManyToManyField(
        "sites.Country", related_name="programme_activities", verbose_name=_("countries")
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_fr = models.TextField(_("description (French)"), blank=True)
    types = models.ManyToManyField(ActivityType, related_name="activities", verbose_name=_("types"))
    focuses = models.ManyToManyField(
        ActivityFocus, related_name="activities", verbose_name=_("focuses")
    )
    budget_amount = models.DecimalField(_("budget"), max_digits=14, decimal_places=2, default=0)
    currency = models.CharField(_("currency"), max_length=3, default="XOF")
    is_evaluation = models.BooleanField(_("evaluation conference"), default=False)
    sites = models.ManyToManyField("sites.Site", related_name="+", blank=True)
    sop_versions = models.ManyToManyField("SopVersion", related_name="activities", blank=True)
    trainings = models.ManyToManyField("TrainingEvent", related_name="activities", blank=True)
    installations = models.ManyToManyField(
        "ModelInstallation", related_name="activities", blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-start_date", "code"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        constraints = [
            models.CheckConstraint(
                name="activity_period", condition=Q(end_date__gte=models.F("start_date"))
            ),
            models.CheckConstraint(name="activity_budget", condition=Q(budget_amount__gte=0)),
        ]
        indexes = [models.Index(fields=["start_date"])]

    @property
    def description(self) -> str:
        return (self.description_fr or self.description_en) if _fr() else self.description_en

    def country_codes(self) -> list[str]:
        return sorted(c.code for c in self.countries.all())

    @property
    def scopes(self) -> list[Scope]:
        return [Scope(country=code) for code in self.country_codes()]


class ParticipatingOrg(models.Model):
    class Role(models.TextChoices):
        FUNDING = "funding", _("Funding")
        ACCOUNTABLE = "accountable", _("Accountable")
        EXTENDING = "extending", _("Extending")
        IMPLEMENTING = "implementing", _("Implementing")
        PARTNER = "partner", _("Partner")
        BENEFICIARY = "beneficiary", _("Beneficiary")

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="orgs")
    name = models.CharField(_("organisation"), max_length=200)
    ref = models.CharField(_("IATI organisation reference"), max_length=80, blank=True)
    org_type = models.CharField(_("IATI organisation type"), max_length=4, blank=True)
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)

    class Meta:
        ordering = ["role", "name"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "name", "role"], name="org_role_once")
        ]

    def __str__(self):
        return f"{self.name} ({self.get_role_display()})"


class Transaction(models.Model):
    class Kind(models.TextChoices):  # IATI TransactionType codes
        COMMITMENT = "2", _("Commitment")
        DISBURSEMENT = "3", _("Disbursement")
        EXPENDITURE = "4", _("Expenditure")

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="transactions")
    kind = models.CharField(_("kind"), max_length=2, choices=Kind.choices)
    transaction_date = models.DateField(_("date"))
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    description = models.CharField(_("description"), max_length=250, blank=True)

    class Meta:
        ordering = ["transaction_date", "pk"]
        constraints = [
            models.CheckConstraint(name="transaction_amount", condition=Q(amount__gte=0))
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.transaction_date} {self.amount}"


class Contact(models.Model):
    """A contact point: the only personal names the evaluation report prints."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=150)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    job_title = models.CharField(_("job title"), max_length=150, blank=True)
    email = models.EmailField(_("email"), blank=True)
    telephone = models.CharField(_("telephone"), max_length=40, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.name


class Attachment(models.Model):
    class Kind(models.TextChoices):
        AGENDA = "agenda", _("Agenda")
        ATTENDANCE = "attendance", _("Attendance list")
        REPORT = "report", _("Report")
        PHOTO = "photo", _("Photo")
        OTHER = "other", _("Other")

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    filename = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    content = models.BinaryField()
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "pk"]

    def __str__(self):
        return self.title


class Sop(Bilingual):
    """A national standard operating procedure, in the library of its country."""

    country = models.ForeignKey("sites.Country", on_delete=models.PROTECT, related_name="+")
    code = models.CharField(_("code"), max_length=40)

    class Meta:
        ordering = ["country__code", "code"]
        verbose_name = _("SOP")
        constraints = [models.UniqueConstraint(fields=["country", "code"], name="sop_code_unique")]

    @property
    def scope(self) -> Scope:
        return Scope(country=self.country.code)


class SopVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        UNDER_REVIEW = "under_review", _("Under review")
        VALIDATED = "validated", _("Validated")
        SUPERSEDED = "superseded", _("Superseded")

    sop = models.ForeignKey(Sop, on_delete=models.PROTECT, related_name="versions")
    number = models.CharField(_("version"), max_length=20)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    issued_date = models.DateField(_("date"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    filename = models.CharField(_("document"), max_length=200, blank=True)
    document = models.BinaryField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["sop", "-issued_date", "-pk"]
        constraints = [models.UniqueConstraint(fields=["sop", "number"], name="sop_version_unique")]

    def __str__(self):
        return f"{self.sop.code} v{self.number}"

    @property
    def scope(self) -> Scope:
        return self.sop.scope


class SopValidation(models.Model):
    """Who validated a version and how: the workshop, the decision, the signatory."""

    version = models.OneToOneField(SopVersion, on_delete=models.PROTECT, related_name="validation")
    workshop = models.ForeignKey(
        Activity, on_delete=models.PROTECT, null=True, blank=True, related_name="validations"
    )
    decision = models.TextField(_("decision"))
    decided_date = models.DateField(_("decided on"))
    signatory = models.CharField(_("signatory"), max_length=200)
    signatory_title = models.CharField(_("signatory's office"), max_length=200)
    recorded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.version} {self.decided_date}"


class ValidationInstitution(models.Model):
    validation = models.ForeignKey(
        SopValidation, on_delete=models.CASCADE, related_name="institutions"
    )
    institution = models.CharField(_("institution"), max_length=200)
    participants = models.PositiveSmallIntegerField(_("participants"))

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"{self.institution} ({self.participants})"


class SopItem(models.Model):
    """A chapter or checklist item derived from an SOP version."""

    class Kind(models.TextChoices):
        CHAPTER = "chapter", _("Chapter")
        CHECK = "check", _("Checklist item")

    version = models.ForeignKey(SopVersion, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    ref = models.CharField(_("reference"), max_length=20)
    text_en = models.CharField(max_length=300)
    text_fr = models.CharField(max_length=300)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"{self.ref} {self.text}"

    @property
    def text(self) -> str:
        return self.text_fr if _fr() else self.text_en


class TemplateSop(models.Model):
    """The SOP version an inspection checklist template enforces."""

    template = models.OneToOneField(
        "inspections.ChecklistTemplate", on_delete=models.PROTECT, related_name="+"
    )
    version = models.ForeignKey(SopVersion, on_delete=models.PROTECT, related_name="templates")
    linked_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.template_id} -> {self.version}"


class TemplateReview(models.Model):
    """A template to review because the SOP version it enforces was superseded."""

    link = models.ForeignKey(TemplateSop, on_delete=models.CASCADE, related_name="reviews")
    old_version = models.ForeignKey(SopVersion, on_delete=models.PROTECT, related_name="+")
    new_version = models.ForeignKey(SopVersion, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["closed_at", "-opened_at"]

    def __str__(self):
        return f"{self.link} ({self.old_version} -> {self.new_version})"


class TrainingPerson(models.Model):
    """A person trained or training, held once across all events."""

    country = models.ForeignKey("sites.Country", on_delete=models.PROTECT, related_name="+")
    full_name = models.CharField(_("name"), max_length=150)
    identity_key = models.CharField(max_length=200, unique=True)
    institution = models.CharField(_("institution"), max_length=200)
    site = models.ForeignKey(
        "sites.Site", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="training_person",
    )
    person = models.OneToOneField(
        "registry.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="training_person",
    )

    class Meta:
        ordering = ["full_name"]

    def __str__(self):
        return self.full_name

    @property
    def scope(self) -> Scope:
        return Scope(country=self.country.code)


class TrainingEvent(Bilingual):
    code = models.CharField(_("code"), max_length=40, unique=True)
    course = models.CharField(_("course"), max_length=200)
    is_trainer_course = models.BooleanField(_("training of trainers"), default=False)
    country = models.ForeignKey("sites.Country", on_delete=models.PROTECT, related_name="+")
    site = models.ForeignKey(
        "sites.Site", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    place = models.CharField(_("place"), max_length=200)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))

    class Meta:
        ordering = ["-start_date", "code"]
        constraints = [
            models.CheckConstraint(
                name="training_period", condition=Q(end_date__gte=models.F("start_date"))
            )
        ]

    @property
    def scope(self) -> Scope:
        return Scope(country=self.country.code)


class Participation(models.Model):
    class Role(models.TextChoices):
        TRAINER = "trainer", _("Trainer")
        TRAINEE = "trainee", _("Trainee")

    class Result(models.TextChoices):
        PENDING = "", _("Not assessed")
        PASSED = "passed", _("Passed")
        FAILED = "failed", _("Failed")

    event = models.ForeignKey(TrainingEvent, on_delete=models.PROTECT, related_name="participants")
    person = models.ForeignKey(
        TrainingPerson, on_delete=models.PROTECT, related_name="participations"
    )
    role = models.CharField(_("role"), max_length=8, choices=Role.choices)
    institution = models.CharField(_("institution"), max_length=200)
    function = models.CharField(_("function"), max_length=150, blank=True)
    result = models.CharField(_("result"), max_length=8, choices=Result.choices, blank=True)
    score = models.PositiveSmallIntegerField(_("score (%)"), null=True, blank=True)
    certificate_number = models.CharField(_("certificate"), max_length=40, blank=True)

    class Meta:
        ordering = ["role", "person__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["event", "person"], name="participation_once"),
            models.CheckConstraint(
                name="participation_score", condition=Q(score__isnull=True) | Q(score__lte=100)
            ),
        ]

    def __str__(self):
        return f"{self.person} ({self.role}, {self.event_id})"


class ModelInstallation(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        WORKS = "works", _("Works under way")
        DONE = "done", _("Done")

    country = models.ForeignKey("sites.Country", on_delete=models.PROTECT, related_name="+")
    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    site = models.OneToOneField(
        "sites.Site",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="programme_installation",
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PLANNED
    )
    planned_date = models.DateField(_("planned for"))
    done_date = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        ordering = ["country__code", "code"]

    def __str__(self):
        return f"{self.name} ({self.code})"

    @property
    def scope(self) -> Scope:
        return Scope(country=self.country.code)


class RehabilitationWork(models.Model):
    installation = models.ForeignKey(
        ModelInstallation, on_delete=models.PROTECT, related_name="works"
    )
    description = models.CharField(_("works"), max_length=250)
    contractor = models.CharField(_("contractor"), max_length=200)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    budget_amount = models.DecimalField(_("budget"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)

    class Meta:
        ordering = ["start_date", "pk"]
        constraints = [
            models.CheckConstraint(name="works_budget", condition=Q(budget_amount__gte=0)),
            models.CheckConstraint(
                name="works_period",
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
            ),
        ]

    def __str__(self):
        return self.description


class Indicator(models.Model):
    """An indicator as data: what it means, what is counted above and below the line, where
    the figures come from. ``measure`` names the counting (see ``indicators.MEASURES``)."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    order = models.PositiveSmallIntegerField(default=0)
    measure = models.CharField(_("measure"), max_length=40)
    name_en = models.CharField(max_length=200)
    name_fr = models.CharField(max_length=200)
    definition_en = models.TextField()
    definition_fr = models.TextField()
    numerator_en = models.CharField(max_length=250)
    numerator_fr = models.CharField(max_length=250)
    denominator_en = models.CharField(max_length=250, blank=True)
    denominator_fr = models.CharField(max_length=250, blank=True)
    source = models.CharField(_("source"), max_length=250)
    by_country = models.BooleanField(_("disaggregated by country"), default=True)
    target = models.DecimalField(_("target"), max_digits=8, decimal_places=1, null=True, blank=True)

    class Meta:
        ordering = ["order", "code"]

    def __str__(self):
        return self.name

    def _pick(self, name: str) -> str:
        return getattr(self, f"{name}_fr" if _fr() else f"{name}_en")

    @property
    def name(self) -> str:
        return self._pick("name")

    @property
    def definition(self) -> str:
        return self._pick("definition")

    @property
    def numerator(self) -> str:
        return self._pick("numerator")

    @property
    def denominator(self) -> str:
        return self._pick("denominator")


class Narrative(models.Model):
    """A narrative section of the regional evaluation, for one country or the region."""

    class Section(models.TextChoices):
        LESSONS = "lessons", _("Lessons learned")
        CHALLENGES = "challenges", _("Challenges")
        STRATEGY = "strategy", _("Proposed common strategy")

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="narratives")
    country = models.ForeignKey(
        "sites.Country", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    section = models.CharField(_("section"), max_length=12, choices=Section.choices)
    text_en = models.TextField()
    text_fr = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["country__code", "section"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "country", "section"], name="narrative_once"
            )
        ]

    def __str__(self):
        return self.section

    @property
    def text(self) -> str:
        return self.text_fr if _fr() else self.text_en
