from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demonstration data: at the top of the layers, it may import every app and no app
    imports it (import-linter contract in pyproject.toml)."""

    name = "pssm.demo"
    label = "demo"
    verbose_name = "PSSM demonstration data"
