"""Turn a ``Problem`` into indexed data the algorithms share, and rule out hopeless cases.

Cohorts that start at the same time are interchangeable for participants: anyone free then
can join any of them. So the algorithms decide *openings* (a facilitator leading a cohort
at a start) and which start each participant gets; ``arrange`` later splits the people at
each start into cohorts. This module finds, for every person, the starts they could use,
and repeatedly drops starts that can never hold a cohort (no free facilitator, or fewer than
``min_size`` possible participants), which also gives the reason for those left out early.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from apps.rounds.cyclic_week import MINUTES_PER_WEEK, meeting_starts, normalise, overlap

from .problem import Problem

NO_AVAILABILITY = "no availability given"
NO_FACILITATOR = "no shared slot with a facilitator"
FACILITATORS_BOOKED = "the facilitators who share a slot are already fully booked"
TOO_FEW_PEOPLE = "not enough other participants share a slot with a facilitator"


def too_short_reason(meeting_minutes: int) -> str:
    """Reason for someone whose availability never holds a whole meeting."""
    return f"no available time fits a whole {meeting_minutes}-minute meeting"


@dataclass
class KeptCohort:
    """A fixed cohort in index form; ``room`` is how many newcomers it may still take."""

    facilitator: int
    start_minute: int
    start: int | None
    members: list[int]
    room: int


@dataclass
class Instance:
    """Indexed view of a problem; participants and facilitators are referred to by position.

    ``participant_starts[p]`` lists the starts participant ``p`` can still use (empty for
    people already in a kept cohort or ruled out, the latter with ``reasons[p]``), and
    ``facilitator_starts[f]`` the starts at which facilitator ``f`` can open a new cohort.
    """

    problem: Problem
    slots: int
    conflict_offsets: list[int]
    participant_starts: list[tuple[int, ...]]
    facilitator_starts: list[tuple[int, ...]]
    facilitator_capacity: list[int]
    kept: list[KeptCohort]
    room: list[int]
    reasons: dict[int, str] = field(default_factory=dict)

    @cached_property
    def candidates(self) -> list[int]:
        """Participants who might still be placed in a new or kept cohort."""
        return [p for p, starts in enumerate(self.participant_starts) if starts]

    @cached_property
    def kept_load(self) -> list[tuple[int, int]]:
        """For each start, members and number of the kept cohorts there that take newcomers."""
        load = [(0, 0)] * self.slots
        for cohort in self.kept:
            if cohort.start is not None and cohort.room:
                members, count = load[cohort.start]
                load[cohort.start] = (members + len(cohort.members), count + 1)
        return load

    @cached_property
    def kept_shortfall(self) -> list[int]:
        """For each start, how many newcomers the kept cohorts there need to reach min_size."""
        shortfall = [0] * self.slots
        for cohort in self.kept:
            if cohort.start is not None and cohort.room:
                missing = self.problem.min_size - len(cohort.members)
                shortfall[cohort.start] += max(0, min(missing, cohort.room))
        return shortfall

    @cached_property
    def conflict_set(self) -> frozenset[int]:
        """``conflict_offsets`` as a set, for quick membership tests."""
        return frozenset(self.conflict_offsets)

    def clash(self, first: int, second: int) -> bool:
        """Whether meetings at starts ``first`` and ``second`` overlap (or coincide)."""
        return first == second or (second - first) % self.slots in self.conflict_set

    def minute(self, start: int) -> int:
        """The minute of the week at which slot ``start`` begins."""
        return start * self.problem.slot_minutes

    @cached_property
    def participants_at(self) -> list[list[int]]:
        """For each start, the candidates who can meet then (not to be changed)."""
        return self._by_start(self.participant_starts)

    @cached_property
    def facilitators_at(self) -> list[list[int]]:
        """For each start, the facilitators who can open a new cohort then (not to be changed)."""
        return self._by_start(self.facilitator_starts)

    def _by_start(self, starts_of: list[tuple[int, ...]]) -> list[list[int]]:
        """Turn each person's list of starts into each start's list of people."""
        table: list[list[int]] = [[] for _ in range(self.slots)]
        for person, starts in enumerate(starts_of):
            for k in starts:
                table[k].append(person)
        return table


def prepare(problem: Problem) -> Instance:
    """Index ``problem``, apply its kept cohorts and prune starts that cannot hold a cohort."""
    slots = MINUTES_PER_WEEK // problem.slot_minutes
    meeting = problem.meeting_minutes
    offsets = [d for d in range(1, slots) if overlap(0, d * problem.slot_minutes, meeting)]
    participant_index = {p.id: i for i, p in enumerate(problem.participants)}
    facilitator_index = {f.id: i for i, f in enumerate(problem.facilitators)}

    availability = [normalise(p.availability) for p in problem.participants]
    fits = [meeting_starts(a, problem.slot_minutes, meeting) for a in availability]
    facilitator_fits = [
        meeting_starts(f.availability, problem.slot_minutes, meeting) for f in problem.facilitators
    ]

    kept, busy = _kept_cohorts(problem, participant_index, facilitator_index)
    room = [0] * slots
    for cohort in kept:
        if cohort.start is not None:
            room[cohort.start] += cohort.room
    in_kept = {p for cohort in kept for p in cohort.members}

    capacity = [max(0, f.max_cohorts - len(busy[i])) for i, f in enumerate(problem.facilitators)]
    openable = [
        tuple(
            k
            for k in starts
            if not any(overlap(k * problem.slot_minutes, m, meeting) for m in busy[f])
        )
        if capacity[f]
        else ()
        for f, starts in enumerate(facilitator_fits)
    ]

    instance = Instance(
        problem=problem,
        slots=slots,
        conflict_offsets=offsets,
        participant_starts=[() for _ in problem.participants],
        facilitator_starts=openable,
        facilitator_capacity=capacity,
        kept=kept,
        room=room,
    )
    useful = _prune(instance, fits, in_kept)
    for p, starts in enumerate(useful):
        instance.participant_starts[p] = starts
    _explain_ruled_out(instance, availability, fits, facilitator_fits, in_kept)
    return instance


def _kept_cohorts(
    problem: Problem, participant_index: dict[str, int], facilitator_index: dict[str, int]
) -> tuple[list[KeptCohort], list[list[int]]]:
    """Index the kept cohorts and list the minutes at which each facilitator is busy."""
    busy: list[list[int]] = [[] for _ in problem.facilitators]
    kept = []
    for cohort in problem.fixed_cohorts:
        f = facilitator_index[cohort.facilitator]
        busy[f].append(cohort.start)
        on_grid = cohort.start % problem.slot_minutes == 0
        room = problem.max_size - len(cohort.participants)
        kept.append(
            KeptCohort(
                facilitator=f,
                start_minute=cohort.start,
                start=cohort.start // problem.slot_minutes if on_grid else None,
                members=[participant_index[p] for p in cohort.participants],
                room=max(0, room) if problem.fill_fixed_cohorts and on_grid else 0,
            )
        )
    return kept, busy


def _prune(instance: Instance, fits: list[list[int]], in_kept: set[int]) -> list[tuple[int, ...]]:
    """Drop starts that cannot hold a cohort until every remaining start can.

    A start stays usable for newcomers if a kept cohort there has room, or if a facilitator
    can open there and at least ``min_size`` remaining people could meet then. Dropping a
    start can leave people without starts, which lowers the counts elsewhere, so this repeats
    until nothing changes.
    """
    min_size = instance.problem.min_size
    can_open = [False] * instance.slots
    for starts in instance.facilitator_starts:
        for k in starts:
            can_open[k] = True
    usable = [can_open[k] or instance.room[k] > 0 for k in range(instance.slots)]
    starts_of = [
        () if p in in_kept else tuple(k for k in fits[p] if usable[k]) for p in range(len(fits))
    ]
    while True:
        count = [0] * instance.slots
        for starts in starts_of:
            for k in starts:
                count[k] += 1
        dropped = [
            usable[k] and instance.room[k] == 0 and count[k] < min_size
            for k in range(instance.slots)
        ]
        if not any(dropped):
            return starts_of
        for k in range(instance.slots):
            if dropped[k]:
                usable[k] = False
        starts_of = [tuple(k for k in starts if usable[k]) for starts in starts_of]


def _explain_ruled_out(
    instance: Instance,
    availability: list[list[tuple[int, int]]],
    fits: list[list[int]],
    facilitator_fits: list[list[int]],
    in_kept: set[int],
) -> None:
    """Record why each participant without a usable start cannot be placed at all."""
    anyone = [False] * instance.slots
    for starts in facilitator_fits:
        for k in starts:
            anyone[k] = True
    for cohort in instance.kept:
        if cohort.start is not None:
            anyone[cohort.start] = True
    free = [False] * instance.slots
    for starts in instance.facilitator_starts:
        for k in starts:
            free[k] = True
    for k in range(instance.slots):
        free[k] = free[k] or instance.room[k] > 0

    for p, starts in enumerate(instance.participant_starts):
        if starts or p in in_kept:
            continue
        if not availability[p]:
            reason = NO_AVAILABILITY
        elif not fits[p]:
            reason = too_short_reason(instance.problem.meeting_minutes)
        elif not any(anyone[k] for k in fits[p]):
            reason = NO_FACILITATOR
        elif not any(free[k] for k in fits[p]):
            reason = FACILITATORS_BOOKED
        else:
            reason = TOO_FEW_PEOPLE
        instance.reasons[p] = reason
