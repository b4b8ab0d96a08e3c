from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class RoundsConfig(AppConfig):
    name = "apps.rounds"

    def ready(self):
        # Higher apps add their links to a round's page from their own round_links.py.
        autodiscover_modules("round_links")
