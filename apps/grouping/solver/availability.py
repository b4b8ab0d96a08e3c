"""Arithmetic on the cyclic week: normalising availability and finding meeting starts.

A week has ``WEEK_MINUTES`` minutes and wraps around, so an interval ``(10020, 10140)`` runs
from Sunday 23:00 to Monday 01:00. After normalisation every interval starts inside the week,
no two overlap or touch (touching ones are joined, also across the wrap), and a whole week is
the single interval ``(0, WEEK_MINUTES)``.
"""

from __future__ import annotations

from collections.abc import Iterable

from .problem import WEEK_MINUTES, Interval


def normalise(intervals: Iterable[Interval]) -> list[Interval]:
    """Merge intervals on the cyclic week into a sorted list of disjoint, non-touching ones."""
    pieces: list[Interval] = []
    for start, end in intervals:
        length = end - start
        if length <= 0:
            continue
        if length >= WEEK_MINUTES:
            return [(0, WEEK_MINUTES)]
        start %= WEEK_MINUTES
        end = start + length
        if end > WEEK_MINUTES:
            pieces.append((start, WEEK_MINUTES))
            pieces.append((0, end - WEEK_MINUTES))
        else:
            pieces.append((start, end))
    pieces.sort()
    merged: list[list[int]] = []
    for start, end in pieces:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    if len(merged) == 1 and merged[0] == [0, WEEK_MINUTES]:
        return [(0, WEEK_MINUTES)]
    if len(merged) > 1 and merged[0][0] == 0 and merged[-1][1] == WEEK_MINUTES:
        # The last interval runs into Monday: join it with the first one.
        first = merged.pop(0)
        merged[-1][1] = WEEK_MINUTES + first[1]
    return [(start, end) for start, end in merged]


def meeting_starts(intervals: list[Interval], slot_minutes: int, meeting_minutes: int) -> list[int]:
    """Indices of the slots at which a whole meeting fits inside normalised ``intervals``.

    Slot ``k`` starts at minute ``k * slot_minutes``; ``slot_minutes`` divides the week.
    """
    slots = WEEK_MINUTES // slot_minutes
    if intervals == [(0, WEEK_MINUTES)]:
        return list(range(slots)) if meeting_minutes <= WEEK_MINUTES else []
    found: set[int] = set()
    for start, end in intervals:
        first = -(-start // slot_minutes) * slot_minutes
        for minute in range(first, end - meeting_minutes + 1, slot_minutes):
            found.add((minute % WEEK_MINUTES) // slot_minutes)
    return sorted(found)


def covers(intervals: list[Interval], start: int, meeting_minutes: int) -> bool:
    """Whether a meeting from ``start`` lies inside normalised ``intervals`` (wrapping)."""
    if intervals == [(0, WEEK_MINUTES)]:
        return meeting_minutes <= WEEK_MINUTES
    start %= WEEK_MINUTES
    for begin, end in intervals:
        shifted = start if start >= begin else start + WEEK_MINUTES
        if shifted + meeting_minutes <= end:
            return True
    return False


def overlap(first: int, second: int, meeting_minutes: int) -> bool:
    """Whether two meetings of the same length starting at these minutes share any time."""
    gap = (second - first) % WEEK_MINUTES
    return gap < meeting_minutes or WEEK_MINUTES - gap < meeting_minutes
