"""A solution in index form, and the repairs both the greedy and the solver rely on.

A ``Plan`` says which facilitators open a new cohort at which start and which start each
participant goes to. ``settle`` makes it feasible (every new cohort can reach ``min_size``)
and hands people out optimally for those openings; ``open_more`` opens cohorts that people
left out could still fill; ``rebalance`` and ``consolidate`` close surplus cohorts to bring
sizes towards the target; ``polish`` runs them in turn. ``score`` ranks plans by the goals.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from .flow import assign
from .prepare import Instance

# Weights of the secondary goals (sizes near the target, then cohorts spread over the days),
# which only ever decide between plans that place the same number of people.
BALANCE_WEIGHT = 4
DAY_SPREAD_WEIGHT = 1


@dataclass
class Plan:
    """Openings as ``(facilitator, start)`` pairs and a start for each placed participant."""

    openings: list[tuple[int, int]]
    assignment: dict[int, int] = field(default_factory=dict)

    def opened(self, slots: int) -> list[int]:
        """The number of new cohorts at each start."""
        counts = [0] * slots
        for _, k in self.openings:
            counts[k] += 1
        return counts

    def people(self, slots: int) -> list[int]:
        """The number of participants sent to each start."""
        counts = [0] * slots
        for k in self.assignment.values():
            counts[k] += 1
        return counts


class Schedule:
    """Which starts each facilitator already leads, to tell who is still free when."""

    def __init__(self, instance: Instance, openings: list[tuple[int, int]]) -> None:
        self.instance = instance
        self.allowed = [frozenset(starts) for starts in instance.facilitator_starts]
        self.leads: list[list[int]] = [[] for _ in instance.facilitator_starts]
        for f, k in openings:
            self.leads[f].append(k)

    def is_free(self, f: int, k: int) -> bool:
        """Whether facilitator ``f`` could take one more cohort at start ``k``."""
        return (
            k in self.allowed[f]
            and len(self.leads[f]) < self.instance.facilitator_capacity[f]
            and not any(self.instance.clash(k, j) for j in self.leads[f])
        )

    def free_at(self, k: int, among: list[int]) -> list[int]:
        """Facilitators from ``among`` who are free at start ``k``."""
        return [f for f in among if self.is_free(f, k)]

    def take(self, f: int, k: int) -> None:
        """Record that facilitator ``f`` now leads a cohort at start ``k``."""
        self.leads[f].append(k)


def settle(instance: Instance, plan: Plan) -> Plan:
    """Assign people optimally and close cohorts that cannot reach ``min_size``, until stable.

    When a start ends up short, the most flexible facilitators there are released, since they
    are the likeliest to be useful elsewhere.
    """
    min_size = instance.problem.min_size
    openings = list(plan.openings)
    while True:
        opened = Plan(openings).opened(instance.slots)
        assignment = assign(instance, opened)
        people = Plan(openings, assignment).people(instance.slots)
        keep = {
            k: min(opened[k], people[k] // min_size)
            for k in range(instance.slots)
            if people[k] < min_size * opened[k]
        }
        if not keep:
            return Plan(openings, assignment)
        by_flexibility = sorted(openings, key=lambda o: len(instance.facilitator_starts[o[0]]))
        kept: list[tuple[int, int]] = []
        for f, k in by_flexibility:
            if k not in keep:
                kept.append((f, k))
            elif keep[k] > 0:
                keep[k] -= 1
                kept.append((f, k))
        openings = kept


def open_more(instance: Instance, plan: Plan) -> Plan:
    """Open new cohorts at starts where left-out people could meet with a free facilitator.

    A new cohort needs ``min_size`` people: those left out who can meet then, plus members
    that other cohorts can spare (beyond their own ``min_size``) and who can also meet then.
    The pools are booked as cohorts are opened so one spare person does not justify several
    cohorts; ``settle`` then moves people for real and closes any cohort that stays short.
    """
    problem = instance.problem
    facilitators_at = instance.facilitators_at
    schedule = Schedule(instance, plan.openings)
    opened = plan.opened(instance.slots)
    spare = [
        max(0, n - problem.min_size * c)
        for n, c in zip(plan.people(instance.slots), opened, strict=True)
    ]
    waiting: dict[int, list[int]] = {}
    movable: defaultdict[int, Counter[int]] = defaultdict(Counter)
    for p in instance.candidates:
        home = plan.assignment.get(p)
        for k in instance.participant_starts[p]:
            if home is None:
                waiting.setdefault(k, []).append(p)
            elif spare[home]:
                movable[k][home] += 1
    reserved: set[int] = set()
    openings = list(plan.openings)
    for k in sorted(waiting, key=lambda k: (-len(waiting[k]), k)):
        while True:
            free = [p for p in waiting[k] if p not in reserved]
            if not free:
                break
            helpers = {j: min(n, spare[j]) for j, n in movable[k].items()}
            missing = problem.min_size - len(free)
            if missing > sum(helpers.values()):
                break
            facilitators = schedule.free_at(k, facilitators_at[k])
            if not facilitators:
                break
            f = min(facilitators, key=lambda f: (len(instance.facilitator_starts[f]), f))
            schedule.take(f, k)
            openings.append((f, k))
            reserved.update(free[: problem.min_size])
            for j, n in helpers.items():
                if missing <= 0:
                    break
                used = min(n, missing)
                spare[j] -= used
                missing -= used
    return Plan(openings, plan.assignment)


def score(instance: Instance, plan: Plan) -> tuple[int, int]:
    """``(placed, -penalty)``: larger is better, compared placement first.

    The penalty adds, per start, how far the people there are from ``target_size`` per
    cohort (which a balanced split makes the total distance of the sizes from the target),
    and the number of new cohorts on the busiest UTC day.
    """
    target = instance.problem.target_size
    people = plan.people(instance.slots)
    opened = plan.opened(instance.slots)
    distance = 0
    for k in range(instance.slots):
        if opened[k] or people[k]:
            members, kept = instance.kept_load[k]
            distance += abs(people[k] + members - target * (opened[k] + kept))
    days = Counter(instance.minute(k) // 1440 for _, k in plan.openings)
    busiest = max(days.values(), default=0)
    return len(plan.assignment), -(BALANCE_WEIGHT * distance + DAY_SPREAD_WEIGHT * busiest)


def rebalance(instance: Instance, plan: Plan) -> Plan:
    """Close cohorts where fewer, fuller cohorts bring sizes nearer the target.

    Placement is untouched: a start keeps enough cohorts to hold everyone sent there. The
    most flexible facilitators are released first, as they are the likeliest to be useful
    elsewhere.
    """
    problem = instance.problem
    people = plan.people(instance.slots)
    opened = plan.opened(instance.slots)
    keep: dict[int, int] = {}
    for k, count in enumerate(opened):
        if count < 2:
            continue
        n, room = people[k], instance.room[k]
        fits = [
            c
            for c in range(1, count + 1)
            if problem.min_size * c <= n <= problem.max_size * c + room
        ]
        best = min(fits, key=lambda c: (abs(n - problem.target_size * c), c), default=count)
        if best < count:
            keep[k] = best
    if not keep:
        return plan
    openings = []
    for f, k in sorted(plan.openings, key=lambda o: (len(instance.facilitator_starts[o[0]]), o)):
        if k not in keep:
            openings.append((f, k))
        elif keep[k] > 0:
            keep[k] -= 1
            openings.append((f, k))
    return Plan(openings, plan.assignment)


def consolidate(instance: Instance, plan: Plan) -> Plan:
    """Close lone, under-filled cohorts whose members can all move to cohorts below target.

    Each member moves to another of their starts whose cohorts are still below the target
    size, so nobody is lost and sizes get closer to the target on both sides; the freed
    facilitator may serve people left out. The emptiest cohorts are tried first. Starts with
    several cohorts are left to ``rebalance``.
    """
    problem = instance.problem
    target = problem.target_size
    opened = plan.opened(instance.slots)
    people = plan.people(instance.slots)
    seats = [max(0, target * c - n) for c, n in zip(opened, people, strict=True)]
    members: defaultdict[int, list[int]] = defaultdict(list)
    for p, k in plan.assignment.items():
        members[k].append(p)
    assignment = dict(plan.assignment)
    closed: set[tuple[int, int]] = set()
    lonely = [o for o in plan.openings if opened[o[1]] == 1 and not instance.room[o[1]]]
    for f, k in sorted(lonely, key=lambda o: (people[o[1]], o)):
        if people[k] >= target:
            continue
        moves = _find_seats(instance, members[k], k, seats, opened)
        if moves is None:
            continue
        for p, j in moves.items():
            assignment[p] = j
            members[j].append(p)
            people[j] += 1
        people[k] = seats[k] = opened[k] = 0
        members[k] = []
        closed.add((f, k))
    if not closed:
        return plan
    return Plan([o for o in plan.openings if o not in closed], assignment)


def _find_seats(
    instance: Instance, people: list[int], home: int, seats: list[int], opened: list[int]
) -> dict[int, int] | None:
    """A seat below target elsewhere for each of ``people``, taking it; None if any lacks one.

    The least flexible people choose first. Seats are only taken when everyone has one.
    """
    moves: dict[int, int] = {}
    taken: Counter[int] = Counter()
    for p in sorted(people, key=lambda p: len(instance.participant_starts[p])):
        j = next(
            (
                j
                for j in instance.participant_starts[p]
                if j != home and opened[j] and seats[j] > taken[j]
            ),
            None,
        )
        if j is None:
            return None
        moves[p] = j
        taken[j] += 1
    for j, n in taken.items():
        seats[j] -= n
    return moves


def polish(instance: Instance, plan: Plan, rounds: int = 5) -> Plan:
    """Settle the plan, bring sizes towards the target, and open cohorts for the left-out."""
    plan = settle(instance, plan)
    for _ in range(rounds):
        tidier = rebalance(instance, consolidate(instance, plan))
        if tidier is not plan:
            plan = settle(instance, tidier)
        more = open_more(instance, plan)
        if len(more.openings) == len(plan.openings):
            break
        plan = settle(instance, more)
    return plan
