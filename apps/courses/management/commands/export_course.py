from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.courses.coursefiles import write_course
from apps.courses.models import Course
from apps.courses.selectors import course_to_spec


class Command(BaseCommand):
    help = "Write a course out as a folder of YAML files (see docs/course-format.md)."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The course's slug.")
        parser.add_argument("path", type=Path, help="The folder to write; created if missing.")

    def handle(self, *args, slug: str, path: Path, **options):
        try:
            course = Course.objects.get(slug=slug)
        except Course.DoesNotExist:
            raise CommandError(f"There is no course with the slug “{slug}”.") from None
        write_course(course_to_spec(course), path)
        self.stdout.write(f"Wrote “{course.title}” to {path}.")
