"""``solve``: place the most people, prove how close that is to the best possible, then tidy.

The steps, for each pass (strict, then the soft tier when it is on and someone is left out):

1. the greedy start (``greedy``) and a plan rounded from the LP relaxation
   (``plan.round_relaxation``), the better of the two kept; the relaxation also bounds
   how many people any grouping could place;
2. models small enough (``EXACT_PAIRS``) are solved exactly with CP-SAT over the whole week,
   one goal after another: priority people placed, everyone placed, then the secondary
   goals with those counts kept. CP-SAT proves its own bound, so the result says how far
   from the optimum it can be, zero when placement is optimal;
3. larger models get a large-neighbourhood search: each window frees a set of starts and
   solves them exactly with everything else fixed (``_Windows``);
4. a last min-cost flow and repairs (``plan.polish``), experience mixing (``mixing``), and the
   split into named cohorts (``arrange``).

Determinism: CP-SAT runs with the problem's seed and a budget of deterministic work
(``work_budget``), with its strategies interleaved in a fixed order, and nothing else looks at
the clock, so the same problem gives the same cohorts however loaded the machine is. The
time limit stays as the outer bound: on a machine too slow to spend the work budget in time
it cuts the search short, and the result's ``stopped_by`` says so.
"""

from __future__ import annotations

import random
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace

from .arrange import arrange, to_result, without_short_cohorts
from .bound import relax
from .greedy import greedy_plan
from .io import check_problem
from .mixing import mix_experience
from .model import Limits, Outcome, WindowModel, build, optimise, read_plan
from .plan import Plan, polish, round_relaxation, score, settle
from .prepare import Instance, prepare
from .problem import Problem, Progress, Result

ProgressCallback = Callable[[Progress], None]

# Models with at most this many participant-start pairs are solved exactly, over the whole
# week: CP-SAT proves optimal placement on such rounds in seconds (see docs/grouping.md).
# Larger ones get the tight LP bound only while the greedy leaves a gap to the plain one,
# and only up to ``TIGHT_PAIRS`` (about 5,000 people), as it takes 20 s to solve there.
EXACT_PAIRS = 20_000
TIGHT_PAIRS = 100_000
# Largest number of participant-start pairs in one window of the neighbourhood search.
WINDOW_PAIRS = 3_000

# Deterministic work (CP-SAT's "deterministic seconds") allowed per second of time limit.
# On the 2-core development machine CP-SAT gets through 0.3 to 0.8 of these per wall-clock
# second with two workers, depending on what else is running, so the work budget, not the
# clock, is what normally ends a search; on a machine slower than that the time limit cuts
# in first and the result says so (``stopped_by``).
WORK_PER_SECOND = 0.3
# The secondary goals are good enough after this much work per participant-start pair (a
# second's work for 2,000 pairs) but at least ``SECONDARY_MIN_WORK``, and at most this
# share of the budget, or once within ``SECONDARY_GAP`` of CP-SAT's bound on them: their
# bound is weak, and most of the gain comes early (on small-sparse-200 the penalty drops
# from 257 to 160 in the first 1.5 units of work, and to 159 in the next 5).
SECONDARY_WORK_PER_PAIR = 0.0005
SECONDARY_MIN_WORK = 1.5
SECONDARY_SHARE = 0.25
SECONDARY_GAP = 0.05
# The most work one window of the neighbourhood search may use, and how many windows in a
# row may fail to place anyone before the search turns to the secondary goals alone.
WINDOW_WORK = 0.5
PLACING_PATIENCE = 20
# Share of the time limit kept back for the final polish and for writing the result.
RESERVE_SHARE = 0.1
SOLVER_WORKERS = 2
# CP-SAT's strategies for exact models: LP-guided searches, which both find good groupings
# and prove tight bounds on this model; the rest of the portfolio mostly slows these two
# down on two cores (on small-sparse-200, optimal placement in 1.3 s instead of 10 s).
EXACT_SUBSOLVERS = ("max_lp", "reduced_costs")


