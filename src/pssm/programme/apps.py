from django.apps import AppConfig


class ProgrammeConfig(AppConfig):
    name = "pssm.programme"
    label = "programme"
    verbose_name = "Regional programme"
