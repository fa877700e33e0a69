from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "pssm.registry"
    label = "registry"
    verbose_name = "Weapons registry"