@dataclass
class _Run:
    """The clock, the work budget and the figures of one ``solve``, with progress reports."""

    problem: Problem
    progress: ProgressCallback | None
    started: float
    work_left: float
    seed: int
    placed: int = 0
    placed_at: float = 0.0
    placed_work: float = 0.0
    bound: int | None = None
    lp_bound: int | None = None
    optimal: bool = False
    stopped_by: str = "done"
    work_used: float = 0.0

    @property
    def limit(self) -> float:
        return self.problem.time_limit_seconds

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def seconds_left(self) -> float:
        """Seconds left for searching, after keeping back the reserve."""
        return self.limit * (1 - RESERVE_SHARE) - self.elapsed()

    def limits(self, work: float, **options) -> Limits:
        return Limits(
            work=min(work, self.work_left),
            seconds=self.seconds_left(),
            seed=self.seed,
            workers=SOLVER_WORKERS,
            **options,
        )

    def spent(self, outcome: Outcome) -> None:
        self.work_left -= outcome.work
        self.work_used += outcome.work
        if outcome.stopped_by_clock:
            self.stopped_by = "time limit"

    def reached(self, placed: int, at: float | None = None, work: float | None = None) -> None:
        """Record a count of people placed, first reached at ``at`` (a monotonic time) after
        ``work`` (both default to now)."""
        if placed > self.placed:
            self.placed = placed
            self.placed_at = (at if at is not None else time.monotonic()) - self.started
            self.placed_work = work if work is not None else self.work_used

    def report(self, message: str, *, placed: int | None = None, done: bool = False) -> None:
        """Pass progress on; ``placed`` is a count seen inside a search not yet over."""
        if self.progress is None:
            return
        share = 1.0 if done else min(0.99, self.elapsed() / self.limit)
        placed = max(self.placed, placed or 0)
        self.progress(Progress(share, message, placed=placed, bound=self.bound))


def work_budget(problem: Problem) -> float:
    """The deterministic work ``solve`` may spend on ``problem`` (see ``WORK_PER_SECOND``)."""
    return problem.time_limit_seconds * WORK_PER_SECOND


def solve(problem: Problem, *, progress: ProgressCallback | None = None) -> Result:
    """Group ``problem``'s participants into cohorts, placing as many as possible.

    Priority people come first: placing one more of them beats placing any number of
    others. Among groupings that place the most people it prefers sizes near the targets,
    cohorts at their facilitators' preferred times, then cohorts spread over the days;
    experience levels are mixed when cohorts are filled. When the soft tier is on, people
    strict grouping leaves out are then placed under its looser rules, around the cohorts
    already formed. ``progress`` is called now and then with a ``Progress``. Raises
    ``ProblemError`` for a problem that breaks the rules of the format.
    """
    check_problem(problem)
    run = _Run(
        problem=problem,
        progress=progress,
        started=time.monotonic(),
        work_left=work_budget(problem),
        seed=problem.seed,
    )
    instance = prepare(problem)
    plan, greedy_placed = _place(instance, run)
    deadline = run.started + 0.98 * run.limit
    plan = mix_experience(instance, plan, deadline=deadline)
    strict_placed = run.placed
    everyone = len(problem.participants) - sum(len(c.members) for c in instance.kept)
    if problem.soft is not None and len(plan.assignment) < everyone:
        instance, plan = _place_softly(instance, plan, run)
        plan = without_short_cohorts(instance, mix_experience(instance, plan, deadline=deadline))
    result = to_result(instance, plan, run.elapsed())
    result.stats.update(
        greedy_placed=greedy_placed,
        strict_placed=strict_placed,
        bound=run.bound,
        lp_bound=run.lp_bound,
        gap=run.bound - strict_placed if run.bound is not None else None,
        optimal=run.optimal,
        seconds_to_final_count=round(run.placed_at, 2),
        work_to_final_count=round(run.placed_work, 2),
        work=round(run.work_used, 2),
        stopped_by=run.stopped_by,
        seed=problem.seed,
    )
    run.report(f"done: {result.stats['placed']} placed", done=True)
    return result


def _place(instance: Instance, run: _Run) -> tuple[Plan, int]:
    """The best plan for one pass, and what the greedy alone placed (kept members counted)."""
    kept = sum(len(cohort.members) for cohort in instance.kept)
    plan = greedy_plan(instance)
    greedy_placed = kept + len(plan.assignment)
    run.reached(greedy_placed)
    run.report(f"greedy start places {greedy_placed}")

    pairs = _pairs(instance)
    exact = pairs <= EXACT_PAIRS
    relaxation = relax(instance, tight=exact)
    if not exact and greedy_placed < relaxation.bound and pairs <= TIGHT_PAIRS:
        relaxation = relax(instance, tight=True)
    run.bound = run.lp_bound = relaxation.bound
    rounded = round_relaxation(instance, relaxation.leads)
    plan = max(plan, rounded, key=lambda p: score(instance, p))
    run.reached(kept + len(plan.assignment))
    run.report(f"{run.placed} placed; at most {run.bound} can be")

    secondary_work = min(
        SECONDARY_SHARE * work_budget(run.problem),
        max(SECONDARY_MIN_WORK, SECONDARY_WORK_PER_PAIR * pairs),
    )
    if exact:
        plan = _solve_exact(instance, plan, run, secondary_work)
    else:
        plan = _improve(instance, plan, run, secondary_work)
    plan = max(plan, polish(instance, plan), key=lambda p: score(instance, p))
    run.reached(kept + len(plan.assignment))
    run.optimal = run.placed >= run.bound
    return plan, greedy_placed


