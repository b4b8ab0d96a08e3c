from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.courses.coursefiles import CourseFileError, read_course
from apps.courses.services import course_import


class Command(BaseCommand):
    help = "Create or update a course from a course folder (see docs/course-format.md)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="The course folder, holding course.yaml.")

    def handle(self, *args, path: Path, **options):
        try:
            spec = read_course(path)
        except CourseFileError as error:
            # Exit status 2, as for a bad command line: the input is at fault, nothing changed.
            raise CommandError(f"Nothing was imported. {error}", returncode=2) from None
        course = course_import(spec=spec)
        units = len(spec["units"])
        self.stdout.write(f"Imported “{course.title}” ({course.slug}) with {units} sessions.")
