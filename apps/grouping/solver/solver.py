"""``solve``: the greedy start improved with CP-SAT, within the problem's time limit.

Small problems are solved as one exact start-level model (see ``model``). Larger ones would
make that model too big to solve in time, so the solver does a large-neighbourhood search:
it repeatedly frees a band of times of day (on every day of the week, since people tend to
be free at the same local hour on several days), solves that window exactly with everything
else fixed, and keeps the answer when it is better. Bands around the times of people still
left out come first. A final min-cost flow re-hands out everyone for the chosen cohorts.
"""

from __future__ import annotations

import random
import time
from collections import deque
from collections.abc import Callable

from .arrange import to_result
from .greedy import greedy_plan
from .io import check_problem
from .mixing import mix_experience
from .model import build, read_plan, solve_window
from .plan import Plan, polish, settle
from .prepare import Instance, prepare
from .problem import Problem, Result

Progress = Callable[[float, str], None]

# Largest number of participant-start pairs in one CP-SAT window (see ``_Windows``).
WINDOW_PAIRS = 3_000
# Share of the time limit kept back for the final polish and for writing the result.
RESERVE_SHARE = 0.1
# No window gets more than this many seconds, nor this share of the time limit, so that
# many get their turn; small windows usually solve to optimality well within it.
WINDOW_SECONDS = 2.0
WINDOW_SHARE = 0.1
# A window is not worth starting with less time than this.
MIN_WINDOW_SECONDS = 0.3
SOLVER_WORKERS = 2


class _Clock:
    """Elapsed time against the problem's limit, and progress reports in that currency."""

    def __init__(self, limit: float, progress: Progress | None) -> None:
        self.started = time.monotonic()
        self.limit = limit
        self.progress = progress

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def left(self) -> float:
        """Seconds left for improving, after keeping back the reserve."""
        return self.limit * (1 - RESERVE_SHARE) - self.elapsed()

    def report(self, message: str, done: float | None = None) -> None:
        if self.progress is not None:
            share = done if done is not None else min(0.99, self.elapsed() / self.limit)
            self.progress(share, message)


def solve(problem: Problem, *, progress: Progress | None = None) -> Result:
    """Group ``problem``'s participants into cohorts, placing as many as possible.

    Among groupings that place the most people it prefers sizes near the target, then
    cohorts spread over the days; experience levels are mixed when cohorts are filled.
    ``progress`` is called now and then with the share of the time limit used and a short
    message, for callers such as a background task. Raises ``ProblemError`` for a problem
    that breaks the rules of the format.
    """
    check_problem(problem)
    clock = _Clock(problem.time_limit_seconds, progress)
    instance = prepare(problem)
    clock.report(f"{len(instance.candidates)} participants could be placed")
    plan = greedy_plan(instance, deadline=clock.started + problem.time_limit_seconds / 3)
    greedy_placed = len(plan.assignment)
    clock.report(f"greedy start places {greedy_placed}")
    plan, windows, improved = _improve(instance, plan, clock)
    plan = polish(instance, plan)
    plan = mix_experience(instance, plan, deadline=clock.started + 0.98 * clock.limit)
    result = to_result(instance, plan, clock.elapsed())
    kept_members = sum(len(cohort.members) for cohort in instance.kept)
    result.stats.update(
        greedy_placed=greedy_placed + kept_members,
        windows_solved=windows,
        windows_improved=improved,
    )
    clock.report(f"done: {result.stats['placed']} placed", done=1.0)
    return result


def _improve(instance: Instance, plan: Plan, clock: _Clock) -> tuple[Plan, int, int]:
    """Run CP-SAT over windows while time is left; returns the plan and window counts.

    Small problems get one window, the whole week. Otherwise windows follow each other
    until time runs out or many in a row bring nothing, as happens once the plan is a local
    optimum for every kind of window.
    """
    windows = _Windows(instance)
    solved = improved = unimproved = 0
    settling = 0.0  # the longest a settle after a window took, kept free at the end
    while unimproved < windows.patience:
        if clock.left() - settling < MIN_WINDOW_SECONDS:
            break
        window, placing_only = windows.next(plan)
        built = build(instance, plan, window)
        cap = clock.limit if windows.whole_week else min(WINDOW_SECONDS, clock.limit * WINDOW_SHARE)
        budget = min(clock.left() - settling, cap)
        if budget < MIN_WINDOW_SECONDS:
            break
        values = solve_window(built, budget, SOLVER_WORKERS, placing_only=placing_only)
        solved += 1
        if values is None:
            unimproved += 1
        else:
            started = time.monotonic()
            plan = settle(instance, read_plan(built, values, plan))
            settling = max(settling, time.monotonic() - started)
            improved += 1
            unimproved = 0
        clock.report(f"window {solved}: {len(plan.assignment)} placed")
    return plan, solved, improved


class _Windows:
    """Chooses the starts freed in each CP-SAT window.

    Two kinds take turns. While people are left out, two windows in three grow outwards
    from a few of them: their starts, then the starts where the facilitators who could
    serve those get their current cohorts, and so on, since placing someone usually means
    moving a facilitator. The others are bands of times of day on every day of the week
    (people tend to be free at the same local hour on several days), which sweep the day
    and mostly improve sizes and the spread over days. Each window holds at most about
    ``WINDOW_PAIRS`` participant-start pairs, which CP-SAT usually solves in well under a
    second.
    """

    def __init__(self, instance: Instance) -> None:
        self.instance = instance
        self.load = [len(people) for people in instance.participants_at]
        self.whole_week = sum(self.load) <= WINDOW_PAIRS
        bands = max(2, -(-2 * sum(self.load) // WINDOW_PAIRS))
        self.centres = [minute * 1440 // bands for minute in range(bands)]
        self.patience = 1 if self.whole_week else 2 * bands
        self.random = random.Random(0)
        self.turn = 0

    def next(self, plan: Plan) -> tuple[frozenset[int], bool]:
        """The next window, and whether it is only meant to place more people."""
        self.turn += 1
        if self.whole_week:
            return frozenset(range(self.instance.slots)), False
        left_out = [p for p in self.instance.candidates if p not in plan.assignment]
        if left_out and self.turn % 3:
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
