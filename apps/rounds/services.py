"""Writes to rounds: schedules, applications, enrollment status and availability."""

from datetime import UTC, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from apps.rounds import weekgrid
from apps.rounds.models import AvailabilitySlot, Enrollment, Round, RoundUnit


class RoundError(Exception):
    """A round operation that cannot be done, with a message for people."""


@transaction.atomic
def round_schedule_units(*, round: Round) -> list[RoundUnit]:
    """Give each unit of the course a week and a due date, one week after another.

    Unit N runs in the week starting `starts_on + 7 (N - 1)` days and its work
    is due at the end of that week (Monday 00:00 UTC after it). Entries that
    already exist keep whatever an admin set.
    """
    entries = []
    for index, unit in enumerate(round.course.units.order_by("number")):
        week = weekgrid.monday_of(round.starts_on) + timedelta(weeks=index)
        entry, _ = RoundUnit.objects.get_or_create(
            round=round,
            unit=unit,
            defaults={
                "week_starts_on": week,
                "due_at": datetime.combine(week + timedelta(days=7), time(0), tzinfo=UTC),
            },
        )
        entries.append(entry)
    return entries


def availability_set(
    *, enrollment: Enrollment, cells: set[weekgrid.Cell], time_zone: str
) -> list[weekgrid.Interval]:
    """Replace a person's availability with the local cells they selected in their zone."""
    intervals = weekgrid.cells_to_intervals(
        cells, zone=time_zone, week_of=enrollment.round.starts_on
    )
    with transaction.atomic():
        enrollment.availability.all().delete()
        AvailabilitySlot.objects.bulk_create(
            AvailabilitySlot(enrollment=enrollment, start=start, end=end)
            for start, end in intervals
        )
        enrollment.availability_time_zone = time_zone
        enrollment.availability_updated_at = timezone.now()
        enrollment.save(update_fields=["availability_time_zone", "availability_updated_at"])
    return intervals
