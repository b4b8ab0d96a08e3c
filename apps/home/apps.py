from django.apps import AppConfig


class HomeConfig(AppConfig):
    """The page sign-in lands on: what each of a person's roles asks of them now.

    It stands above every other app and reads through their selectors; nothing
    imports it.
    """

    name = "apps.home"
