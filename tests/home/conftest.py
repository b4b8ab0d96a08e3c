"""A round in its fourth week, with a cohort whose every fact is known, and a builder for more.

The clock is frozen on Saturday 27 March 2027, 10:00 UTC. The round runs five
weekly sessions from Monday 1 March; each session's work is due on its
Sunday at 22:00 UTC, so session 4's is due tomorrow night, less than two days
away. London moves to summer time in between, at 01:00 UTC on Sunday 28 March.
The cohort meets on Tuesdays at 19:00 London time: the meeting of 23 March
(session 4) is the last one held, the one of 30 March (session 5) is next.
"""

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from apps.cohorts.models import Attendance, Cohort, Meeting
from apps.courses.models import Course, Exercise, Resource, ResourceCompletion, Unit
from apps.reviews.models import ReviewAssignment
from apps.rounds.models import Enrollment, Round, RoundUnit
from apps.submissions.models import Submission
from tests.factories import (
    PASSWORD,
    CohortFactory,
    CourseFactory,
    ExerciseFactory,
    FacilitatorEnrollmentFactory,
    PlacementFactory,
    ResourceFactory,
    RoundFactory,
    SubmissionFactory,
    UnitFactory,
    UserFactory,
)

NOW = datetime(2027, 3, 27, 10, 0, tzinfo=UTC)
FIRST_MONDAY = date(2027, 3, 1)
SESSIONS = 5


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def due_for(monday: date) -> datetime:
    sunday = monday + timedelta(days=6)
    return utc(sunday.year, sunday.month, sunday.day, 22, 0)


@dataclass
class Course5:
    course: Course
    round: Round
    units: list[Unit]
    resources: dict[int, list[Resource]]  # by unit number
    exercises: dict[int, Exercise]  # by unit number
    schedule: dict[int, RoundUnit] = field(default_factory=dict)


def build_course(*, sessions: int = SESSIONS, first_monday: date = FIRST_MONDAY, **round_extra):
    """A course of `sessions` units (two readings of 10 and 20 minutes and one exercise each),
    run in a round from `first_monday`, one session a week."""
    course = CourseFactory(title="AI Alignment")
    round = RoundFactory(course=course, name="Spring 2027", starts_on=first_monday, **round_extra)
    units, resources, exercises, schedule = [], {}, {}, {}
    for number in range(1, sessions + 1):
        unit = UnitFactory(course=course, number=number, title=f"Topic {number}")
        units.append(unit)
        resources[number] = [
            ResourceFactory(unit=unit, minutes=10),
            ResourceFactory(unit=unit, minutes=20),
        ]
        exercises[number] = ExerciseFactory(unit=unit, title=f"Exercise {number}")
        monday = first_monday + timedelta(weeks=number - 1)
        schedule[number] = RoundUnit.objects.create(
            round=round, unit=unit, week_starts_on=monday, due_at=due_for(monday)
        )
    return Course5(course, round, units, resources, exercises, schedule)


def weekly_meetings(cohort: Cohort, world: Course5) -> dict[int, Meeting]:
    """Tuesdays at 19:00 London time: 19:00 UTC in March until the 28th, 18:00 after."""
    meetings = {}
    for number, entry in world.schedule.items():
        tuesday = entry.week_starts_on + timedelta(days=1)
        hour = 19 if tuesday < date(2027, 3, 28) else 18
        starts = utc(tuesday.year, tuesday.month, tuesday.day, hour, 0)
        meetings[number] = Meeting.objects.create(
            cohort=cohort,
            unit=world.units[number - 1],
            starts_at=starts,
            ends_at=starts + timedelta(minutes=90),
        )
    return meetings


def page(client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def part(html: str, element_id: str) -> str:
    """The markup from the element with this id to the end of its card or section."""
    start = html.index(f'id="{element_id}"')
    ends = [i for i in (html.find("</section>", start), html.find("</article>", start)) if i > 0]
    return html[start : min(ends)]


def text(html: str) -> str:
    """What a reader of the markup sees, in single spaces."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def log_in(client, user):
    client.login(email=user.email, password=PASSWORD)
    return client


def done(user, *resources) -> None:
    ResourceCompletion.objects.bulk_create(
        [ResourceCompletion(user=user, resource=resource) for resource in resources]
    )


def submit(enrollment, exercise, status=Submission.Status.SUBMITTED, *, at=None) -> Submission:
    submitted_at = None if status == Submission.Status.DRAFT else (at or NOW - timedelta(days=1))
    return SubmissionFactory(
        enrollment=enrollment, exercise=exercise, status=status, submitted_at=submitted_at
    )


def attend(meeting, enrollment, status=Attendance.Status.PRESENT):
    return Attendance.objects.create(meeting=meeting, enrollment=enrollment, status=status)


def review(reviewer, submission, *, due_at, status=ReviewAssignment.Status.NOT_STARTED):
    return ReviewAssignment.objects.create(
        reviewer=reviewer, submission=submission, due_at=due_at, status=status
    )


@dataclass
class CohortWorld(Course5):
    cohort: Cohort | None = None
    lead: Enrollment | None = None
    members: list[Enrollment] = field(default_factory=list)
    meetings: dict[int, Meeting] = field(default_factory=dict)


def build_cohort(
    world: Course5, *, size: int, name: str = "Tuesday evening", start: int = 0, lead=None
):
    """A published cohort of `size` participants led by `lead` (a new facilitator by
    default), with its meetings; every participant did everything of sessions 1 to 3 and
    was present at every meeting up to session 4's."""
    lead = lead or FacilitatorEnrollmentFactory(
        round=world.round, user=UserFactory(display_name="Fay Lead")
    )
    cohort = CohortFactory(
        round=world.round,
        name=name,
        facilitators=[lead],
        video_call_url="https://meet.example.com/tuesday",
    )
    members = [
        PlacementFactory(
            cohort=cohort,
            enrollment__user=UserFactory(display_name=f"Member {start + i:03d}"),
            enrollment__status=Enrollment.Status.ACTIVE,
        ).enrollment
        for i in range(size)
    ]
    meetings = weekly_meetings(cohort, world)
    for enrollment in members:
        for number in range(1, min(3, len(world.units)) + 1):
            done(enrollment.user, *world.resources[number])
            submit(enrollment, world.exercises[number], Submission.Status.ACCEPTED)
        for number in range(1, min(4, len(world.units)) + 1):
            attend(meetings[number], enrollment)
    return cohort, lead, members, meetings


@pytest.fixture
def world(db) -> Course5:
    return build_course()


@pytest.fixture
def participant_in_cohort(world):
    """Pat, in a cohort of three in week 4, with every kind of thing to do."""
    cohort, lead, members, meetings = build_cohort(world, size=2)
    pat = PlacementFactory(
        cohort=cohort,
        enrollment__user=UserFactory(display_name="Pat", email="pat@example.com"),
        enrollment__status=Enrollment.Status.ACTIVE,
    ).enrollment
    return pat, cohort, lead, members, meetings
