"""The soft tier's arithmetic: minutes of a meeting someone misses, and the default window.

Strict grouping only places people at times their availability wholly covers. The soft tier
(``Problem.soft``) also lets a cohort take a few people who miss a little of the meeting, and
people who gave only a time zone, taken to be free on weekday evenings there.
"""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from apps.rounds.cyclic_week import MINUTES_PER_WEEK, Interval, normalise
from apps.rounds.weekgrid import local_to_week_minute

# Weekday evenings, in the person's own zone, for people who gave only a time zone.
DEFAULT_WINDOW_DAYS = range(5)
DEFAULT_WINDOW_HOURS = (18, 21)


def missed_minutes(intervals: list[Interval], start: int, minutes: int) -> int:
    """How many minutes of a meeting from ``start`` lie outside ``intervals``.

    ``intervals`` must be normalised (``cyclic_week.normalise``); the meeting may cross
    Sunday midnight. Zero means the person can attend the whole meeting.
    """
    covered = 0
    for begin, end in intervals:
        # The meeting as minutes after ``begin``; an interval and a meeting of at most a
        # week can meet in two places once the meeting wraps round the week's end.
        offset = (start - begin) % MINUTES_PER_WEEK
        for shift in (offset, offset - MINUTES_PER_WEEK):
            covered += max(0, min(end - begin, shift + minutes) - max(0, shift))
    return max(0, minutes - covered)


def default_window(zone: str, week_of: date) -> list[Interval]:
    """Weekday evenings in ``zone`` as UTC-week intervals, at the offset of that week.

    The offset is taken once for the week, as the availability grid does
    (``weekgrid.local_to_week_minute``), so the window matches what the person would see
    ticked there.
    """
    first, last = DEFAULT_WINDOW_HOURS
    return normalise(
        (start, start + (last - first) * 60)
        for start in (
            local_to_week_minute(zone, week_of, day, first * 60) for day in DEFAULT_WINDOW_DAYS
        )
    )


def is_known_zone(zone: str) -> bool:
    """Whether ``zone`` names an IANA time zone this machine knows."""
    try:
        ZoneInfo(zone)
    except (ValueError, KeyError, OSError):
        return False
    return True
