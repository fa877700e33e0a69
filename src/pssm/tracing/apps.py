from django.apps import AppConfig


class TracingConfig(AppConfig):
    name = "pssm.tracing"
    label = "tracing"
    verbose_name = "Tracing: trace requests, transfers abroad, lost and stolen weapons"
