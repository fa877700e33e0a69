from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "pssm.reports"
    label = "reports"
    verbose_name = "National reports and the national dashboard"
