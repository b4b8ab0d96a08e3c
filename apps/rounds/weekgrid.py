"""Weekly availability: local grid cells in a person's zone <-> UTC minutes on a cyclic week.

Availability is stored in UTC as minutes since Monday 00:00, on a week that
wraps around (Sunday 23:30 is followed by Monday 00:00). A person enters it
in their own IANA zone, and the offset used for the conversion is the one in
force during a reference week, the round's first week, because that is when
the availability will be used. Entering "Mondays 18:00" in winter for a
round that runs in summer therefore still means 18:00 local in summer.

No Django here: these functions are used by forms, grouping and tests alike.
"""

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

MINUTES_PER_DAY = 24 * 60
MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY
CELL_MINUTES = 30

Interval = tuple[int, int]
Cell = tuple[int, int]  # (weekday 0=Monday, minute of the day)


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def normalise(intervals: Iterable[Interval]) -> list[Interval]:
    """Merge overlapping or touching intervals; split any that wrap past Sunday midnight.

    Input intervals may have end > MINUTES_PER_WEEK (wrapping) or start < 0;
    output intervals lie within [0, MINUTES_PER_WEEK] in order.
    """
    pieces = []
    for start, end in intervals:
        if end - start >= MINUTES_PER_WEEK:
            return [(0, MINUTES_PER_WEEK)]
        if end <= start:
            continue
        start, end = start % MINUTES_PER_WEEK, start % MINUTES_PER_WEEK + (end - start)
        if end > MINUTES_PER_WEEK:
            pieces += [(start, MINUTES_PER_WEEK), (0, end - MINUTES_PER_WEEK)]
        else:
            pieces.append((start, end))
    merged: list[list[int]] = []
    for start, end in sorted(pieces):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


def covers(intervals: Iterable[Interval], start: int, minutes: int) -> bool:
    """Whether normalised intervals contain all of [start, start + minutes) on the cyclic week."""
    needed = normalise([(start, start + minutes)])
    available = normalise(intervals)
    return all(any(a <= s and e <= b for a, b in available) for s, e in needed)


def _week_start_utc(week_of: date) -> datetime:
    return datetime.combine(monday_of(week_of), time(0), tzinfo=UTC)


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
    """Turn selected local grid cells into normalised UTC intervals."""
    return normalise(
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
