from django.apps import AppConfig
from django.db.backends.signals import connection_created


def _sqlite_pragmas(sender, connection, **kwargs):
    """WAL lets readers work while one writer posts; the busy timeout makes writers queue."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA busy_timeout=20000")
            cursor.execute("PRAGMA foreign_keys=ON")


class CoreConfig(AppConfig):
    name = "pssm.core"
    label = "core"
    verbose_name = "PSSM core"

    def ready(self):
        connection_created.connect(_sqlite_pragmas, dispatch_uid="pssm_sqlite_pragmas")
