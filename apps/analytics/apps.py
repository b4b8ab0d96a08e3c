from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    """How a round went, for its lead facilitators and admins: the funnel, each session,
    reading, cohort and facilitator, as charts, tables and CSV files.

    It stands on the top floor beside home and demo: it reads through the other apps'
    models and selectors, and nothing imports it.
    """

    name = "apps.analytics"
