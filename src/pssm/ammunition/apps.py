from django.apps import AppConfig


class AmmunitionConfig(AppConfig):
    name = "pssm.ammunition"
    label = "ammunition"
    verbose_name = "Ammunition and explosives safety"
