from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "pssm.accounts"
    label = "accounts"
    verbose_name = "Accounts"
