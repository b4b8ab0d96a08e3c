"""The exact CP-SAT model at the level of starts, for the whole week or a window of it.

Because cohorts that start together are interchangeable for participants, the model never
pairs a participant with a facilitator. It decides, for each start ``k`` in the window:

* ``lead[f, k]``: whether facilitator ``f`` opens a cohort at ``k`` (at most their remaining
  ``max_cohorts``, never two that overlap, also with their cohorts outside the window);
* ``share[g, k]``: how many of a group ``g`` of interchangeable participants (same usable
  starts inside the window) go to ``k``.

With ``C`` new cohorts and ``X`` people at a start, ``min_size * C <= X <= max_size * C``
(plus room in kept cohorts) is exactly the condition for splitting them into valid cohorts,
and a balanced split puts every cohort on the same side of the target, so
``|X - target * C|`` is the total distance of the sizes from the target.

Only people who are left out or placed inside the window can move; everyone else and every
cohort outside the window stays, which keeps each model small enough to solve in seconds.
The search is lexicographic: first the most people placed, then, with that number kept, the
smallest penalty for sizes off target and for the busiest day (see ``plan.score``).
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass

from ortools.sat.python import cp_model

from .bound import point_cliques
from .plan import BALANCE_WEIGHT, DAY_SPREAD_WEIGHT, Plan
from .prepare import Instance

# Share of a window's time spent maximising placement before the secondary goals, in
# general and when the window is only meant to place more people.
PLACING_SHARE = 0.5
PLACING_ONLY_SHARE = 0.8


@dataclass
class _Distance:
    """``variable >= |people - target * cohorts - offset|`` at one start."""

    variable: cp_model.IntVar
    people: list[cp_model.IntVar]
    cohorts: list[cp_model.IntVar]
    offset: int


@dataclass
class _Day:
    """The new cohorts on one UTC day: a fixed number outside the window plus variables."""

    fixed: int
    leads: list[cp_model.IntVar]


@dataclass
class WindowModel:
    """A built model plus what is needed to hint it and read a solution back."""

    model: cp_model.CpModel
    target: int
    fixed_openings: list[tuple[int, int]]
    fixed_assignment: dict[int, int]
    leads: dict[tuple[int, int], cp_model.IntVar]
    groups: dict[tuple[int, ...], list[int]]
    shares: dict[tuple[tuple[int, ...], int], cp_model.IntVar]
    distances: list[_Distance]
    days: list[_Day]
    busiest: cp_model.IntVar
    hint_placed: int = 0
    hint_penalty: int = 0

    @property
    def placed(self) -> cp_model.LinearExprT:
        return sum(self.shares.values())

    @property
    def penalty(self) -> cp_model.LinearExprT:
        distance = sum(d.variable for d in self.distances)
        return BALANCE_WEIGHT * distance + DAY_SPREAD_WEIGHT * self.busiest

    @property
    def movable(self) -> int:
        """How many people the window may place."""
        return sum(len(members) for members in self.groups.values())

    def hint(self, value: dict[int, int]) -> tuple[int, int]:
        """Hint the decisions (``value`` maps variable index to value); return its score.

        The distance and busiest-day variables only bound the goals from one side, so they
        are hinted at their exact values, as the solver would leave them anywhere.
        """
        self.model.clear_hints()
        for variable in (*self.leads.values(), *self.shares.values()):
            self.model.add_hint(variable, value.get(variable.index, 0))

        def total(variables: list[cp_model.IntVar]) -> int:
            return sum(value.get(v.index, 0) for v in variables)

        distance = 0
        for d in self.distances:
            gap = abs(total(d.people) - self.target * total(d.cohorts) - d.offset)
            self.model.add_hint(d.variable, gap)
            distance += gap
        busiest = max((day.fixed + total(day.leads) for day in self.days), default=0)
        self.model.add_hint(self.busiest, busiest)
        placed = total(list(self.shares.values()))
        return placed, BALANCE_WEIGHT * distance + DAY_SPREAD_WEIGHT * busiest


def build(instance: Instance, plan: Plan, window: frozenset[int]) -> WindowModel:
    """The model for ``window``, hinted with ``plan`` (so never worse than it)."""
    problem = instance.problem
    model = cp_model.CpModel()
    fixed_openings = [(f, k) for f, k in plan.openings if k not in window]
    fixed_assignment = {p: k for p, k in plan.assignment.items() if k not in window}
    value: dict[int, int] = {}

    leads = _facilitator_leads(instance, model, window, fixed_openings)
    cohorts_at: dict[int, list[cp_model.IntVar]] = {}
    for (_, k), lead in leads.items():
        cohorts_at.setdefault(k, []).append(lead)
    for key in plan.openings:
        if key in leads:
            value[leads[key].index] = 1
    usable = {k for k in window if k in cohorts_at or instance.room[k] > 0}

    groups: dict[tuple[int, ...], list[int]] = {}
    for p in instance.candidates:
        if p not in fixed_assignment:
            options = tuple(k for k in instance.participant_starts[p] if k in usable)
            if options:
                groups.setdefault(options, []).append(p)

    shares: dict[tuple[tuple[int, ...], int], cp_model.IntVar] = {}
    people_at: dict[int, list[cp_model.IntVar]] = {}
    for options, members in groups.items():
        here = Counter(plan.assignment[p] for p in members if p in plan.assignment)
        for k in options:
            share = model.new_int_var(0, len(members), f"share_{k}")
            value[share.index] = here[k]
            shares[options, k] = share
            people_at.setdefault(k, []).append(share)
        model.add(sum(shares[options, k] for k in options) <= len(members))

    distances = []
    for k in sorted(usable):
        people, cohorts = people_at.get(k, []), cohorts_at.get(k, [])
        model.add(sum(people) >= problem.min_size * sum(cohorts))
        model.add(sum(people) <= problem.max_size * sum(cohorts) + instance.room[k])
        members, kept = instance.kept_load[k]
        distance = _Distance(
            variable=model.new_int_var(0, problem.max_size * len(instance.candidates), "dist"),
            people=people,
            cohorts=cohorts,
            offset=problem.target_size * kept - members,
        )
        gap = sum(people) - problem.target_size * sum(cohorts) - distance.offset
        model.add(distance.variable >= gap)
        model.add(distance.variable >= -gap)
        distances.append(distance)

    days = _days(instance, leads, fixed_openings)
    busiest = model.new_int_var(0, len(leads) + len(fixed_openings), "busiest_day")
    for day in days:
        model.add(busiest >= day.fixed + sum(day.leads))

    built = WindowModel(
        model=model,
        target=problem.target_size,
        fixed_openings=fixed_openings,
        fixed_assignment=fixed_assignment,
        leads=leads,
        groups=groups,
        shares=shares,
        distances=distances,
        days=days,
        busiest=busiest,
    )
    built.hint_placed, built.hint_penalty = built.hint(value)
    return built


def _facilitator_leads(
    instance: Instance,
    model: cp_model.CpModel,
    window: frozenset[int],
    fixed_openings: list[tuple[int, int]],
) -> dict[tuple[int, int], cp_model.IntVar]:
    """Variables for facilitators opening cohorts in the window, with their limits."""
    fixed_by: dict[int, list[int]] = {}
    for f, k in fixed_openings:
        fixed_by.setdefault(f, []).append(k)
    leads: dict[tuple[int, int], cp_model.IntVar] = {}
    for f, starts in enumerate(instance.facilitator_starts):
        outside = fixed_by.get(f, [])
        capacity = instance.facilitator_capacity[f] - len(outside)
        allowed = tuple(
            k for k in starts if k in window and not any(instance.clash(k, j) for j in outside)
        )
        if capacity <= 0 or not allowed:
            continue
        own = {k: model.new_bool_var(f"lead_{f}_{k}") for k in allowed}
        leads.update(((f, k), lead) for k, lead in own.items())
        if capacity < len(own):
            model.add(sum(own.values()) <= capacity)
        for clique in point_cliques(instance, allowed):
            model.add_at_most_one(own[k] for k in clique)
    return leads


def _days(
    instance: Instance,
    leads: dict[tuple[int, int], cp_model.IntVar],
    fixed_openings: list[tuple[int, int]],
) -> list[_Day]:
    """The new cohorts on each UTC day of the week."""
    fixed = Counter(instance.minute(k) // 1440 for _, k in fixed_openings)
    days = [_Day(fixed=fixed[day], leads=[]) for day in range(7)]
    for (_, k), lead in leads.items():
        days[instance.minute(k) // 1440].leads.append(lead)
    return days


def solve_window(
    built: WindowModel, seconds: float, workers: int, *, placing_only: bool = False
) -> dict[int, int] | None:
    """Maximise placement, then (keeping it) minimise the penalty.

    Returns the solver's values for the decisions when they beat the hint (the plan the
    window was built from), else None. With ``placing_only`` the second step only runs when
    the first placed more people, to tidy up after it.
    """
    started = time.monotonic()
    model = built.model
    placed, penalty = built.hint_placed, built.hint_penalty
    found: dict[int, int] | None = None
    if placed < built.movable:
        model.maximize(built.placed)
        share = PLACING_ONLY_SHARE if placing_only else PLACING_SHARE
        solver = _solver(seconds * share, workers)
        if _solved(solver, model) and round(solver.objective_value) > placed:
            found = _values(built, solver)
            placed, penalty = built.hint(found)
        model.clear_objective()
    if placing_only and found is None:
        return None

    model.add(built.placed >= placed)
    model.minimize(built.penalty)
    solver = _solver(seconds - (time.monotonic() - started), workers)
    if _solved(solver, model) and round(solver.objective_value) < penalty:
        found = _values(built, solver)
    return found


def _solved(solver: cp_model.CpSolver, model: cp_model.CpModel) -> bool:
    """Solve ``model``; whether a solution was found in time."""
    return solver.solve(model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)


def _values(built: WindowModel, solver: cp_model.CpSolver) -> dict[int, int]:
    """The solver's values of the decision variables, by variable index."""
    return {
        variable.index: solver.value(variable)
        for variable in (*built.leads.values(), *built.shares.values())
    }


def _solver(seconds: float, workers: int) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.1, seconds)
    solver.parameters.num_workers = workers
    return solver


def read_plan(built: WindowModel, value: dict[int, int], previous: Plan) -> Plan:
    """Turn decision values into a plan, moving as few people as possible."""
    openings = list(built.fixed_openings)
    openings += [key for key, lead in built.leads.items() if value[lead.index]]
    assignment = dict(built.fixed_assignment)
    for options, members in built.groups.items():
        wanted = {k: value[built.shares[options, k].index] for k in options}
        waiting = []
        for p in members:
            k = previous.assignment.get(p)
            if k is not None and wanted.get(k, 0) > 0:
                assignment[p] = k
                wanted[k] -= 1
            else:
                waiting.append(p)
        for k, count in wanted.items():
            for _ in range(count):
                assignment[waiting.pop()] = k
    return Plan(openings, assignment)
