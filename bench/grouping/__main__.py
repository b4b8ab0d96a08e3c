"""Benchmark the cohort grouping: ``python -m bench.grouping [--sizes ...] [--time-limit ...]``.

For each size it builds a seeded, realistic round (see ``instances``), computes the upper
bound, runs the greedy baseline and the full solver, checks both with ``validate`` and prints
Markdown tables to stdout (progress goes to stderr). The last line says whether the
performance target (5,000 participants, 60 s, 99% of the bound, all valid) was met when that
size was run.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from dataclasses import dataclass

from apps.grouping.solver import Problem, Result, greedy, solve, upper_bound, validate
from bench.grouping.instances import make_problem

TARGET_SIZE = 5_000
TARGET_SECONDS = 60.0
TARGET_RATIO = 0.99


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.grouping", description=__doc__)
    parser.add_argument(
        "--sizes",
        type=lambda text: [int(n) for n in text.split(",")],
        default=[100, 1_000, 5_000, 10_000],
        help="comma-separated numbers of participants (default: 100,1000,5000,10000)",
    )
    parser.add_argument(
        "--time-limit", type=float, default=60.0, help="solver seconds per round (default: 60)"
    )
    parser.add_argument("--seed", type=int, default=1, help="seed for the rounds (default: 1)")
    parser.add_argument(
        "--per-facilitator",
        type=float,
        default=6,
        help="participants per facilitator (default: 6); try 12 for scarce facilitators",
    )
    args = parser.parse_args(argv)

    rows = [_measure(n, args.seed, args.time_limit, args.per_facilitator) for n in args.sizes]
    print(_main_table(rows))
    print()
    print(_quality_table(rows))
    verdict = _verdict(rows)
    if verdict:
        print()
        print(verdict)
    return 0


@dataclass
class _Row:
    """Everything measured for one round."""

    problem: Problem
    bound: int
    bound_seconds: float
    result: Result
    seconds: float
    valid: bool
    baseline: Result
    baseline_seconds: float
    baseline_valid: bool

    def ratio(self, result: Result) -> float:
        return result.stats["placed"] / self.bound if self.bound else 1.0


def _measure(participants: int, seed: int, time_limit: float, per_facilitator: float) -> _Row:
    problem = make_problem(
        participants,
        seed=seed,
        time_limit_seconds=time_limit,
        per_facilitator=per_facilitator,
    )
    _say(f"{participants} participants, {len(problem.facilitators)} facilitators: upper bound")
    bound, bound_seconds = _timed(upper_bound, problem)
    _say(f"{participants}: greedy")
    baseline, baseline_seconds = _timed(greedy, problem)
    _say(f"{participants}: solve (limit {time_limit:g} s)")
    result, seconds = _timed(solve, problem)
    return _Row(
        problem=problem,
        bound=bound,
        bound_seconds=bound_seconds,
        result=result,
        seconds=seconds,
        valid=not validate(problem, result),
        baseline=baseline,
        baseline_seconds=baseline_seconds,
        baseline_valid=not validate(problem, baseline),
    )


def _timed(function, problem: Problem):
    started = time.monotonic()
    value = function(problem)
    return value, time.monotonic() - started


def _main_table(rows: list[_Row]) -> str:
    lines = [
        "| participants | facilitators | seconds | placed | upper bound | placed/bound | cohorts "
        "| valid | greedy seconds | greedy placed | greedy placed/bound | greedy valid |",
        "|---:|---:|---:|---:|---:|---:|---:|:---:|---:|---:|---:|:---:|",
    ]
    for row in rows:
        lines.append(
            f"| {len(row.problem.participants):,} | {len(row.problem.facilitators):,} "
            f"| {row.seconds:.1f} | {row.result.stats['placed']:,} | {row.bound:,} "
            f"| {row.ratio(row.result):.2%} | {len(row.result.cohorts):,} "
            f"| {'yes' if row.valid else 'NO'} | {row.baseline_seconds:.1f} "
            f"| {row.baseline.stats['placed']:,} | {row.ratio(row.baseline):.2%} "
            f"| {'yes' if row.baseline_valid else 'NO'} |"
        )
    return "\n".join(lines)


def _quality_table(rows: list[_Row]) -> str:
    """Secondary goals for solver and greedy: sizes, spread over days, experience mix."""
    lines = [
        "| participants | | mean size | total distance of sizes from target "
        "| cohorts per day (min–max) | cohorts with 3+ experience levels | bound seconds |",
        "|---:|:---|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        for name, result, extra in (
            ("solve", row.result, f"{row.bound_seconds:.1f}"),
            ("greedy", row.baseline, ""),
        ):
            lines.append(
                f"| {len(row.problem.participants):,} | {name} | {_mean_size(result):.2f} "
                f"| {_off_target(row.problem, result)} | {_per_day(result)} "
                f"| {_mixed(row.problem, result):.0%} | {extra} |"
            )
    return "\n".join(lines)


def _mean_size(result: Result) -> float:
    sizes = [len(c.participants) for c in result.cohorts]
    return sum(sizes) / len(sizes) if sizes else 0.0


def _off_target(problem: Problem, result: Result) -> int:
    return sum(abs(len(c.participants) - problem.target_size) for c in result.cohorts)


def _per_day(result: Result) -> str:
    days = Counter(c.start // 1440 for c in result.cohorts)
    counts = [days[day] for day in range(7)]
    return f"{min(counts)}–{max(counts)}"


def _mixed(problem: Problem, result: Result) -> float:
    level = {p.id: p.experience for p in problem.participants}
    mixed = sum(
        len({level[m] for m in c.participants if level[m] is not None}) >= 3 for c in result.cohorts
    )
    return mixed / len(result.cohorts) if result.cohorts else 0.0


def _verdict(rows: list[_Row]) -> str:
    """Whether the performance target was met, for the target size if it was run."""
    for row in rows:
        if len(row.problem.participants) == TARGET_SIZE:
            met = (
                row.seconds <= TARGET_SECONDS
                and row.ratio(row.result) >= TARGET_RATIO
                and row.valid
            )
            return (
                f"Target ({TARGET_SIZE:,} participants in at most {TARGET_SECONDS:g} s, "
                f"at least {TARGET_RATIO:.0%} of the bound, all valid): "
                f"{'met' if met else 'NOT met'}."
            )
    return ""


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
