from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _reseed(sender, **kwargs):
    """The seeded lists come back after a flush (which empties every table and then sends
    post_migrate), as Django does for content types and permissions."""
    from pssm.programme import models, seeds

    seeds.seed(models.ActivityType, models.ActivityFocus, models.Indicator)


class ProgrammeConfig(AppConfig):
    name = "pssm.programme"
    label = "programme"
    verbose_name = "Regional programme"

    def ready(self):
        post_migrate.connect(_reseed, sender=self, dispatch_uid="pssm.programme.reseed")
