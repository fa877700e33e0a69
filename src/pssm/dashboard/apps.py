from django.apps import AppConfig


class DashboardConfig(AppConfig):
    """The home page, above the apps whose figures it shows (sites, journal, inspections,
    ammunition); its URLs keep the ``core`` namespace (``core:dashboard``)."""

    name = "pssm.dashboard"
    label = "dashboard"
    verbose_name = "PSSM dashboard"