def _pairs(instance: Instance) -> int:
    return sum(len(instance.participant_starts[p]) for p in instance.candidates)


def _solve_exact(instance: Instance, plan: Plan, run: _Run, secondary_work: float) -> Plan:
    """Solve the whole week as one model, one goal after another (see the module)."""
    kept = sum(len(cohort.members) for cohort in instance.kept)
    built = build(instance, plan, frozenset(range(instance.slots)))
    model = built.model
    placing_work = run.work_left - secondary_work

    if built.score.priority < built.movable_priority:
        outcome = optimise(
            built,
            built.priority_placed,
            maximise=True,
            hint=built.score.priority,
            limits=run.limits(placing_work / 2, subsolvers=EXACT_SUBSOLVERS),
        )
        _take(built, outcome, run, kept)
        run.report(f"{built.score.priority} priority people placed")
    model.add(built.priority_placed >= built.score.priority)

    # The LP's bound holds for any grouping, so CP-SAT may stop as soon as it meets it.
    ceiling = min(built.movable, run.bound - kept)
    if built.score.placed < ceiling:
        model.add(built.placed <= ceiling)

        def live(placed: int, bound: int) -> None:
            run.bound = min(run.bound, kept + bound)
            run.report(f"{kept + placed} placed; at most {run.bound} can be", placed=kept + placed)

        outcome = optimise(
            built,
            built.placed,
            maximise=True,
            hint=built.score.placed,
            limits=run.limits(placing_work, subsolvers=EXACT_SUBSOLVERS),
            on_solution=live,
        )
        _take(built, outcome, run, kept)
        run.bound = min(run.bound, kept + outcome.bound)
    else:
        run.bound = kept + built.score.placed
    run.report(f"{run.placed} placed; at most {run.bound} can be")
    model.add(built.placed >= built.score.placed)

    # The secondary goals get their share even when the searches before overran theirs a
    # little, as CP-SAT does while it finishes its last batch of work.
    limits = run.limits(0.0, subsolvers=EXACT_SUBSOLVERS, relative_gap=SECONDARY_GAP)
    outcome = optimise(
        built,
        built.penalty,
        maximise=False,
        hint=built.score.penalty,
        limits=replace(limits, work=secondary_work),
    )
    _take(built, outcome, run, kept)
    return read_plan(built, built.values, plan)


def _take(built: WindowModel, outcome: Outcome, run: _Run, kept: int) -> None:
    """Adopt a search's better solution, if any, and account for its work."""
    before = run.work_used
    run.spent(outcome)
    if outcome.values is not None:
        built.adopt(outcome.values)
        run.reached(kept + built.score.placed, outcome.found_at, before + outcome.found_work)


def _place_softly(instance: Instance, plan: Plan, run: _Run) -> tuple[Instance, Plan]:
    """The soft tier's pass: the strict cohorts stay, and the people left out may join them
    or form new ones under the tier's rules. Returns the pass's instance and plan."""
    problem = instance.problem
    strict_cohorts = arrange(instance, plan)
    fill = [problem.fill_fixed_cohorts] * len(problem.fixed_cohorts)
    fill += [True] * (len(strict_cohorts) - len(problem.fixed_cohorts))
    softer = replace(problem, fixed_cohorts=strict_cohorts)
    soft_instance = prepare(softer, soft=True, fill=fill)
    if not soft_instance.candidates:
        return instance, plan
    run.report("placing the people left out under the soft tier's rules")
    # The figures proved are about strict placement; the soft pass only adds to it.
    proved = run.bound, run.lp_bound, run.optimal
    soft_plan, _ = _place(soft_instance, run)
    run.bound, run.lp_bound, run.optimal = proved
    return soft_instance, soft_plan


def _improve(instance: Instance, plan: Plan, run: _Run, secondary_work: float) -> Plan:
    """Run CP-SAT over windows while work is left; see ``_Windows``.

    While people who might be placed are left out, windows try to place them, until
    placement is proven optimal or ``PLACING_PATIENCE`` of those windows in a row place
    nobody; then only ``secondary_work`` more is spent on the secondary goals.
    """
    kept = sum(len(cohort.members) for cohort in instance.kept)
    windows = _Windows(instance, run.seed)
    solved = unimproved = failed_placing = 0
    tidying_from: float | None = None
    while unimproved < windows.patience and run.work_left > 0:
        if run.seconds_left() <= 0:
            run.stopped_by = "time limit"
            break
        proven = kept + len(plan.assignment) >= run.bound
        if tidying_from is None and (proven or failed_placing >= PLACING_PATIENCE):
            tidying_from = run.work_used
        if tidying_from is not None and run.work_used - tidying_from >= secondary_work:
            break
        window, placing_only = windows.next(plan, placing=tidying_from is None)
        built = build(instance, plan, window)
        better = _solve_window(built, run, kept, placing_only=placing_only)
        solved += 1
        if better is None:
            unimproved += 1
            failed_placing += placing_only
        else:
            before = len(plan.assignment)
            plan = settle(instance, read_plan(built, better, plan))
            run.reached(kept + len(plan.assignment))
            unimproved = 0
            if len(plan.assignment) > before:
                failed_placing = 0
        run.report(f"window {solved}: {run.placed} placed; at most {run.bound} can be")
    return plan


