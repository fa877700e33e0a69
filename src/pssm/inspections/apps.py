from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "pssm.inspections"
    label = "inspections"
    verbose_name = "Physical-security and stockpile inspections"
