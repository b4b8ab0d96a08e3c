from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class CoursesConfig(AppConfig):
    name = "apps.courses"

    def ready(self):
        # Apps that keep something per exercise register an ExerciseSection
        # (apps/courses/sections.py) from their own coursefiles.py.
        autodiscover_modules("coursefiles")
