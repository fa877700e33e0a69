from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pssm.domain.access import Level, Role, Scope


class User(AbstractUser):
    """A person who signs in. What they may do comes only from their role grants."""

    preferred_language = models.CharField(
        _("language"), max_length=8, blank=True, choices=settings.LANGUAGES
    )
    rank = models.CharField(_("rank"), max_length=60, blank=True)
    service_number = models.CharField(_("service number"), max_length=40, blank=True)
    # Set with a temporary password given by an administrator: until the user chooses their
    # own, every page but the password change and sign-out sends them to the password change.
    password_change_required = models.BooleanField(_("must change password"), default=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        full = self.get_full_name()
        return f"{full} ({self.username})" if full else self.username


ROLE_LABELS = {
    Role.STOREKEEPER: _("Storekeeper"),
    Role.SITE_COMMANDER: _("Site commander (approver)"),
    Role.AMMUNITION_TECHNICIAN: _("Ammunition technician"),
    Role.INSPECTOR: _("Inspector"),
    Role.NATIONAL_AUTHORITY: _("National authority"),
    Role.PROGRAMME_VIEWER: _("Programme viewer"),
    Role.ADMINISTRATOR: _("Administrator"),
    Role.PROGRAMME_STAFF: _("Programme staff"),
}
LEVEL_LABELS = {
    Level.GLOBAL: _("Everywhere"),
    Level.COUNTRY: _("Country"),
    Level.ORGANISATION: _("Organisation"),
    Level.SITE: _("Site"),
}


class RoleGrant(models.Model):
    """A role held by a user on one scope: a site, an organisation, a country or everywhere."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="grants"
    )
    role = models.CharField(
        _("role"), max_length=32, choices=[(r.value, ROLE_LABELS[r]) for r in Role]
    )
    level = models.CharField(
        _("scope"), max_length=16, choices=[(lv.value, LEVEL_LABELS[lv]) for lv in Level]
    )
    country = models.ForeignKey("sites.Country", null=True, blank=True, on_delete=models.PROTECT)
    organisation = models.ForeignKey(
        "sites.Organisation", null=True, blank=True, on_delete=models.PROTECT
    )
    site = models.ForeignKey("sites.Site", null=True, blank=True, on_delete=models.PROTECT)
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)
    granted_by = models.CharField(_("granted by"), max_length=150, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.CharField(_("revoked by"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")
        constraints = [
            models.CheckConstraint(
                name="rolegrant_scope_matches_level",
                condition=(
                    Q(
                        level="global",
                        country__isnull=True,
                        organisation__isnull=True,
                        site__isnull=True,
                    )
                    | Q(
                        level="country",
                        country__isnull=False,
                        organisation__isnull=True,
                        site__isnull=True,
                    )
                    | Q(
                        level="organisation",
                        country__isnull=True,
                        organisation__isnull=False,
                        site__isnull=True,
                    )
                    | Q(
                        level="site",
                        country__isnull=True,
                        organisation__isnull=True,
                        site__isnull=False,
                    )
                ),
            ),
        ]

    def __str__(self):
        return f"{self.user.username}: {self.get_role_display()} @ {self.scope_label}"

    @property
    def scope(self):

        if self.site_id:
            return self.site.scope
        if self.organisation_id:
            return self.organisation.scope
        if self.country_id:
            return self.country.scope
        return Scope()

    @property
    def scope_key(self) -> str:
        target = self.site or self.organisation or self.country
        return target.code if target else ""

    @property
    def scope_label(self) -> str:
        target = self.site or self.organisation or self.country
        return str(target) if target else str(LEVEL_LABELS[Level.GLOBAL])
