"""A small, hand-built cohort whose every figure is known, and a builder for big ones.

The clock is frozen on Saturday 20 March 2027: sessions 1 and 2 have had
their meetings, session 3's is still to come.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from apps.cohorts.models import Attendance, Cohort, Meeting, Placement
from apps.courses.models import Exercise, ResourceCompletion, Unit
from apps.rounds.models import Enrollment, Round, RoundUnit
from apps.submissions.models import Submission
from tests.factories import (
    PASSWORD,
    CohortFactory,
    EnrollmentFactory,
    ExerciseFactory,
    FacilitatorEnrollmentFactory,
    PlacementFactory,
    ResourceFactory,
    RoundFactory,
    SubmissionFactory,
    UnitFactory,
    UserFactory,
)

NOW = datetime(2027, 3, 20, 12, 0, tzinfo=UTC)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def schedule(round: Round, unit: Unit, monday: date) -> RoundUnit:
    """Run the unit in the week of `monday`, with work due on its Sunday night."""
    sunday = monday + timedelta(days=6)
    return RoundUnit.objects.create(
        round=round,
        unit=unit,
        week_starts_on=monday,
        due_at=utc(sunday.year, sunday.month, sunday.day, 23, 0),
    )


def meeting(cohort: Cohort, unit: Unit, day: date, **extra) -> Meeting:
    starts = utc(day.year, day.month, day.day, 19, 0)
    return Meeting.objects.create(
        cohort=cohort, unit=unit, starts_at=starts, ends_at=starts + timedelta(minutes=90), **extra
    )


def submit(enrollment, exercise, status, *, late=False) -> Submission:
    submitted_at = None if status == Submission.Status.DRAFT else NOW - timedelta(days=3)
    return SubmissionFactory(
        enrollment=enrollment,
        exercise=exercise,
        status=status,
        submitted_at=submitted_at,
        is_late=late,
    )


def done(user, *resources) -> None:
    ResourceCompletion.objects.bulk_create(
        [ResourceCompletion(user=user, resource=resource) for resource in resources]
    )


def attend(meeting: Meeting, enrollment, status) -> Attendance:
    return Attendance.objects.create(meeting=meeting, enrollment=enrollment, status=status)


@dataclass
class Course:
    """A round of three sessions: 3 readings and 2 exercises, 2 and 1, then 1 and none."""

    round: Round
    units: list[Unit]
    resources: list[list]
    exercises: list[list[Exercise]]


def build_course() -> Course:
    round = RoundFactory(slug="spring-2027", name="Spring 2027")
    units, resources, exercises = [], [], []
    for number, (readings, work, monday) in enumerate(
        [(3, 2, date(2027, 3, 1)), (2, 1, date(2027, 3, 8)), (1, 0, date(2027, 3, 22))], start=1
    ):
        unit = UnitFactory(course=round.course, number=number, title=f"Topic {number}")
        schedule(round, unit, monday)
        units.append(unit)
        resources.append([ResourceFactory(unit=unit, position=i) for i in range(readings)])
        exercises.append(
            [
                ExerciseFactory(unit=unit, position=i, slug=f"s{number}-ex{i}", title=f"Task {i}")
                for i in range(work)
            ]
        )
    return Course(round=round, units=units, resources=resources, exercises=exercises)


@dataclass
class SmallCohort:
    course: Course
    cohort: Cohort
    facilitator: Enrollment
    ada: Enrollment
    ben: Enrollment
    cy: Enrollment  # dropped out
    meetings: list[Meeting]


@pytest.fixture
def small(db) -> SmallCohort:
    """Ada did well (one piece late), Ben is behind, Cy dropped out after session 1."""
    course = build_course()
    round = course.round
    facilitator = FacilitatorEnrollmentFactory(
        round=round, user__email="fay@example.com", status=Enrollment.Status.ACTIVE
    )
    cohort = CohortFactory(round=round, name="Tuesday Owls", facilitators=[facilitator])
    people = {}
    for name, status in [("Ada", "active"), ("Ben", "active"), ("Cy", "dropped")]:
        people[name] = PlacementFactory(
            cohort=cohort,
            enrollment__status=status,
            enrollment__user__display_name=name,
            enrollment__user__email=f"{name.lower()}@example.com",
        ).enrollment
    ada, ben, cy = people["Ada"], people["Ben"], people["Cy"]
    meetings = [
        meeting(cohort, course.units[0], date(2027, 3, 2)),
        meeting(cohort, course.units[1], date(2027, 3, 9)),
        meeting(cohort, course.units[2], date(2027, 3, 23)),
    ]
    (r1, r2, _r3), (ex_a, ex_b), (ex_c,) = course.resources, *course.exercises[:2]

    done(ada.user, *r1, r2[0])
    submit(ada, ex_a, Submission.Status.SUBMITTED)
    submit(ada, ex_b, Submission.Status.SUBMITTED, late=True)
    submit(ada, ex_c, Submission.Status.ACCEPTED)
    attend(meetings[0], ada, Attendance.Status.PRESENT)
    attend(meetings[1], ada, Attendance.Status.EXCUSED)

    done(ben.user, r1[0])
    submit(ben, ex_a, Submission.Status.RETURNED)
    submit(ben, ex_b, Submission.Status.DRAFT)
    attend(meetings[0], ben, Attendance.Status.ABSENT)

    done(cy.user, *r1)
    submit(cy, ex_a, Submission.Status.SUBMITTED)
    attend(meetings[0], cy, Attendance.Status.PRESENT)

    return SmallCohort(course, cohort, facilitator, ada, ben, cy, meetings)


def populate(cohort: Cohort, course: Course, *, size: int, start: int = 0) -> None:
    """Fill a cohort with `size` participants who have done a bit of everything."""
    users = [
        UserFactory(email=f"p{start + i}-c{cohort.pk}@example.com", verified=False)
        for i in range(size)
    ]
    enrollments = Enrollment.objects.bulk_create(
        [
            Enrollment(round=course.round, user=user, status=Enrollment.Status.ACTIVE)
            for user in users
        ]
    )
    Placement.objects.bulk_create([Placement(enrollment=e, cohort=cohort) for e in enrollments])
    meetings = {
        unit.pk: meeting(cohort, unit, date(2027, 3, 2) + timedelta(weeks=week))
        for week, unit in enumerate(course.units)
    }
    ResourceCompletion.objects.bulk_create(
        [
            ResourceCompletion(user=user, resource=resource)
            for i, user in enumerate(users)
            for readings in course.resources
            for resource in readings[: i % (len(readings) + 1)]
        ]
    )
    statuses = list(Submission.Status)
    Submission.objects.bulk_create(
        [
            Submission(
                enrollment=enrollment,
                exercise=exercise,
                status=statuses[(i + j) % len(statuses)],
                submitted_at=NOW - timedelta(days=2),
                is_late=(i + j) % 3 == 0,
            )
            for i, enrollment in enumerate(enrollments)
            for j, exercise in enumerate(e for work in course.exercises for e in work)
        ]
    )
    Attendance.objects.bulk_create(
        [
            Attendance(meeting=meetings[unit.pk], enrollment=enrollment, status=status)
            for i, enrollment in enumerate(enrollments)
            for unit, status in zip(
                course.units[:2], ["present", ["absent", "excused"][i % 2]], strict=True
            )
        ]
    )


def log_in(client, user):
    client.login(email=user.email, password=PASSWORD)
    return client


def participant_in(cohort: Cohort) -> Enrollment:
    return PlacementFactory(cohort=cohort).enrollment


def other_participant(round: Round) -> Enrollment:
    return EnrollmentFactory(round=round)
