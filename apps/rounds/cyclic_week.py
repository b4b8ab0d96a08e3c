"""Time on a cyclic week: minutes since Monday 00:00 UTC, where Sunday runs on into Monday.

Weekly availability and weekly meetings repeat, so a person free on Sunday from 23:00 to
midnight and on Monday from midnight to 01:00 is free for a meeting from Sunday 23:30 to
Monday 00:30. Every rule about such times lives here, once, for the availability pages,
the cohort checks and the grouping solver alike. Pure Python with no Django, so the solver
can use it without a database.

An interval ``(start, end)`` holds the minutes ``start <= m < end``; ``end`` may pass the end
of the week, and ``start`` may lie outside it, both meaning the same minutes taken modulo
the week. ``normalise`` gives the one canonical form that the other functions rely on.
"""

from __future__ import annotations

from collections.abc import Iterable

MINUTES_PER_DAY = 24 * 60
MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY

Interval = tuple[int, int]

WHOLE_WEEK: list[Interval] = [(0, MINUTES_PER_WEEK)]


def normalise(intervals: Iterable[Interval]) -> list[Interval]:
    """The same minutes as sorted, disjoint intervals, none touching another.

    Each interval starts inside the week. Free time on both sides of Sunday midnight is one
    interval, the last, which ends past ``MINUTES_PER_WEEK``: ``[(0, 60), (10020, 10080)]``
    becomes ``[(10020, 10140)]``. A whole week is ``[(0, MINUTES_PER_WEEK)]``; empty and
    backwards intervals are dropped.
    """
    pieces: list[Interval] = []
    for start, end in intervals:
        length = end - start
        if length <= 0:
            continue
        if length >= MINUTES_PER_WEEK:
            return list(WHOLE_WEEK)
        start %= MINUTES_PER_WEEK
        end = start + length
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
    if len(merged) > 1 and merged[0][0] == 0 and merged[-1][1] == MINUTES_PER_WEEK:
        # Time up to Sunday midnight carries on into Monday morning: one interval.
        merged[-1][1] += merged.pop(0)[1]
    return [(start, end) for start, end in merged]


def split_at_week_end(intervals: Iterable[Interval]) -> list[Interval]:
    """The normalised intervals with the one that crosses Sunday midnight cut in two.

    Every interval then lies within ``0..MINUTES_PER_WEEK``, which is how availability is
    stored (a database row cannot wrap).
    """
    pieces: list[Interval] = []
    for start, end in normalise(intervals):
        if end > MINUTES_PER_WEEK:
            pieces += [(0, end - MINUTES_PER_WEEK), (start, MINUTES_PER_WEEK)]
        else:
            pieces.append((start, end))
    return sorted(pieces)


def covers(intervals: Iterable[Interval], start: int, minutes: int) -> bool:
    """Whether every minute of a meeting from ``start`` lasting ``minutes`` is in ``intervals``.

    The meeting may cross Sunday midnight; ``minutes`` is between 1 and a week.
    """
    for begin, end in normalise(intervals):
        # A whole week holds a week-long meeting whatever minute it starts at.
        if (
            end - begin == MINUTES_PER_WEEK
            or (start - begin) % MINUTES_PER_WEEK + minutes <= end - begin
        ):
            return True
    return False


def meeting_starts(intervals: Iterable[Interval], slot_minutes: int, minutes: int) -> list[int]:
    """The slots at which a whole meeting of ``minutes`` fits inside ``intervals``.

    Slot ``k`` starts at minute ``k * slot_minutes``, and ``slot_minutes`` divides the week.
    Gives exactly the slots for which ``covers`` holds, without testing each one.
    """
    available = normalise(intervals)
    if available == WHOLE_WEEK:
        return list(range(MINUTES_PER_WEEK // slot_minutes))
    found: set[int] = set()
    for begin, end in available:
        first = -(-begin // slot_minutes) * slot_minutes
        for minute in range(first, end - minutes + 1, slot_minutes):
            found.add(minute % MINUTES_PER_WEEK // slot_minutes)
    return sorted(found)


def overlap(first: int, second: int, minutes: int) -> bool:
    """Whether two meetings of ``minutes`` starting at these minutes share any time."""
    gap = (second - first) % MINUTES_PER_WEEK
    return gap < minutes or MINUTES_PER_WEEK - gap < minutes


def subtract(intervals: Iterable[Interval], start: int, minutes: int) -> list[Interval]:
    """The normalised ``intervals`` without a meeting from ``start`` lasting ``minutes``."""
    return _complement([*_complement(intervals), (start, start + minutes)])


def _complement(intervals: Iterable[Interval]) -> list[Interval]:
    """The minutes of the week that are not in ``intervals``, normalised."""
    taken = normalise(intervals)
    if not taken:
        return list(WHOLE_WEEK)
    # Each gap runs from the end of one interval to the start of the next, the last one
    # round Sunday midnight to the first interval's start in the following week.
    following = [start for start, _ in taken[1:]] + [taken[0][0] + MINUTES_PER_WEEK]
    return normalise(
        (end, next_start) for (_, end), next_start in zip(taken, following, strict=True)
    )
