from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from apps.accounts.services import user_ensure
from apps.courses.coursefiles import read_course
from apps.courses.services import course_import

DEMO_COURSE = settings.BASE_DIR / "demo" / "ai-alignment-fundamentals"
DEMO_PASSWORD = "coursedemo"
DEMO_USERS = [
    {"email": "participant@example.com", "display_name": "Pat Participant",
     "time_zone": "Europe/London"},
    {"email": "facilitator@example.com", "display_name": "Fran Facilitator",
     "time_zone": "America/New_York"},
    {"email": "admin@example.com", "display_name": "Ada Admin", "time_zone": "Europe/Berlin",
     "is_superuser": True},
]  # fmt: skip


class Command(BaseCommand):
    help = "Load the demo course and demo users (demo mode only). Safe to run again."

    def handle(self, *args, **options):
        if not settings.DEMO_MODE:
            raise CommandError(
                "Demo users share a published password, so they are only created with DEMO_MODE=1."
            )
        course = course_import(spec=read_course(DEMO_COURSE))
        for user in DEMO_USERS:
            user_ensure(password=DEMO_PASSWORD, **user)
        logins = ", ".join(user["email"] for user in DEMO_USERS)
        self.stdout.write(
            f"Demo course “{course.title}” loaded. Log in as {logins} "
            f"with the password “{DEMO_PASSWORD}”."
        )
