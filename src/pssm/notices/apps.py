from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "pssm.notices"
    label = "notices"
    verbose_name = "Notifications"
