from datetime import UTC, datetime, timedelta

import pytest

from apps.cohorts.models import Meeting
from tests.factories import CohortFactory, PlacementFactory, ResourceFactory, UnitFactory

# A Tuesday in March 2027, before the clocks change in Europe (28 March).
NOW = datetime(2027, 3, 16, 12, 0, tzinfo=UTC)


@pytest.fixture
def meeting(db):
    """A published cohort with one participant in London, meeting in a little over a day."""
    cohort = CohortFactory()
    unit = UnitFactory(course=cohort.round.course, title="Rewards")
    ResourceFactory(unit=unit, title="A core reading", is_core=True)
    placement = PlacementFactory(cohort=cohort, enrollment__user__time_zone="Europe/London")
    starts_at = NOW + timedelta(hours=25)
    return Meeting.objects.create(
        cohort=cohort, unit=unit, starts_at=starts_at, ends_at=starts_at + timedelta(minutes=90)
    ), placement.enrollment
