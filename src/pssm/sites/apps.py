from django.apps import AppConfig


class SitesConfig(AppConfig):
    name = "pssm.sites"
    label = "sites"
    verbose_name = "Geography and sites"
