from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "pssm.imports"
    label = "imports"
    verbose_name = "Imports of legacy registers"
