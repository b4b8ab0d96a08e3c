"""Turn a ``Problem`` into indexed data the algorithms share, and rule out hopeless cases.

Cohorts that start at the same time are interchangeable for participants: anyone free then
can join any of them. So the algorithms decide *openings* (a facilitator leading a cohort
at a start) and which start each participant gets; ``arrange`` later splits the people at
each start into cohorts. This module finds, for every person, the starts they could use,
and repeatedly drops starts that can never hold a cohort (no free facilitator, or fewer than
``min_size`` possible participants), which also gives the reason for those left out early.

With ``soft`` (the second pass of the soft tier, see ``solver``) people may also use starts
whose meeting they miss a little of, or, if they gave only a time zone, starts inside the
default window; such starts are marked so that each cohort takes only a few of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from apps.rounds.cyclic_week import (
    MINUTES_PER_WEEK,
    covers,
    meeting_starts,
    normalise,
    overlap,
)

from .problem import Problem
from .soft import default_window, missed_minutes

NO_AVAILABILITY = "no availability given"
NO_FACILITATOR = "no shared slot with a facilitator"
FACILITATORS_BOOKED = "the facilitators who share a slot are already fully booked"
TOO_FEW_PEOPLE = "not enough other participants share a slot with a facilitator"

# People with the same usable starts, the same of them reached through the soft tier, and
# the same priority are interchangeable; the algorithms treat each such group as one.
GroupKey = tuple[tuple[int, ...], frozenset[int], bool]


def too_short_reason(meeting_minutes: int) -> str:
    """Reason for someone whose availability never holds a whole meeting."""
    return f"no available time fits a whole {meeting_minutes}-minute meeting"


@dataclass
class KeptCohort:
    """A fixed cohort in index form; ``room`` is how many newcomers it may still take.

    ``soft_room`` is how many of those may come through the soft tier.
    """

    facilitator: int
    start_minute: int
    start: int | None
    members: list[int]
    room: int
    soft_room: int = 0


@dataclass
class Instance:
    """Indexed view of a problem; participants and facilitators are referred to by position.

    ``participant_starts[p]`` lists the starts participant ``p`` can still use (empty for
    people already in a kept cohort or ruled out, the latter with ``reasons[p]``), and
    ``facilitator_starts[f]`` the starts at which facilitator ``f`` can open a new cohort.
    ``soft_starts[p]`` holds those of ``p``'s starts that only the soft tier allows, with
    the minutes missed there in ``missed``; ``soft_cap`` is how many such people a new
    cohort may take (zero outside the soft pass).
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
    soft_starts: list[frozenset[int]] = field(default_factory=list)
    missed: dict[tuple[int, int], int] = field(default_factory=dict)
    assumed: frozenset[int] = frozenset()
    soft_cap: int = 0

    @cached_property
    def candidates(self) -> list[int]:
        """Participants who might still be placed in a new or kept cohort."""
        return [p for p, starts in enumerate(self.participant_starts) if starts]

    @cached_property
    def priority(self) -> list[bool]:
        return [person.priority for person in self.problem.participants]

    @cached_property
    def target_of(self) -> list[int]:
        """Each facilitator's preferred cohort size, or the round's target."""
        return [
            f.preferred_size if f.preferred_size is not None else self.problem.target_size
            for f in self.problem.facilitators
        ]

    @cached_property
    def preferred(self) -> list[frozenset[int] | None]:
        """For each facilitator, the starts inside their preferred times (None: no wish)."""
        meeting = self.problem.meeting_minutes
        return [
            frozenset(k for k in starts if covers(f.preferred_times, self.minute(k), meeting))
            if f.preferred_times
            else None
            for f, starts in zip(self.problem.facilitators, self.facilitator_starts, strict=True)
        ]

    def off_preference(self, f: int, k: int) -> bool:
        """Whether facilitator ``f`` leading at ``k`` misses one of their preferred times."""
        wished = self.preferred[f]
        return wished is not None and k not in wished

    @cached_property
    def kept_load(self) -> list[tuple[int, int]]:
        """For each start: members of the kept cohorts there that take newcomers, and the
        sum of those cohorts' target sizes."""
        load = [(0, 0)] * self.slots
        for cohort in self.kept:
            if cohort.start is not None and cohort.room:
                members, target = load[cohort.start]
                load[cohort.start] = (
                    members + len(cohort.members),
                    target + self.target_of[cohort.facilitator],
                )
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
    def soft_room(self) -> list[int]:
        """For each start, how many soft members the kept cohorts there may still take."""
        room = [0] * self.slots
        for cohort in self.kept:
            if cohort.start is not None:
                room[cohort.start] += cohort.soft_room
        return room

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

    def soft_at(self, p: int, k: int) -> bool:
        """Whether participant ``p`` could only join a cohort at ``k`` through the soft tier."""
        return bool(self.soft_starts) and k in self.soft_starts[p]

    def groups(self, people, usable=None) -> dict[GroupKey, list[int]]:
        """``people`` by interchangeable group, keeping only the starts ``usable`` allows.

        People with no usable start are left out.
        """
        found: dict[GroupKey, list[int]] = {}
        for p in people:
            starts = self.participant_starts[p]
            options = tuple(k for k in starts if usable(k)) if usable else starts
            if options:
                soft = (
                    self.soft_starts[p].intersection(options) if self.soft_starts else frozenset()
                )
                found.setdefault((options, frozenset(soft), self.priority[p]), []).append(p)
        return found

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


