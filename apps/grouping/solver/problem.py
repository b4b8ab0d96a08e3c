"""The data the grouping algorithm reads and writes.

Everything here is plain data so the algorithm can run (and be tested or benchmarked) without
Django. Times are minutes since Monday 00:00 UTC on the cyclic week of
``apps.rounds.cyclic_week``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from apps.rounds.cyclic_week import Interval


@dataclass(frozen=True)
class Participant:
    """Someone to be placed in a cohort.

    ``availability`` holds ``(start, end)`` intervals; ``end`` may pass the end of the week, in
    which case the interval continues on Monday. ``experience`` is an optional level (higher
    means more experienced) that the solver tries to mix within cohorts.
    """

    id: str
    availability: list[Interval]
    experience: int | None = None


@dataclass(frozen=True)
class Facilitator:
    """Someone who leads up to ``max_cohorts`` cohorts, never two at overlapping times."""

    id: str
    availability: list[Interval]
    max_cohorts: int = 1


@dataclass(frozen=True)
class Cohort:
    """A group meeting weekly at ``start`` for the problem's ``meeting_minutes``."""

    facilitator: str
    start: int
    participants: list[str]


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


@dataclass
class Result:
    """The cohorts formed, who was left out and why, and figures about the run."""

    cohorts: list[Cohort]
    unplaced: list[Unplaced]
    stats: dict[str, object] = field(default_factory=dict)
