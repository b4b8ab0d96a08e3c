"""An upper bound on how many participants any valid grouping can place.

It is the linear-programming relaxation of the exact start-level model (see ``solver``),
solved with GLOP, after the pruning in ``prepare``. People with the same usable starts are
interchangeable, so they share one variable per start, which keeps the LP small. Members of
kept cohorts are counted as placed.
"""

from __future__ import annotations

import math
from collections import Counter

from ortools.linear_solver import pywraplp

from .prepare import Instance, prepare
from .problem import Problem


def upper_bound(problem: Problem) -> int:
    """At most this many participants can be in cohorts, whatever the algorithm."""
    return instance_bound(prepare(problem))


def instance_bound(instance: Instance) -> int:
    """``upper_bound`` for an already prepared problem."""
    problem = instance.problem
    kept_members = sum(len(cohort.members) for cohort in instance.kept)
    groups = Counter(instance.participant_starts[p] for p in instance.candidates)
    if not groups:
        return kept_members

    solver = pywraplp.Solver.CreateSolver("GLOP")
    people_at: list[list[pywraplp.Variable]] = [[] for _ in range(instance.slots)]
    placed = []
    for starts, size in groups.items():
        shares = [solver.NumVar(0, size, "") for _ in starts]
        solver.Add(solver.Sum(shares) <= size)
        for k, share in zip(starts, shares, strict=True):
            people_at[k].append(share)
        placed.extend(shares)

    cohorts_at: list[list[pywraplp.Variable]] = [[] for _ in range(instance.slots)]
    for f, starts in enumerate(instance.facilitator_starts):
        leads = {k: solver.NumVar(0, 1, "") for k in starts}
        if leads:
            solver.Add(solver.Sum(leads.values()) <= instance.facilitator_capacity[f])
        for k, lead in leads.items():
            cohorts_at[k].append(lead)
        for clique in point_cliques(instance, starts):
            solver.Add(solver.Sum(leads[k] for k in clique) <= 1)

    for k in range(instance.slots):
        if not people_at[k]:
            continue
        people = solver.Sum(people_at[k])
        cohorts = solver.Sum(cohorts_at[k])
        solver.Add(people <= problem.max_size * cohorts + instance.room[k])
        solver.Add(people >= problem.min_size * cohorts)

    solver.Maximize(solver.Sum(placed))
    if solver.Solve() != pywraplp.Solver.OPTIMAL:
        raise RuntimeError("the bounding linear program did not solve to optimality")
    return kept_members + math.floor(solver.Objective().Value() + 1e-6)


def point_cliques(instance: Instance, starts: tuple[int, ...]) -> list[list[int]]:
    """Groups of a facilitator's starts that all overlap the beginning of one of them.

    Two meetings overlap exactly when one contains the other's beginning, so forbidding two
    cohorts in each group forbids every overlap.
    """
    available = set(starts)
    slot, meeting = instance.problem.slot_minutes, instance.problem.meeting_minutes
    cliques = []
    for k in starts:
        clique = [k] + [
            (k - d) % instance.slots
            for d in range(1, min(instance.slots, -(-meeting // slot)))
            if (k - d) % instance.slots in available
        ]
        if len(clique) > 1:
            cliques.append(clique)
    return cliques
