"""The exact CP-SAT model at the level of starts, for the whole week or a window of it.

Because cohorts that start together are interchangeable for participants, the model never
pairs a participant with a facilitator. It decides, for each start ``k`` in the window:

* ``lead[f, k]``: whether facilitator ``f`` opens a cohort at ``k`` (at most their remaining
  ``max_cohorts``, never two that overlap, also with their cohorts outside the window);
* ``share[g, k]``: how many of a group ``g`` of interchangeable participants (same usable
  starts inside the window, same soft starts, same priority) go to ``k``.

With ``C`` new cohorts and ``X`` people at a start, ``min_size * C <= X <= max_size * C``
(plus room in kept cohorts) is exactly the condition for splitting them into valid cohorts,
and a balanced split puts every cohort on the same side of its target, so
``|X - sum of the cohorts' targets|`` is the total distance of the sizes from them. In the
soft pass the people reaching a start through the soft tier are at most the tier's limit
times ``C`` (plus what kept cohorts there may still take). Each small group also gets
``share[g, k] <= |g| * C``, which every grouping meets but which makes the LP relaxation
much tighter (see ``bound``).

Only people who are left out or placed inside the window can move; everyone else and every
cohort outside the window stays. The goals are separate objectives, optimised in turn by
``optimise`` with the earlier ones kept (see ``solver``).
"""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from .bound import point_cliques
from .plan import BALANCE_WEIGHT, DAY_SPREAD_WEIGHT, PREFERENCE_WEIGHT, Plan
from .prepare import GroupKey, Instance


@dataclass
class _Distance:
    """``variable >= |people - target - offset|`` at one start; ``target`` sums the leads'
    preferred sizes."""

    variable: cp_model.IntVar
    people: list[cp_model.IntVar]
    leads: list[tuple[int, cp_model.IntVar]]
    offset: int


@dataclass
class _Day:
    """The new cohorts on one UTC day: a fixed number outside the window plus variables."""

    fixed: int
    leads: list[cp_model.IntVar]


@dataclass(frozen=True)
class Score:
    """The goals of a window's solution, in order: priority people, everyone, penalty."""

    priority: int
    placed: int
    penalty: int


@dataclass
class WindowModel:
    """A built model plus what is needed to hint it and read a solution back."""

    model: cp_model.CpModel
    fixed_openings: list[tuple[int, int]]
    fixed_assignment: dict[int, int]
    leads: dict[tuple[int, int], cp_model.IntVar]
    groups: dict[GroupKey, list[int]]
    shares: dict[tuple[GroupKey, int], cp_model.IntVar]
    distances: list[_Distance]
    days: list[_Day]
    busiest: cp_model.IntVar
    off_preference: list[cp_model.IntVar]
    values: dict[int, int] = field(default_factory=dict)
    score: Score | None = None

    @property
    def placed(self) -> cp_model.LinearExprT:
        return sum(self.shares.values())

    @property
    def priority_placed(self) -> cp_model.LinearExprT:
        return sum(share for (key, _), share in self.shares.items() if key[2])

    @property
    def penalty(self) -> cp_model.LinearExprT:
        distance = sum(d.variable for d in self.distances)
        return (
            BALANCE_WEIGHT * distance
            + PREFERENCE_WEIGHT * sum(self.off_preference)
            + DAY_SPREAD_WEIGHT * self.busiest
        )

    @property
    def movable(self) -> int:
        """How many people the window may place."""
        return sum(len(members) for members in self.groups.values())

    @property
    def movable_priority(self) -> int:
        return sum(len(members) for key, members in self.groups.items() if key[2])

    def decisions(self) -> list[cp_model.IntVar]:
        return [*self.leads.values(), *self.shares.values()]

    def adopt(self, value: dict[int, int]) -> Score:
        """Make ``value`` (variable index to value) the current solution: hint it and score it.

        The distance and busiest-day variables only bound the goals from one side, so they
        are hinted at their exact values, as the solver would leave them anywhere.
        """
        self.values = value
        self.model.clear_hints()
        for variable in self.decisions():
            self.model.add_hint(variable, value.get(variable.index, 0))

        def total(variables) -> int:
            return sum(value.get(v.index, 0) for v in variables)

        distance = 0
        for d in self.distances:
            target = sum(size * value.get(lead.index, 0) for size, lead in d.leads)
            gap = abs(total(d.people) - target - d.offset)
            self.model.add_hint(d.variable, gap)
            distance += gap
        busiest = max((day.fixed + total(day.leads) for day in self.days), default=0)
        self.model.add_hint(self.busiest, busiest)
        self.score = Score(
            priority=sum(
                value.get(share.index, 0) for (key, _), share in self.shares.items() if key[2]
            ),
            placed=total(self.shares.values()),
            penalty=BALANCE_WEIGHT * distance
            + PREFERENCE_WEIGHT * total(self.off_preference)
            + DAY_SPREAD_WEIGHT * busiest,
        )
        return self.score