def _solve_window(
    built: WindowModel, run: _Run, kept: int, *, placing_only: bool
) -> dict[int, int] | None:
    """Improve one window: placement (priority people weighing most), then the penalty.

    Returns the better decisions, or None when the window's plan stays as it was. With
    ``placing_only`` the second step only runs when the first placed more people, to tidy
    up after it.
    """
    start = built.score
    model = built.model
    improved = False
    if start.placed < built.movable:
        # Weighted so that one more priority person outweighs everyone else in the window.
        weight = built.movable - built.movable_priority + 1
        objective = weight * built.priority_placed + built.placed
        outcome = optimise(
            built,
            objective,
            maximise=True,
            hint=weight * start.priority + start.placed,
            limits=run.limits(WINDOW_WORK / 2),
        )
        run.spent(outcome)
        if outcome.values is not None:
            built.adopt(outcome.values)
            improved = True
    if placing_only and not improved:
        return None
    model.add(built.priority_placed >= built.score.priority)
    model.add(built.placed >= built.score.placed)
    outcome = optimise(
        built,
        built.penalty,
        maximise=False,
        hint=built.score.penalty,
        limits=run.limits(WINDOW_WORK / 2),
    )
    run.spent(outcome)
    if outcome.values is not None:
        built.adopt(outcome.values)
        improved = True
    return built.values if improved else None


class _Windows:
    """Chooses the starts freed in each CP-SAT window.

    Two kinds take turns. While people are left out, two windows in three grow outwards
    from a few of them: their starts, then the starts where the facilitators who could
    serve those get their current cohorts, and so on, since placing someone usually means
    moving a facilitator. The others are bands of times of day on every day of the week
    (people tend to be free at the same local hour on several days), which sweep the day
    and mostly improve sizes and the spread over days. Each window holds at most about
    ``WINDOW_PAIRS`` participant-start pairs, which CP-SAT usually solves in well under a
    second. The search stops after two sweeps of the day bring nothing.
    """

    def __init__(self, instance: Instance, seed: int) -> None:
        self.instance = instance
        self.load = [len(people) for people in instance.participants_at]
        bands = max(2, -(-2 * sum(self.load) // WINDOW_PAIRS))
        self.centres = [minute * 1440 // bands for minute in range(bands)]
        self.patience = 2 * bands
        self.random = random.Random(seed)
        self.turn = 0

    def next(self, plan: Plan, *, placing: bool) -> tuple[frozenset[int], bool]:
        """The next window, and whether it is only meant to place more people; with
        ``placing`` off, only the bands that tidy the secondary goals."""
        self.turn += 1
        left_out = [p for p in self.instance.candidates if p not in plan.assignment]
        if placing and left_out and self.turn % 3:
            seeds = self.random.sample(left_out, min(3, len(left_out)))
            return self._around(plan, seeds), True
        return self._band(self.centres[self.turn % len(self.centres)]), False

    def _around(self, plan: Plan, seeds: list[int]) -> frozenset[int]:
        """Starts reached from the seeds' starts through facilitators' current cohorts."""
        leads: dict[int, list[int]] = {}
        for f, k in plan.openings:
            leads.setdefault(f, []).append(k)
        frontier = deque(k for p in seeds for k in self.instance.participant_starts[p])
        return self._grow(frontier, leads)

    def _grow(self, frontier: deque[int], leads: dict[int, list[int]]) -> frozenset[int]:
        chosen: set[int] = set()
        pairs = 0
        while frontier:
            k = frontier.popleft()
            if k in chosen:
                continue
            if pairs + self.load[k] > WINDOW_PAIRS and chosen:
                break
            chosen.add(k)
            pairs += self.load[k]
            for f in self.instance.facilitators_at[k]:
                frontier.extend(leads.get(f, ()))
        return frozenset(chosen)

    def _band(self, centre: int) -> frozenset[int]:
        """Starts whose time of day is nearest ``centre``, on all days, up to the budget."""

        def distance(k: int) -> int:
            gap = abs(self.instance.minute(k) % 1440 - centre)
            return min(gap, 1440 - gap)

        nearest = sorted(range(self.instance.slots), key=lambda k: (distance(k), k))
        return self._grow(deque(nearest), {})
