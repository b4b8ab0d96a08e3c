"""Weekly availability: local grid cells in a person's zone <-> UTC minutes on a cyclic week.

Availability is stored in UTC as minutes since Monday 00:00, on the week that
wraps around (``cyclic_week``, where the rules for such minutes live). A person enters it
in their own IANA zone, and the offset used for the conversion is the one in
force during a reference week, the round's first week, because that is when
the availability will be used. Entering "Mondays 18:00" in winter for a
round that runs in summer therefore still means 18:00 local in summer.

No Django here either: these functions are used by forms, grouping and tests alike.
"""

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from apps.rounds.cyclic_week import (
    MINUTES_PER_DAY,
    MINUTES_PER_WEEK,
    Interval,
    covers,
    normalise,
    split_at_week_end,
)

CELL_MINUTES = 30

Cell = tuple[int, int]  # (weekday 0=Monday, minute of the day)


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _offset_minutes(zone: str, week_of: date) -> int:
    """The zone's UTC offset at noon on the reference Monday, in minutes.

    One offset serves the whole reference week, so the local week and the
    UTC week correspond one to one even when the clocks change during it;
    converting each cell at its own date would map two local hours onto the
    same UTC hour in such a week.
    """
    noon = datetime.combine(monday_of(week_of), time(12), tzinfo=ZoneInfo(zone))
    return int(noon.utcoffset().total_seconds() // 60)


def local_to_week_minute(zone: str, week_of: date, weekday: int, minute: int) -> int:
    """The UTC week minute of a local weekday and time, at the reference week's offset."""
    local_minute = weekday * MINUTES_PER_DAY + minute
    return (local_minute - _offset_minutes(zone, week_of)) % MINUTES_PER_WEEK


def cells_to_intervals(
    cells: Iterable[Cell], *, zone: str, week_of: date, cell_minutes: int = CELL_MINUTES
) -> list[Interval]:
    """Turn selected local grid cells into UTC intervals, split at Sunday midnight for storage."""
    return split_at_week_end(
        (start, start + cell_minutes)
        for start in (local_to_week_minute(zone, week_of, day, minute) for day, minute in cells)
    )


def intervals_to_cells(
    intervals: Iterable[Interval], *, zone: str, week_of: date, cell_minutes: int = CELL_MINUTES
) -> set[Cell]:
    """The local grid cells wholly inside the UTC intervals, as the person would see them."""
    available = normalise(intervals)
    return {
        (day, minute)
        for day in range(7)
        for minute in range(0, MINUTES_PER_DAY, cell_minutes)
        if covers(available, local_to_week_minute(zone, week_of, day, minute), cell_minutes)
    }


def slot_in_zone(slot_start: int, *, zone: str, week_of: date) -> tuple[int, time]:
    """The local weekday and time in a zone of a UTC week minute, at the reference week's offset."""
    local_minute = (slot_start + _offset_minutes(zone, week_of)) % MINUTES_PER_WEEK
    day, minute = divmod(local_minute, MINUTES_PER_DAY)
    return day, time(minute // 60, minute % 60)


def occurrence(*, zone: str, weekday: int, local_time: time, week_of: date) -> datetime:
    """The UTC instant of a weekly local slot in the week containing week_of.

    The local time is kept whatever the offset that week, which is what keeps
    a cohort's meeting at 19:00 for its facilitator across DST changes.
    """
    day = monday_of(week_of) + timedelta(days=weekday)
    return datetime.combine(day, local_time, tzinfo=ZoneInfo(zone)).astimezone(UTC)