def plan_values(built: WindowModel, plan: Plan) -> dict[int, int]:
    """The decision values that describe ``plan`` inside the window."""
    value: dict[int, int] = {}
    for key in plan.openings:
        if key in built.leads:
            value[built.leads[key].index] = 1
    for key, members in built.groups.items():
        here = Counter(plan.assignment[p] for p in members if p in plan.assignment)
        for k in key[0]:
            value[built.shares[key, k].index] = here[k]
    return value


def build(instance: Instance, plan: Plan, window: frozenset[int]) -> WindowModel:
    """The model for ``window``, with ``plan`` as its current (hinted) solution."""
    problem = instance.problem
    model = cp_model.CpModel()
    fixed_openings = [(f, k) for f, k in plan.openings if k not in window]
    fixed_assignment = {p: k for p, k in plan.assignment.items() if k not in window}

    leads = _facilitator_leads(instance, model, window, fixed_openings)
    cohorts_at: dict[int, list[tuple[int, cp_model.IntVar]]] = {}
    for (f, k), lead in leads.items():
        cohorts_at.setdefault(k, []).append((f, lead))
    usable = {k for k in window if k in cohorts_at or instance.room[k] > 0}

    movable = [p for p in instance.candidates if p not in fixed_assignment]
    groups = instance.groups(movable, usable=usable.__contains__)
    shares: dict[tuple[GroupKey, int], cp_model.IntVar] = {}
    people_at: dict[int, list[cp_model.IntVar]] = {}
    soft_at: dict[int, list[cp_model.IntVar]] = {}
    for key, members in groups.items():
        options, soft, _ = key
        size = len(members)
        for k in options:
            share = model.new_int_var(0, size, f"share_{k}")
            shares[key, k] = share
            people_at.setdefault(k, []).append(share)
            if k in soft:
                soft_at.setdefault(k, []).append(share)
            if size < problem.max_size:
                cohorts = sum(lead for _, lead in cohorts_at.get(k, []))
                model.add(share <= size * cohorts + min(size, instance.room[k]))
        model.add(sum(shares[key, k] for k in options) <= size)

    # No distance can exceed everyone plus every possible cohort's target.
    farthest = problem.max_size * (
        len(problem.participants) + sum(instance.facilitator_capacity) + len(instance.kept)
    )
    distances = []
    for k in sorted(usable):
        people, here = people_at.get(k, []), cohorts_at.get(k, [])
        cohorts = sum(lead for _, lead in here)
        model.add(sum(people) >= problem.min_size * cohorts)
        model.add(sum(people) <= problem.max_size * cohorts + instance.room[k])
        if k in soft_at:
            model.add(sum(soft_at[k]) <= instance.soft_cap * cohorts + instance.soft_room[k])
        members, kept_target = instance.kept_load[k]
        distance = _Distance(
            variable=model.new_int_var(0, farthest, "dist"),
            people=people,
            leads=[(instance.target_of[f], lead) for f, lead in here],
            offset=kept_target - members,
        )
        gap = sum(people) - sum(size * lead for size, lead in distance.leads) - distance.offset
        model.add(distance.variable >= gap)
        model.add(distance.variable >= -gap)
        distances.append(distance)

    days = _days(instance, leads, fixed_openings)
    busiest = model.new_int_var(0, len(leads) + len(fixed_openings), "busiest_day")
    for day in days:
        model.add(busiest >= day.fixed + sum(day.leads))

    built = WindowModel(
        model=model,
        fixed_openings=fixed_openings,
        fixed_assignment=fixed_assignment,
        leads=leads,
        groups=groups,
        shares=shares,
        distances=distances,
        days=days,
        busiest=busiest,
        off_preference=[lead for (f, k), lead in leads.items() if instance.off_preference(f, k)],
    )
    built.adopt(plan_values(built, plan))
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


