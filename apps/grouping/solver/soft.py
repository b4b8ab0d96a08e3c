"""The soft tier's arithmetic: minutes of a meeting someone misses, and the default window.

Strict grouping only places people at times their availability wholly covers. The soft tier
(``Problem.soft``) also lets a cohort take a few people who miss a little of the meeting, and
people who gave only a time zone, taken to be free on weekday evenings there.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from apps.rounds.cyclic_week import MINUTES_PER_WEEK, Interval, normalise

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
    """Weekday evenings in ``zone`` as UTC-week intervals, at the offsets of that week."""
    monday = week_of - timedelta(days=week_of.weekday())
    utc_monday = datetime(monday.year, monday.month, monday.day, tzinfo=ZoneInfo("UTC"))
    first, last = DEFAULT_WINDOW_HOURS
    intervals = []
    for day in DEFAULT_WINDOW_DAYS:
        local = datetime(monday.year, monday.month, monday.day, first, tzinfo=ZoneInfo(zone))
        local += timedelta(days=day)
        start = int((local - utc_monday).total_seconds() // 60) % MINUTES_PER_WEEK
        intervals.append((start, start + (last - first) * 60))
    return normalise(intervals)


def is_known_zone(zone: str) -> bool:
    """Whether ``zone`` names an IANA time zone this machine knows."""
    try:
        ZoneInfo(zone)
    except (ValueError, KeyError, OSError):
        return False
    return True