def prepare(problem: Problem, *, soft: bool = False, fill: list[bool] | None = None) -> Instance:
    """Index ``problem``, apply its kept cohorts and prune starts that cannot hold a cohort.

    With ``soft`` (only when ``problem.soft`` is set) the soft tier's starts are added for
    everyone outside the kept cohorts. ``fill`` says for each kept cohort whether it may
    take newcomers, when that differs from cohort to cohort (``fill_fixed_cohorts`` otherwise).
    """
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

    if fill is None:
        fill = [problem.fill_fixed_cohorts] * len(problem.fixed_cohorts)
    kept, busy = _kept_cohorts(problem, participant_index, facilitator_index, soft=soft, fill=fill)
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
    options = fits
    if soft and problem.soft is not None:
        options = _add_soft_starts(instance, availability, fits, in_kept)
    useful = _prune(instance, options, in_kept)
    for p, starts in enumerate(useful):
        instance.participant_starts[p] = starts
    if instance.soft_starts:
        instance.soft_starts = [
            instance.soft_starts[p].intersection(starts) for p, starts in enumerate(useful)
        ]
    _explain_ruled_out(instance, availability, fits, facilitator_fits, in_kept)
    return instance


def _kept_cohorts(
    problem: Problem,
    participant_index: dict[str, int],
    facilitator_index: dict[str, int],
    *,
    soft: bool,
    fill: list[bool],
) -> tuple[list[KeptCohort], list[list[int]]]:
    """Index the kept cohorts and list the minutes at which each facilitator is busy.

    In the soft pass a kept cohort may take soft members up to the tier's limit, less those
    of its members who already cannot attend the whole meeting.
    """
    busy: list[list[int]] = [[] for _ in problem.facilitators]
    kept = []
    for cohort, fillable in zip(problem.fixed_cohorts, fill, strict=True):
        f = facilitator_index[cohort.facilitator]
        busy[f].append(cohort.start)
        on_grid = cohort.start % problem.slot_minutes == 0
        room = problem.max_size - len(cohort.participants)
        room = max(0, room) if fillable and on_grid else 0
        soft_room = 0
        if soft and problem.soft is not None and room:
            already = sum(
                not covers(
                    problem.participants[participant_index[p]].availability,
                    cohort.start,
                    problem.meeting_minutes,
                )
                for p in cohort.participants
            )
            soft_room = min(room, max(0, problem.soft.members_per_cohort - already))
        kept.append(
            KeptCohort(
                facilitator=f,
                start_minute=cohort.start,
                start=cohort.start // problem.slot_minutes if on_grid else None,
                members=[participant_index[p] for p in cohort.participants],
                room=room,
                soft_room=soft_room,
            )
        )
    return kept, busy


def _add_soft_starts(
    instance: Instance,
    availability: list[list[tuple[int, int]]],
    fits: list[list[int]],
    in_kept: set[int],
) -> list[list[int]]:
    """Everyone's starts with the soft tier's added, recording what each soft one misses."""
    problem = instance.problem
    tier = problem.soft
    assert tier is not None
    meeting = problem.meeting_minutes
    # Only starts where a cohort could meet at all are worth measuring.
    somewhere = sorted(
        {k for starts in instance.facilitator_starts for k in starts}
        | {
            cohort.start
            for cohort in instance.kept
            if cohort.start is not None and cohort.soft_room
        }
    )
    options: list[list[int]] = []
    soft_starts: list[frozenset[int]] = []
    assumed = set()
    for p, person in enumerate(problem.participants):
        own = availability[p]
        if p in in_kept:
            options.append([])
            soft_starts.append(frozenset())
            continue
        if not own and tier.default_window and person.time_zone and tier.week_of:
            own = default_window(person.time_zone, tier.week_of)
            assumed.add(p)
        strict = set() if p in assumed else set(fits[p])
        soft = set()
        for k in somewhere:
            if k in strict:
                continue
            missed = missed_minutes(own, instance.minute(k), meeting)
            if missed <= tier.missed_minutes and (missed or p in assumed):
                soft.add(k)
                instance.missed[p, k] = missed
        options.append(sorted(strict | soft))
        soft_starts.append(frozenset(soft))
    instance.soft_starts = soft_starts
    instance.assumed = frozenset(assumed)
    instance.soft_cap = tier.members_per_cohort
    return options


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
