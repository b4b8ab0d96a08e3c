from django.apps import AppConfig


class GroupingConfig(AppConfig):
    name = "apps.grouping"
