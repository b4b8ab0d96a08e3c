from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class AccountsConfig(AppConfig):
    name = "apps.accounts"

    def ready(self):
        # Apps that keep something about a person register a Section
        # (apps/accounts/personal_data.py) from their own personal_data.py.
        autodiscover_modules("personal_data")
