from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _refresh_capture(sender, using="default", **kwargs):
    """After a migration (an upgrade may carry new tables), a synchronising node gets the
    change triggers of every carried table again."""
    from django.db import connections

    from . import capture
    from .models import ThisNode

    if sender.name != "pssm.sync":
        return
    try:
        is_node = ThisNode.objects.using(using).exists()
    except Exception:  # noqa: BLE001 - the table may not exist yet on a partial migration
        return
    if is_node:
        with connections[using].cursor():
            capture.install()


class SyncConfig(AppConfig):
    name = "pssm.sync"
    label = "sync"
    verbose_name = _("Synchronisation")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import restore

        post_migrate.connect(_refresh_capture, sender=self)
        restore.connect()
