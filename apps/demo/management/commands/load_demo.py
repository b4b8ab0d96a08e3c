from datetime import UTC, datetime, time, timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from apps.accounts.services import user_ensure
from apps.cohorts.models import Cohort
from apps.cohorts.services import cohort_create, cohort_publish, placement_set
from apps.courses.coursefiles import CourseFileError, read_course
from apps.courses.services import course_import
from apps.rounds import weekgrid
from apps.rounds.models import Enrollment, Round
from apps.rounds.services import round_schedule_units

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
# Cohort peers for the demo participant, so the cohort pages have people on them.
DEMO_PEERS = [
    ("Sam Okafor", "Africa/Lagos"),
    ("Mei Chen", "Asia/Singapore"),
    ("Lucas Silva", "America/Sao_Paulo"),
    ("Ines Novak", "Europe/Berlin"),
]
# Tuesdays 19:00 in the facilitator's zone, as a UTC week minute at the round's start.
DEMO_SLOT_LOCAL = (1, 19 * 60)


class Command(BaseCommand):
    help = "Load the demo course, a running round with a cohort, and demo users. Safe to rerun."

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
        with transaction.atomic():
            course = course_import(spec=spec)
            users = {
                user["email"]: user_ensure(password=DEMO_PASSWORD, **user) for user in DEMO_USERS
            }
            peers = [
                user_ensure(
                    email=f"peer{n}@example.com",
                    password=DEMO_PASSWORD,
                    display_name=name,
                    time_zone=zone,
                )
                for n, (name, zone) in enumerate(DEMO_PEERS, start=1)
            ]
            self._round(course, users, peers)
        logins = ", ".join(user["email"] for user in DEMO_USERS)
        self.stdout.write(
            f"Demo course “{course.title}” loaded with a running round. Log in as {logins} "
            f"with the password “{DEMO_PASSWORD}”."
        )

    def _round(self, course, users, peers):
        """A round that started on the most recent Monday, with one published cohort."""
        today = timezone.localdate()
        starts_on = weekgrid.monday_of(today)
        round, created = Round.objects.get_or_create(
            slug="demo-round",
            defaults={
                "course": course,
                "name": "Demo round",
                "applications_open_at": timezone.now() - timedelta(days=30),
                "applications_close_at": timezone.now() + timedelta(days=60),
                "starts_on": starts_on,
            },
        )
        if not created:
            return
        schedule = round_schedule_units(round=round)
        # Plans are due before the final week, so peer reviews are done by its meeting.
        final = schedule[-1]
        final.due_at = datetime.combine(
            final.week_starts_on - timedelta(days=2), time(0), tzinfo=UTC
        )
        final.save(update_fields=["due_at"])
        facilitator = Enrollment.objects.create(
            round=round,
            user=users["facilitator@example.com"],
            role=Enrollment.Role.FACILITATOR,
            status=Enrollment.Status.ACCEPTED,
            max_cohorts=2,
        )
        slot = weekgrid.local_to_week_minute(
            facilitator.user.time_zone, starts_on, *DEMO_SLOT_LOCAL
        )
        cohort = cohort_create(
            round=round, name="Cohort A", slot_start=slot, facilitators=[facilitator]
        )
        Cohort.objects.filter(pk=cohort.pk).update(
            video_call_url="https://meet.example.com/cohort-a"
        )
        for user in [users["participant@example.com"], *peers]:
            enrollment = Enrollment.objects.create(
                round=round,
                user=user,
                status=Enrollment.Status.ACCEPTED,
                motivation="I want to work on AI safety.",
            )
            placement_set(enrollment=enrollment, cohort=cohort)
        cohort_publish(cohort=cohort)
