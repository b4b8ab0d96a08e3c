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
        # Exit status 2 for what was asked for (as for a bad command line); 1 for a failure.
        try:
            course = Course.objects.get(slug=slug)
        except Course.DoesNotExist:
            raise CommandError(
                f"There is no course with the slug “{slug}”.", returncode=2
            ) from None
        try:
            write_course(course_to_spec(course), path)
        except OSError as error:
            raise CommandError(
                f"Cannot write {error.filename or path}: {error.strerror}."
            ) from None
        self.stdout.write(f"Wrote “{course.title}” to {path}.")
