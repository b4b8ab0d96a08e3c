"""The data the grouping algorithm reads and writes.

Everything here is plain data so the algorithm can run (and be tested or benchmarked) without
Django. Times are minutes since Monday 00:00 UTC on the cyclic week of
``apps.rounds.cyclic_week``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from apps.rounds.cyclic_week import Interval


@dataclass(frozen=True)
class Participant:
    """Someone to be placed in a cohort.

    ``availability`` holds ``(start, end)`` intervals; ``end`` may pass the end of the week, in
    which case the interval continues on Monday. ``experience`` is an optional level (higher
    means more experienced) that the solver tries to mix within cohorts. ``priority`` people
    (returning, on a scholarship, ...) are placed before anyone else when not everyone can
    be. ``time_zone`` (an IANA name) matters only for someone who gave no times: with the
    soft tier's default window on, they are taken to be free on weekday evenings there.
    """

    id: str
    availability: list[Interval]
    experience: int | None = None
    priority: bool = False
    time_zone: str | None = None


@dataclass(frozen=True)
class Facilitator:
    """Someone who leads up to ``max_cohorts`` cohorts, never two at overlapping times.

    ``preferred_times`` (intervals like availability) and ``preferred_size`` are wishes, met
    where they cost no placements: cohorts they lead start inside those times if possible,
    and sizes aim at ``preferred_size`` instead of the round's target.
    """

    id: str
    availability: list[Interval]
    max_cohorts: int = 1
    preferred_times: list[Interval] = field(default_factory=list)
    preferred_size: int | None = None


@dataclass(frozen=True)
class SoftMember:
    """A member placed through the soft tier, and how far their cohort's meeting misses them.

    ``missed_minutes`` counts the minutes of the meeting outside the times they gave (or,
    for ``assumed_window`` people who gave only a time zone, outside the default window).
    """

    id: str
    missed_minutes: int
    assumed_window: bool = False


@dataclass(frozen=True)
class Cohort:
    """A group meeting weekly at ``start`` for the problem's ``meeting_minutes``.

    ``soft_members`` lists those of ``participants`` who were placed through the soft tier.
    """

    facilitator: str
    start: int
    participants: list[str]
    soft_members: list[SoftMember] = field(default_factory=list)


@dataclass(frozen=True)
class SoftTier:
    """Looser rules, used only for people strict grouping leaves out.

    A cohort may take up to ``members_per_cohort`` people who miss at most ``missed_minutes``
    of its meeting. With ``default_window``, people who gave only a time zone count as free
    on weekday evenings, ``DEFAULT_WINDOW`` in their zone, during the week of ``week_of``
    (which fixes the zone's offset from UTC, summer time included).
    """

    members_per_cohort: int
    missed_minutes: int
    default_window: bool = False
    week_of: date | None = None


@dataclass(frozen=True)
class Unplaced:
    """A participant left out, with a reason written for the people running the round."""

    id: str
    reason: str


@dataclass(frozen=True)
class Problem:
    """One grouping run.

    ``min_size``, ``max_size`` and ``target_size`` count participants only.

    ``fixed_cohorts`` supports re-running for the people left over: those cohorts are kept
    with their facilitator, start and members (all of whom must also be listed in
    ``participants`` and ``facilitators``); they count towards their facilitator's
    ``max_cohorts`` and block overlapping times. When ``fill_fixed_cohorts`` is true the
    solver may add new members to them up to ``max_size``.

    ``soft`` turns the soft tier on. ``seed`` fixes the search: the same problem and seed
    give the same cohorts unless the time limit cuts the search short (see docs/grouping.md).
    """

    slot_minutes: int
    meeting_minutes: int
    min_size: int
    max_size: int
    target_size: int
    time_limit_seconds: float
    participants: list[Participant]
    facilitators: list[Facilitator]
    fixed_cohorts: list[Cohort] = field(default_factory=list)
    fill_fixed_cohorts: bool = True
    soft: SoftTier | None = None
    seed: int = 0


@dataclass
class Result:
    """The cohorts formed, who was left out and why, and figures about the run."""

    cohorts: list[Cohort]
    unplaced: list[Unplaced]
    stats: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Progress:
    """What ``solve`` reports while it works, for a progress bar and live figures.

    ``share`` is the part of the time limit used (1.0 when done); ``placed`` the most
    participants placed so far and ``bound`` the fewest that have been proved impossible to
    beat, once known.
    """

    share: float
    message: str
    placed: int | None = None
    bound: int | None = None