# Solving -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Limits:
    """How much one CP-SAT call may do.

    ``work`` is CP-SAT's deterministic time (about a second of one core's work on a
    typical machine), which makes the answer the same however busy the machine is;
    ``seconds`` is wall-clock time, the outer bound that only cuts in when the machine is
    very slow. ``subsolvers`` names CP-SAT's strategies to run, interleaved over
    ``workers`` threads in a fixed order (``interleave_search``), which keeps several
    workers deterministic too.
    """

    work: float
    seconds: float
    seed: int
    workers: int = 2
    subsolvers: tuple[str, ...] = ()
    relative_gap: float = 0.0


@dataclass
class Outcome:
    """What one objective's search found.

    ``values`` holds the best solution's decisions when it beats the hint, else None;
    ``best`` is its objective value (the hint's when nothing better was found), ``bound``
    the best value the solver proved cannot be beaten, ``found_at`` the ``time.monotonic()``
    at which ``best`` was first reached by this search (None: the hint already had it) and
    ``found_work`` the work done by then.
    """

    values: dict[int, int] | None
    best: int
    bound: int
    work: float
    stopped_by_clock: bool
    found_at: float | None = None
    found_work: float = 0.0


# A solution arrives with (objective value, proved bound); used for live progress.
OnSolution = Callable[[int, int], None]


class _Watch(cp_model.CpSolverSolutionCallback):
    """Remembers when the objective last improved and passes each solution on."""

    def __init__(self, on_solution: OnSolution | None) -> None:
        super().__init__()
        self.on_solution = on_solution
        self.last_value: float | None = None
        self.found_at: float | None = None
        self.found_work = 0.0

    def on_solution_callback(self) -> None:
        value = self.objective_value
        if self.last_value is None or value != self.last_value:
            self.last_value = value
            self.found_at = time.monotonic()
            self.found_work = self.deterministic_time
        if self.on_solution is not None:
            self.on_solution(round(value), round(self.best_objective_bound))


def optimise(
    built: WindowModel,
    objective: cp_model.LinearExprT,
    *,
    maximise: bool,
    hint: int,
    limits: Limits,
    on_solution: OnSolution | None = None,
) -> Outcome:
    """Optimise ``objective`` from the hinted solution (worth ``hint``), within ``limits``."""
    model = built.model
    if maximise:
        model.maximize(objective)
    else:
        model.minimize(objective)
    solver = cp_model.CpSolver()
    parameters = solver.parameters
    parameters.max_deterministic_time = max(0.01, limits.work)
    parameters.max_time_in_seconds = max(0.05, limits.seconds)
    parameters.random_seed = limits.seed
    parameters.num_workers = limits.workers
    parameters.interleave_search = True
    parameters.relative_gap_limit = limits.relative_gap
    parameters.filter_subsolvers.extend(limits.subsolvers)
    watch = _Watch(on_solution)
    status = solver.solve(model, watch)
    model.clear_objective()
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE, cp_model.UNKNOWN):
        # The hinted plan is a solution, so anything else is a bug in the model.
        raise RuntimeError(f"CP-SAT gave up on a window: {solver.status_name(status)}")
    solved = status != cp_model.UNKNOWN
    value = round(solver.objective_value) if solved else hint
    better = solved and (value > hint if maximise else value < hint)
    best = value if better else hint
    raw = solver.best_objective_bound
    bound = math.floor(raw + 1e-6) if maximise else math.ceil(raw - 1e-6)
    bound = max(bound, best) if maximise else min(bound, best)
    return Outcome(
        values={v.index: solver.value(v) for v in built.decisions()} if better else None,
        best=best,
        bound=bound,
        work=solver.deterministic_time,
        stopped_by_clock=solver.wall_time >= limits.seconds and status != cp_model.OPTIMAL,
        found_at=watch.found_at if better else None,
        found_work=watch.found_work if better else 0.0,
    )


def read_plan(built: WindowModel, value: dict[int, int], previous: Plan) -> Plan:
    """Turn decision values into a plan, moving as few people as possible."""
    openings = list(built.fixed_openings)
    openings += [key for key, lead in built.leads.items() if value.get(lead.index, 0)]
    assignment = dict(built.fixed_assignment)
    for key, members in built.groups.items():
        wanted = {k: value.get(built.shares[key, k].index, 0) for k in key[0]}
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
