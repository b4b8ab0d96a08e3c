from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class RemindersConfig(AppConfig):
    name = "apps.reminders"

    def ready(self):
        # Each app registers its own kinds of reminder in its reminders.py, as it
        # registers its models with the admin in admin.py.
        autodiscover_modules("reminders")
