"""Generated national reports: their figures as computed when generated (they do not change
afterwards) and the national authority's sign-off."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pssm.domain.access import Scope

KIND_CHOICES = [
    ("poa", _("PoA/ITI national report")),
    ("att", _("ATT annual report")),
    ("unroca", _("UN Register of Conventional Arms: SALW return")),
    ("regional", _("Regional instrument report")),
    ("stock", _("Annual national stock report")),
]
LANGUAGE_CHOICES = [("fr", "Français"), ("en", "English")]


class Report(models.Model):
    number = models.CharField(_("number"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=KIND_CHOICES)
    definition = models.CharField(_("template"), max_length=60)
    country = models.ForeignKey(
        "sites.Country", on_delete=models.PROTECT, related_name="+", verbose_name=_("country")
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    language = models.CharField(_("language"), max_length=2, choices=LANGUAGE_CHOICES)
    figures = models.JSONField(_("figures"))
    figures_sha256 = models.CharField(max_length=64)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    generated_by_name = models.CharField(max_length=150)
    generated_at = models.DateTimeField(_("generated at"))
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    sign_note = models.TextField(_("note with the sign-off"), blank=True)

    class Meta:
        ordering = ["-generated_at", "-pk"]
        verbose_name = _("national report")
        verbose_name_plural = _("national reports")
        indexes = [models.Index(fields=["country", "kind", "period_end"])]
        constraints = [
            models.CheckConstraint(
                name="report_period_in_order", condition=Q(period_end__gte=models.F("period_start"))
            ),
            models.CheckConstraint(
                name="report_signed_by_someone",
                condition=Q(signed_at__isnull=True) | Q(signed_by__isnull=False),
            ),
        ]

    def __str__(self):
        return self.number

    @property
    def scope(self) -> Scope:
        return Scope(country=self.country.code)

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None
