from django.apps import AppConfig


class MovementsConfig(AppConfig):
    name = "pssm.movements"
    label = "movements"
    verbose_name = "Vouchers and movements"
