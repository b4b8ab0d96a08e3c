"""A fast greedy grouping: the baseline, and one of the starting points handed to the solver.

Priority people are served first, then everyone else; within each, people with the fewest
usable starts come first. Each of them opens a new cohort at
one of their starts that still has at least ``min_size`` people waiting and a free
facilitator, together with the ``min_size - 1`` most constrained others waiting there; the
facilitator chosen is the one with the fewest usable starts. Taking only ``min_size`` keeps
people free to make up other cohorts; the min-cost flow in ``settle`` tops cohorts up
towards the target afterwards, and ``polish`` merges surplus cohorts and opens new ones for
whoever is still left out.

Two rules pick the start, and the better result (by ``score``) wins: the start with the
most people waiting, which keeps large pools together and places the most people when
facilitators or people are scarce; and the start on the day with the fewest cohorts so far,
which spreads cohorts over the week when people are plentiful.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

from .arrange import to_result
from .io import check_problem
from .mixing import mix_experience
from .plan import Plan, Schedule, polish, score
from .prepare import Instance, prepare
from .problem import Problem, Result

# Given the people waiting and the cohorts on the start's day, a sort key (lowest wins).
StartRule = Callable[[int, int], tuple[int, int]]


def _most_waiting(waiting: int, day_load: int) -> tuple[int, int]:
    return (-waiting, day_load)


def _quietest_day(waiting: int, day_load: int) -> tuple[int, int]:
    return (day_load, -waiting)


RULES: tuple[StartRule, ...] = (_most_waiting, _quietest_day)


def greedy(problem: Problem) -> Result:
    """Group ``problem`` with the greedy alone (no CP-SAT): fast, and a baseline to beat."""
    check_problem(problem)
    started = time.monotonic()
    instance = prepare(problem)
    plan = mix_experience(instance, greedy_plan(instance))
    return to_result(instance, plan, time.monotonic() - started)


def greedy_plan(instance: Instance) -> Plan:
    """The best greedy solution; feasible, with an optimal assignment for its openings.

    Every rule is always tried, however long it takes, so that the result never depends
    on the machine's speed.
    """
    plans = [polish(instance, Plan(_open_cohorts(instance, rule))) for rule in RULES]
    return max(plans, key=lambda plan: score(instance, plan))


def _open_cohorts(instance: Instance, rule: StartRule) -> list[tuple[int, int]]:
    """Open cohorts for the most constrained people first, as described in the module.

    Nobody is ever unplaced and no facilitator ever freed here, so the lists of people
    waiting and facilitators free at each start only shrink: they are pruned from the front
    as they go stale, which keeps the whole pass close to linear in the input.
    """
    problem = instance.problem
    starts_of = instance.participant_starts

    def facilitator_flexibility(f: int) -> tuple[int, int]:
        return (len(instance.facilitator_starts[f]), f)

    def day(k: int) -> int:
        return instance.minute(k) // 1440

    order = sorted(
        instance.candidates, key=lambda p: (not instance.priority[p], len(starts_of[p]), p)
    )
    rank = {p: i for i, p in enumerate(order)}
    waiting_at = [
        deque(sorted(people, key=rank.__getitem__)) for people in instance.participants_at
    ]
    waiting = [len(people) for people in waiting_at]
    free_at = [deque(sorted(fs, key=facilitator_flexibility)) for fs in instance.facilitators_at]
    schedule = Schedule(instance, [])
    day_load = [0] * 7
    placed: set[int] = set()
    openings: list[tuple[int, int]] = []

    def first_free(k: int) -> int | None:
        while free_at[k] and not schedule.is_free(free_at[k][0], k):
            free_at[k].popleft()
        return free_at[k][0] if free_at[k] else None

    for p in order:
        if p in placed:
            continue
        options = sorted(
            (k for k in starts_of[p] if waiting[k] >= problem.min_size),
            key=lambda k: (rule(waiting[k], day_load[day(k)]), k),
        )
        choice = next(((k, f) for k in options if (f := first_free(k)) is not None), None)
        if choice is None:
            continue
        k, f = choice
        schedule.take(f, k)
        openings.append((f, k))
        day_load[day(k)] += 1
        members = [p]
        queue = waiting_at[k]
        while queue and queue[0] in placed:
            queue.popleft()
        for q in queue:
            if len(members) == problem.min_size:
                break
            if q != p and q not in placed:
                members.append(q)
        for q in members:
            placed.add(q)
            for j in starts_of[q]:
                waiting[j] -= 1
    return openings
