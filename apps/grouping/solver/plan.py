"""A solution in index form, and the repairs both the greedy and the solver rely on.

A ``Plan`` says which facilitators open a new cohort at which start and which start each
participant goes to. ``settle`` makes it feasible (every new cohort can reach ``min_size``)
and hands people out optimally for those openings; ``open_more`` opens cohorts that people
left out could still fill; ``rebalance`` and ``consolidate`` close surplus cohorts to bring
sizes towards the target; ``polish`` runs them in turn. ``score`` ranks plans by the goals,
and ``penalty`` measures the secondary ones.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from .flow import assign
from .prepare import Instance

# Weights of the secondary goals, which only ever decide between plans that place the same
# people: sizes near the target (each facilitator's preferred size where they gave one),
# cohorts at their facilitators' preferred times, and cohorts spread over the days. A cohort
# outside its facilitator's preferred times costs as much as two sizes off by one.
BALANCE_WEIGHT = 4
PREFERENCE_WEIGHT = 8
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
        assignment = assign(instance, openings)
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


def score(instance: Instance, plan: Plan) -> tuple[int, int, int]:
    """``(priority people placed, placed, -penalty)``: larger is better, compared in order."""
    priority = sum(instance.priority[p] for p in plan.assignment)
    return priority, len(plan.assignment), -penalty(instance, plan)


def penalty(instance: Instance, plan: Plan) -> int:
    """The secondary goals' cost: sizes off target, dispreferred times, the busiest day.

    Sizes count, per start, how far the people there are from the sum of its cohorts'
    targets, which a balanced split makes the total distance of the sizes from them.
    """
    people = plan.people(instance.slots)
    target = [0] * instance.slots
    opened = plan.opened(instance.slots)
    for f, k in plan.openings:
        target[k] += instance.target_of[f]
    distance = 0
    for k in range(instance.slots):
        if opened[k] or people[k]:
            members, kept_target = instance.kept_load[k]
            distance += abs(people[k] + members - target[k] - kept_target)
    off = sum(instance.off_preference(f, k) for f, k in plan.openings)
    days = Counter(instance.minute(k) // 1440 for _, k in plan.openings)
    busiest = max(days.values(), default=0)
    return BALANCE_WEIGHT * distance + PREFERENCE_WEIGHT * off + DAY_SPREAD_WEIGHT * busiest


def rebalance(instance: Instance, plan: Plan) -> Plan:
    """Close cohorts where fewer, fuller cohorts bring sizes nearer their targets.

    Placement is untouched: a start keeps enough cohorts to hold everyone sent there. The
    most flexible facilitators are released first, as they are the likeliest to be useful
    elsewhere.
    """
    problem = instance.problem
    people = plan.people(instance.slots)
    by_start: dict[int, list[int]] = {}
    for f, k in sorted(plan.openings, key=lambda o: (len(instance.facilitator_starts[o[0]]), o)):
        by_start.setdefault(k, []).append(f)
    soft_people = Counter(k for p, k in plan.assignment.items() if instance.soft_at(p, k))
    keep: dict[int, int] = {}
    for k, leads in by_start.items():
        count = len(leads)
        if count < 2:
            continue
        n, room = people[k], instance.room[k]
        fits = [
            c
            for c in range(1, count + 1)
            if problem.min_size * c <= n <= problem.max_size * c + room
            and soft_people[k] <= instance.soft_cap * c + instance.soft_room[k]
        ]
        # The least flexible facilitators stay, so ``c`` cohorts aim at their targets.
        targets = [instance.target_of[f] for f in leads]
        best = min(fits, key=lambda c: (abs(n - sum(targets[:c])), c), default=count)
        if best < count:
            keep[k] = best
    if not keep:
        return plan
    openings = []
    for k, leads in by_start.items():
        openings += [(f, k) for f in leads[: keep.get(k, len(leads))]]
    return Plan(openings, plan.assignment)


def consolidate(instance: Instance, plan: Plan) -> Plan:
    """Close lone, under-filled cohorts whose members can all move to cohorts below target.

    Each member moves to another of their starts whose cohorts are still below their target
    size, so nobody is lost and sizes get closer to the targets on both sides; the freed
    facilitator may serve people left out. The emptiest cohorts are tried first. Starts with
    several cohorts are left to ``rebalance``.
    """
    opened = plan.opened(instance.slots)
    people = plan.people(instance.slots)
    target = [0] * instance.slots
    for f, k in plan.openings:
        target[k] += instance.target_of[f]
    seats = [max(0, t - n) for t, n in zip(target, people, strict=True)]
    members: defaultdict[int, list[int]] = defaultdict(list)
    for p, k in plan.assignment.items():
        members[k].append(p)
    assignment = dict(plan.assignment)
    closed: set[tuple[int, int]] = set()
    lonely = [o for o in plan.openings if opened[o[1]] == 1 and not instance.room[o[1]]]
    for f, k in sorted(lonely, key=lambda o: (people[o[1]], o)):
        if people[k] >= target[k]:
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
                if j != home and opened[j] and seats[j] > taken[j] and not instance.soft_at(p, j)
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


def round_relaxation(instance: Instance, leads: dict[tuple[int, int], float]) -> Plan:
    """A plan built from an LP optimum's fractional openings (see ``bound.relax``).

    Openings are taken in order of how much the LP uses them, as long as the facilitator is
    free, down to a threshold; ``polish`` then hands people out and opens more. Two
    thresholds are tried and the better plan kept: the LP's favourites only, or nearly
    everything it touches. On sparse rounds this lands within a few people of the optimum,
    well above the greedy.
    """
    ranked = sorted(
        ((value, key) for key, value in leads.items() if value > _ROUNDING_FLOORS[-1]),
        key=lambda item: (-item[0], item[1]),
    )
    plans = []
    for floor in _ROUNDING_FLOORS:
        schedule = Schedule(instance, [])
        openings = []
        for value, (f, k) in ranked:
            if value < floor:
                break
            if schedule.is_free(f, k):
                schedule.take(f, k)
                openings.append((f, k))
        plans.append(polish(instance, Plan(openings)))
    return max(plans, key=lambda plan: score(instance, plan))


# LP values from which an opening is taken when rounding, tried in turn.
_ROUNDING_FLOORS = (0.5, 0.2)
