"""A round in its third week, with people at every stage from applying to a certificate.

The clock is frozen on Wednesday 17 March 2027, 12:00 UTC. The round started on Monday
1 March; its three sessions run in the weeks of 1, 8 and 15 March, and both cohorts meet
on Tuesdays at 19:00 UTC, so every meeting so far has been held.

- Cohort A (facilitator Fay): Ann, Bo and Cy, all active.
- Cohort B (facilitator Gus): Di, who has completed the round and holds a certificate, and
  Ed, who dropped out after the first meeting.
- Not placed: Flo (accepted), Gil (applied), Hal (declined).
- Lena leads the round and runs no cohort.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from apps.certificates.models import Certificate
from apps.cohorts.models import Attendance, Cohort, Meeting
from apps.courses.models import Exercise, Resource, ResourceCompletion, Unit
from apps.feedback.models import ResourceRating, SessionRating
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
    UnitFactory,
)

NOW = datetime(2027, 3, 17, 12, 0, tzinfo=UTC)
WEEK_1 = datetime(2027, 3, 1, tzinfo=UTC)


def in_week(week: int, *, days: int = 2) -> datetime:
    return WEEK_1 + timedelta(weeks=week - 1, days=days, hours=10)


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@dataclass
class World:
    round: Round
    units: list[Unit]
    resources: list[Resource]  # session 1's core and optional readings, then 2's, then 3's
    exercises: list[Exercise]  # sessions 1 and 2 have one each
    cohorts: list[Cohort]
    facilitators: list[Enrollment]  # Fay (cohort A), Gus (cohort B)
    lead: Enrollment
    people: dict[str, Enrollment]


def meet(cohort: Cohort, unit: Unit, week: int) -> Meeting:
    starts_at = in_week(week, days=1) + timedelta(hours=9)
    return Meeting.objects.create(
        cohort=cohort, unit=unit, starts_at=starts_at, ends_at=starts_at + timedelta(minutes=90)
    )


def build_world(*, name: str = "Spring 2027", cohorts: int = 0, size: int = 0) -> World:
    """The round described above; `cohorts` more cohorts of `size` active members each,
    every one of whom attended and did everything, make it bigger without changing its shape.
    """
    round = RoundFactory(name=name, starts_on=WEEK_1.date())
    units = [
        UnitFactory(course=round.course, number=n, title=title)
        for n, title in enumerate(["Rewards", "Oversight", "Careers"], start=1)
    ]
    resources = [
        ResourceFactory(unit=units[0], position=1, title="Specification gaming"),
        ResourceFactory(unit=units[0], position=2, title="Open problems", is_core=False),
        ResourceFactory(unit=units[1], position=1, title="Debate"),
        ResourceFactory(unit=units[2], position=1, title="Career guide"),
    ]
    exercises = [ExerciseFactory(unit=units[0]), ExerciseFactory(unit=units[1])]
    for n, unit in enumerate(units):
        RoundUnit.objects.create(
            round=round,
            unit=unit,
            week_starts_on=round.starts_on + timedelta(weeks=n),
            due_at=in_week(n + 1, days=6),
        )
    fay = FacilitatorEnrollmentFactory(round=round, status="active", user__display_name="Fay")
    gus = FacilitatorEnrollmentFactory(round=round, status="active", user__display_name="Gus")
    lead = FacilitatorEnrollmentFactory(
        round=round, status="active", is_lead=True, user__display_name="Lena"
    )
    a = CohortFactory(round=round, name="Cohort A", facilitators=[fay])
    b = CohortFactory(round=round, name="Cohort B", facilitators=[gus])

    def member(cohort, display_name, status="active"):
        return PlacementFactory(
            cohort=cohort, enrollment__status=status, enrollment__user__display_name=display_name
        ).enrollment

    people = {
        "ann": member(a, "Ann"),
        "bo": member(a, "Bo"),
        "cy": member(a, "Cy"),
        "di": member(b, "Di", "completed"),
        "ed": member(b, "Ed", "dropped"),
    }
    for display_name, status in [("Flo", "accepted"), ("Gil", "applied"), ("Hal", "declined")]:
        people[display_name.lower()] = EnrollmentFactory(
            round=round, status=status, user__display_name=display_name
        )
    meetings = {
        (cohort.pk, n): meet(cohort, unit, n)
        for cohort in (a, b)
        for n, unit in enumerate(units, start=1)
    }

    def present(who, cohort, week, status="present"):
        Attendance.objects.create(
            meeting=meetings[(cohort.pk, week)], enrollment=people[who], status=status
        )

    for who in ("ann", "bo"):
        present(who, a, 1)
    present("cy", a, 1, "absent")
    for who in ("di", "ed"):
        present(who, b, 1)
    present("ann", a, 2)
    present("di", b, 2)

    ann = people["ann"]
    for resource in resources[:2]:
        ResourceCompletion.objects.create(user=ann.user, resource=resource)
    ResourceCompletion.objects.update(completed_at=in_week(1))
    handed_in = Submission.objects.create(
        enrollment=ann, exercise=exercises[0], status="submitted", submitted_at=in_week(1)
    )
    draft = Submission.objects.create(enrollment=people["bo"], exercise=exercises[0])
    Submission.objects.filter(pk=handed_in.pk).update(created_at=in_week(1), updated_at=in_week(1))
    Submission.objects.filter(pk=draft.pk).update(created_at=in_week(2), updated_at=in_week(2))
    Certificate.objects.create(enrollment=people["di"])

    SessionRating.objects.create(enrollment=ann, unit=units[0], rating=4, comment="Lively.")
    SessionRating.objects.create(enrollment=people["bo"], unit=units[0], rating=2)
    ResourceRating.objects.create(enrollment=ann, resource=resources[0], worth_it=True)
    ResourceRating.objects.create(
        enrollment=people["bo"], resource=resources[0], worth_it=False, note="Too long."
    )
    ResourceRating.objects.create(
        enrollment=people["di"], resource=resources[0], worth_it=False, note="=SUM(A1)"
    )

    for n in range(cohorts):
        grow(round, units, resources, exercises, name=f"Extra {n}", size=size)
    return World(
        round=round,
        units=units,
        resources=resources,
        exercises=exercises,
        cohorts=[a, b],
        facilitators=[fay, gus],
        lead=lead,
        people=people,
    )


def grow(round, units, resources, exercises, *, name: str, size: int) -> None:
    """One more cohort whose members attended every meeting, did every reading and exercise,
    and rated everything."""
    facilitator = FacilitatorEnrollmentFactory(round=round, status="active")
    cohort = CohortFactory(round=round, name=name, facilitators=[facilitator])
    members = [
        PlacementFactory(cohort=cohort, enrollment__status="active").enrollment for _ in range(size)
    ]
    for week, unit in enumerate(units, start=1):
        meeting = meet(cohort, unit, week)
        Attendance.objects.bulk_create(
            Attendance(meeting=meeting, enrollment=e, status="present") for e in members
        )
    for enrollment in members:
        ResourceCompletion.objects.bulk_create(
            ResourceCompletion(user=enrollment.user, resource=r) for r in resources
        )
        Submission.objects.bulk_create(
            Submission(enrollment=enrollment, exercise=x, status="submitted", submitted_at=NOW)
            for x in exercises
        )
        SessionRating.objects.bulk_create(
            SessionRating(enrollment=enrollment, unit=u, rating=5, comment="Good") for u in units
        )
        ResourceRating.objects.bulk_create(
            ResourceRating(enrollment=enrollment, resource=r, worth_it=True, note="Yes")
            for r in resources
        )


@pytest.fixture
def world(db) -> World:
    return build_world()


def log_in(client, who):
    """Sign in as a user, or as the user of an enrollment."""
    user = getattr(who, "user", who)
    client.login(email=user.email, password=PASSWORD)
    return client
