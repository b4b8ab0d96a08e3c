"""Upper bounds on how many participants any valid grouping can place, from linear programs.

The bound is the linear-programming relaxation of the exact start-level model (see
``model``), solved with GLOP after the pruning in ``prepare``. People with the same usable
starts are interchangeable, so they share one variable per start, which keeps the LP small.
Members of kept cohorts are counted as placed.

The plain relaxation is loose where a facilitator could "half lead" a cohort, letting a
sliver of a cohort take a whole person. The *tight* one adds, for every group smaller than
``max_size``, that no more of its people go to a start than its size times the cohorts
there: true of every grouping (with no cohort, nobody goes; with one, at most the group),
but cutting those slivers away. On small rounds with scarce facilitators that closes most
of the gap: on the shared ``small-sparse-200`` round the plain bound is 190 and the tight one
184, the optimum. It costs more to solve (seconds at 1,000 participants, far longer at
5,000), so the solver only asks for it on models it solves exactly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ortools.linear_solver import pywraplp

from .prepare import Instance, prepare
from .problem import Problem

# Sums below this are rounding noise of the LP solver, not a person.
_EPSILON = 1e-6


@dataclass(frozen=True)
class Relaxation:
    """An LP optimum: the bound it proves and how much each ``(facilitator, start)`` leads."""

    bound: int
    leads: dict[tuple[int, int], float]


def upper_bound(problem: Problem) -> int:
    """At most this many participants can be in cohorts, whatever the algorithm (tight LP)."""
    return relax(prepare(problem), tight=True).bound


def plain_bound(problem: Problem) -> int:
    """The plain LP bound, weaker than ``upper_bound``; kept to compare the two."""
    return relax(prepare(problem), tight=False).bound


def relax(instance: Instance, *, tight: bool) -> Relaxation:
    """Solve the relaxation of ``instance``: its bound and the fractional openings."""
    problem = instance.problem
    kept_members = sum(len(cohort.members) for cohort in instance.kept)
    groups = instance.groups(instance.candidates)
    if not groups:
        return Relaxation(kept_members, {})

    solver = pywraplp.Solver.CreateSolver("GLOP")
    cohorts_at: list[list[pywraplp.Variable]] = [[] for _ in range(instance.slots)]
    leads: dict[tuple[int, int], pywraplp.Variable] = {}
    for f, starts in enumerate(instance.facilitator_starts):
        own = {k: solver.NumVar(0, 1, "") for k in starts}
        if own:
            solver.Add(solver.Sum(own.values()) <= instance.facilitator_capacity[f])
        for k, lead in own.items():
            cohorts_at[k].append(lead)
            leads[f, k] = lead
        for clique in point_cliques(instance, starts):
            solver.Add(solver.Sum(own[k] for k in clique) <= 1)

    people_at: list[list[pywraplp.Variable]] = [[] for _ in range(instance.slots)]
    soft_at: list[list[pywraplp.Variable]] = [[] for _ in range(instance.slots)]
    placed = []
    for (starts, soft, _), members in groups.items():
        size = len(members)
        shares = [solver.NumVar(0, size, "") for _ in starts]
        solver.Add(solver.Sum(shares) <= size)
        for k, share in zip(starts, shares, strict=True):
            people_at[k].append(share)
            if k in soft:
                soft_at[k].append(share)
            if tight and size < problem.max_size:
                solver.Add(share <= size * solver.Sum(cohorts_at[k]) + min(size, instance.room[k]))
        placed.extend(shares)

    for k in range(instance.slots):
        if not people_at[k]:
            continue
        people = solver.Sum(people_at[k])
        cohorts = solver.Sum(cohorts_at[k])
        solver.Add(people <= problem.max_size * cohorts + instance.room[k])
        solver.Add(people >= problem.min_size * cohorts)
        if soft_at[k]:
            soft = solver.Sum(soft_at[k])
            solver.Add(soft <= instance.soft_cap * cohorts + instance.soft_room[k])

    solver.Maximize(solver.Sum(placed))
    if solver.Solve() != pywraplp.Solver.OPTIMAL:
        raise RuntimeError("the bounding linear program did not solve to optimality")
    return Relaxation(
        bound=kept_members + math.floor(solver.Objective().Value() + _EPSILON),
        leads={key: lead.solution_value() for key, lead in leads.items()},
    )


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
