"""Writes to cohorts: forming them, placing people, scheduling and recording meetings."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from apps.cohorts.models import Cohort, Meeting, Placement
from apps.rounds import weekgrid
from apps.rounds.models import Enrollment, Round


class CohortError(Exception):
    """A cohort operation that cannot be done, with a message for people."""


def cohort_create(
    *,
    round: Round,
    name: str,
    slot_start: int,
    facilitators: list[Enrollment],
    time_zone: str | None = None,
) -> Cohort:
    """Create a draft cohort meeting at a UTC week minute.

    The slot is anchored in the lead facilitator's zone (or the one given), so
    later meetings keep their local time there across DST changes.
    """
    if any(not f.is_facilitator or f.round_id != round.pk for f in facilitators):
        raise CohortError("Only facilitators of this round can facilitate its cohorts.")
    zone = time_zone or (facilitators[0].user.time_zone if facilitators else "UTC")
    weekday, local_time = weekgrid.slot_in_zone(slot_start, zone=zone, week_of=round.starts_on)
    cohort = Cohort.objects.create(
        round=round,
        name=name,
        slot_start=slot_start % weekgrid.MINUTES_PER_WEEK,
        time_zone=zone,
        weekday=weekday,
        local_time=local_time,
    )
    cohort.facilitators.set(facilitators)
    return cohort


def placement_set(*, enrollment: Enrollment, cohort: Cohort | None) -> None:
    """Put a participant in a cohort of their round, or take them out of any (None)."""
    if cohort is None:
        Placement.objects.filter(enrollment=enrollment).delete()
        return
    if enrollment.is_facilitator:
        raise CohortError("Facilitators lead cohorts; they are not placed in them.")
    if cohort.round_id != enrollment.round_id:
        raise CohortError("That cohort belongs to another round.")
    Placement.objects.update_or_create(enrollment=enrollment, defaults={"cohort": cohort})


@transaction.atomic
def meetings_schedule(*, cohort: Cohort) -> list[Meeting]:
    """Create or move the cohort's meeting for each unit in the round's schedule.

    Each meeting falls in its unit's week at the cohort's local weekday and
    time, converted to UTC with that week's offset. Meetings already held are
    left where they were.
    """
    now = timezone.now()
    length = timedelta(minutes=cohort.round.meeting_minutes)
    meetings = []
    for entry in cohort.round.schedule.select_related("unit"):
        starts_at = weekgrid.occurrence(
            zone=cohort.time_zone,
            weekday=cohort.weekday,
            local_time=cohort.local_time,
            week_of=entry.week_starts_on,
        )
        meeting, created = Meeting.objects.get_or_create(
            cohort=cohort,
            unit=entry.unit,
            defaults={"starts_at": starts_at, "ends_at": starts_at + length},
        )
        if not created and meeting.starts_at > now and meeting.starts_at != starts_at:
            meeting.starts_at, meeting.ends_at = starts_at, starts_at + length
            meeting.save(update_fields=["starts_at", "ends_at"])
        meetings.append(meeting)
    return meetings


@transaction.atomic
def cohort_publish(*, cohort: Cohort) -> None:
    """Make a draft cohort visible to its members and put its meetings in their calendars."""
    if cohort.published_at is None:
        cohort.published_at = timezone.now()
        cohort.save(update_fields=["published_at"])
    meetings_schedule(cohort=cohort)
    Enrollment.objects.filter(placement__cohort=cohort, status=Enrollment.Status.ACCEPTED).update(
        status=Enrollment.Status.ACTIVE, status_changed_at=timezone.now()
    )
    Enrollment.objects.filter(facilitated_cohorts=cohort, status=Enrollment.Status.ACCEPTED).update(
        status=Enrollment.Status.ACTIVE, status_changed_at=timezone.now()
    )
