"""A round whose first session's meetings were held yesterday, seen from every side.

The clock is frozen on Wednesday 10 March 2027, 12:00 UTC. Two published
cohorts met on Tuesday 9 March at 19:00 UTC to discuss session 1; session 2
meets a week later. Each cohort has a facilitator and two participants; the
round also has a lead facilitator who runs no cohort.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from apps.cohorts.models import Cohort, Meeting
from apps.courses.models import Resource, Unit
from apps.rounds.models import Enrollment, Round, RoundUnit
from tests.factories import (
    PASSWORD,
    CohortFactory,
    EnrollmentFactory,
    FacilitatorEnrollmentFactory,
    PlacementFactory,
    ResourceFactory,
    RoundFactory,
    UnitFactory,
    UserFactory,
)

NOW = datetime(2027, 3, 10, 12, 0, tzinfo=UTC)
HELD = datetime(2027, 3, 9, 19, 0, tzinfo=UTC)
GUIDE = "**Timings**\n\n- 0-10 min: check-in.\n\nAsk: *why* does the proxy fail?"


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@dataclass
class Side:
    cohort: Cohort
    facilitator: Enrollment
    members: list[Enrollment]
    meeting: Meeting  # session 1, held
    next_meeting: Meeting  # session 2, next week


@dataclass
class World:
    round: Round
    units: list[Unit]
    resources: list[Resource]  # session 1's: a core one, then an optional one
    mine: Side
    other: Side
    lead: Enrollment

    @property
    def unit(self) -> Unit:
        return self.units[0]

    @property
    def participant(self) -> Enrollment:
        return self.mine.members[0]


def side(round, units, name: str) -> Side:
    facilitator = FacilitatorEnrollmentFactory(round=round, status="active")
    cohort = CohortFactory(round=round, name=name, facilitators=[facilitator])
    members = [
        PlacementFactory(cohort=cohort, enrollment__status="active").enrollment for _ in range(2)
    ]
    meetings = [
        Meeting.objects.create(
            cohort=cohort,
            unit=unit,
            starts_at=HELD + timedelta(weeks=n),
            ends_at=HELD + timedelta(weeks=n, minutes=90),
        )
        for n, unit in enumerate(units)
    ]
    return Side(cohort, facilitator, members, meetings[0], meetings[1])


def build_world() -> World:
    round = RoundFactory(name="Spring 2027")
    units = [
        UnitFactory(course=round.course, number=1, title="Rewards", facilitator_guide=GUIDE),
        UnitFactory(course=round.course, number=2, title="Oversight"),
    ]
    resources = [
        ResourceFactory(unit=units[0], position=1, title="Specification gaming", is_core=True),
        ResourceFactory(unit=units[0], position=2, title="Open problems", is_core=False),
    ]
    ResourceFactory(unit=units[1], position=1, title="Debate")
    for n, unit in enumerate(units):
        RoundUnit.objects.create(
            round=round,
            unit=unit,
            week_starts_on=round.starts_on + timedelta(weeks=n + 1),
            due_at=HELD + timedelta(weeks=n, days=5),
        )
    lead = FacilitatorEnrollmentFactory(round=round, status="active", is_lead=True)
    return World(
        round=round,
        units=units,
        resources=resources,
        mine=side(round, units, "Mine"),
        other=side(round, units, "Other"),
        lead=lead,
    )


@pytest.fixture
def world(db) -> World:
    return build_world()


def log_in(client, who):
    """Sign in as a user, or as the user of an enrollment."""
    user = getattr(who, "user", who)
    client.login(email=user.email, password=PASSWORD)
    return client


@pytest.fixture
def outsider(db):
    """Signed up, and a participant of another round of another course."""
    return EnrollmentFactory(status="active", round=RoundFactory()).user


@pytest.fixture
def staff(db):
    return UserFactory(is_staff=True, is_superuser=True)
