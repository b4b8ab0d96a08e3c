"""Reminders for real: a world full of due reminders, and Celery workers as processes.

The benchmark (``python -m bench.reminders``) and the worker, crash and
concurrency tests (``tests/reminders/``) share these, so the tests prove the
same set-up the benchmark measures. Django models are imported inside the
functions: this package is imported before the benchmark has set Django up.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[2]

# Zones spread around the globe; at any moment at least one is in mid-day.
_ZONES = [
    "Europe/London",
    "Europe/Berlin",
    "Asia/Kolkata",
    "Asia/Tokyo",
    "Pacific/Auckland",
    "Pacific/Honolulu",
    "America/Los_Angeles",
    "America/New_York",
]


def daytime_zone(now: datetime | None = None) -> str:
    """A time zone where it is between 09:00 and 19:00 now, so no quiet hours get in the way."""
    now = now or datetime.now(ZoneInfo("UTC"))
    for zone in _ZONES:
        if 9 <= now.astimezone(ZoneInfo(zone)).hour < 19:
            return zone
    raise AssertionError("every zone in the list is outside 09:00-19:00")  # pragma: no cover


def create_due_meeting_reminders(
    count: int, *, now: datetime | None = None, cohort_size: int = 8
) -> list[int]:
    """Participants in published cohorts meeting tomorrow, each with one due reminder.

    Everything is bulk-created: one course with a session, two core readings
    and an exercise, one round, ``count`` participants in cohorts of
    ``cohort_size``, one meeting per cohort 24 hours from now and one
    "meeting tomorrow" reminder per participant, due a minute ago. Every
    other participant has done the first reading and started a draft, so the
    check before sending has real progress to look up. The people live in a
    zone where it is daytime, so every reminder is sent rather than held back
    for the night. Returns the reminders' ids in due order.
    """
    from django.utils import timezone

    from apps.accounts.models import User
    from apps.cohorts.models import Cohort, Meeting, Placement
    from apps.courses.models import Course, Exercise, Resource, ResourceCompletion, Unit
    from apps.reminders.models import Reminder
    from apps.rounds.models import Enrollment, Round
    from apps.submissions.models import Submission

    now = now or timezone.now()
    tag = secrets.token_hex(4)
    zone = daytime_zone(now)
    course = Course.objects.create(slug=f"reminders-{tag}", title="Reminders at scale")
    unit = Unit.objects.create(course=course, number=1, slug="rewards", title="Rewards")
    readings = Resource.objects.bulk_create(
        Resource(
            unit=unit,
            position=n,
            title=f"Core reading {n}",
            url=f"https://example.com/{tag}/{n}",
            minutes=20,
            is_core=True,
        )
        for n in (1, 2)
    )
    exercise = Exercise.objects.create(unit=unit, position=1, slug="reflect", title="Reflect")
    round_ = Round.objects.create(
        course=course,
        name=f"Round {tag}",
        slug=f"round-{tag}",
        applications_open_at=now - timedelta(days=30),
        applications_close_at=now - timedelta(days=20),
        starts_on=(now - timedelta(days=14)).date(),
    )
    users = User.objects.bulk_create(
        User(
            email=f"p{n}-{tag}@example.com",
            display_name=f"Participant {n}",
            time_zone=zone,
            password="!",  # unusable: nobody logs in as them
        )
        for n in range(count)
    )
    enrollments = Enrollment.objects.bulk_create(
        Enrollment(round=round_, user=user, status=Enrollment.Status.ACCEPTED) for user in users
    )
    ResourceCompletion.objects.bulk_create(
        ResourceCompletion(user=user, resource=readings[0]) for user in users[::2]
    )
    Submission.objects.bulk_create(
        Submission(enrollment=enrollment, exercise=exercise) for enrollment in enrollments[::2]
    )
    cohorts = Cohort.objects.bulk_create(
        Cohort(
            round=round_,
            name=f"Cohort {n + 1}",
            slot_start=19 * 60,
            time_zone=zone,
            weekday=0,
            local_time="19:00",
            published_at=now - timedelta(days=7),
        )
        for n in range((count + cohort_size - 1) // cohort_size)
    )
    Placement.objects.bulk_create(
        Placement(enrollment=enrollment, cohort=cohorts[n // cohort_size])
        for n, enrollment in enumerate(enrollments)
    )
    starts_at = now + timedelta(hours=24)
    meetings = Meeting.objects.bulk_create(
        Meeting(
            cohort=cohort, unit=unit, starts_at=starts_at, ends_at=starts_at + timedelta(hours=1)
        )
        for cohort in cohorts
    )
    reminders = Reminder.objects.bulk_create(
        (
            Reminder(
                user=user,
                round=round_,
                kind="meeting_tomorrow",
                occasion=f"meeting:{meetings[n // cohort_size].pk}",
                due_at=now - timedelta(minutes=1),
            )
            for n, user in enumerate(users)
        ),
        batch_size=2000,
    )
    return [reminder.pk for reminder in reminders]


_names = itertools.count(1)


class CeleryWorker:
    """``celery -A courseplatform worker`` as a child process, in a process group of its own.

    The group lets ``kill()`` take the pool's children down with the main
    process, as a crashed machine would, and ``stop()`` leaves nothing behind.
    Output goes to a log file, shown by ``log()`` when something goes wrong.
    """

    def __init__(
        self,
        *,
        env: dict[str, str],
        concurrency: int | None = 1,
        pool: str = "prefork",
        queue: str | None = None,
    ):
        self.name = f"reminders{os.getpid()}-{next(_names)}"
        self.env = {**os.environ, **env}
        self.command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "courseplatform",
            "worker",
            f"--pool={pool}",
            # None: Celery's own default, as many pool processes as processors.
            *([f"--concurrency={concurrency}"] if concurrency else []),
            # INFO: start() waits for the "ready." line, and a failure's log tells what happened.
            "--loglevel=INFO",
            f"--hostname={self.name}@%h",
            # Nothing to synchronise with: start in a second, not after a round of gossip.
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            *(["--queues", queue] if queue else []),
        ]
        self.process: subprocess.Popen | None = None
        self._log = tempfile.NamedTemporaryFile(  # noqa: SIM115 - lives as long as the worker
            prefix=f"{self.name}-", suffix=".log", delete=False
        )

    def start(self, *, timeout: float = 60.0) -> CeleryWorker:
        """Start the worker and wait until it consumes tasks."""
        self.process = subprocess.Popen(
            self.command,
            cwd=ROOT,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while " ready." not in self.log():
            if self.process.poll() is not None:
                raise RuntimeError(f"the Celery worker exited at start:\n{self.log()}")
            if time.monotonic() > deadline:
                self.stop()
                raise TimeoutError(f"the Celery worker was not ready in {timeout} s:\n{self.log()}")
            time.sleep(0.05)
        return self

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def kill(self) -> None:
        """SIGKILL the worker and its pool processes at once, mid-task if need be."""
        self._signal_group(signal.SIGKILL)
        if self.process is not None:
            self.process.wait()

    def stop(self, *, timeout: float = 10.0) -> None:
        """Ask for a warm shutdown; SIGKILL whatever is left after the timeout."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self._signal_group(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout)
        self.kill()

    def _signal_group(self, sig: int) -> None:
        if self.process is None:
            return
        # The group id is the worker's pid (start_new_session); its children share it.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, sig)

    def log(self) -> str:
        return Path(self._log.name).read_text(errors="replace")

    def close(self) -> None:
        """Stop the worker and remove its log."""
        try:
            self.stop()
        finally:
            self._log.close()
            Path(self._log.name).unlink(missing_ok=True)

    def __enter__(self) -> CeleryWorker:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()
