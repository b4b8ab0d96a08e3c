from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from apps.courses.coursefiles import CourseFileError, read_course
from apps.demo.services import DEMO_PASSWORD, demo_load

DEMO_COURSE = settings.BASE_DIR / "demo" / "ai-alignment-fundamentals"
LOGINS = ["participant", "facilitator", "admin", "graduate"]


class Command(BaseCommand):
    help = (
        "Load the demo course, a running round with work, reviews and sent reminders, a finished "
        "round with a certificate, and demo users. Safe to rerun."
    )

    def handle(self, *args, **options):
        # Exit status 2, as for a bad command line: the run was refused, nothing was done.
        if not settings.DEMO_MODE:
            raise CommandError(
                "Demo users share a published password, so they are only created with DEMO_MODE=1.",
                returncode=2,
            )
        try:
            spec = read_course(DEMO_COURSE)
        except CourseFileError as error:
            raise CommandError(f"Nothing was loaded. {error}", returncode=2) from None
        course = demo_load(spec=spec)
        logins = ", ".join(f"{key}@example.com" for key in LOGINS)
        self.stdout.write(
            f"Demo course “{course.title}” loaded with a running round and a finished one. "
            f"Log in as {logins} with the password “{DEMO_PASSWORD}”."
        )
