from django.apps import AppConfig


class JournalConfig(AppConfig):
    name = "pssm.journal"
    label = "journal"
    verbose_name = "Journal"
