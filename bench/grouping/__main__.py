"""Benchmark the cohort grouping: ``python -m bench.grouping [options]``.

Three kinds of round (see ``instances``):

* ``--sizes 100,1000,5000,10000`` (the default): broad rounds, one facilitator per six;
* ``--sparse``: small rounds with scarce facilitators and many people free only once or
  twice a week, over ``--sizes`` x ``--per-facilitator`` x ``--seeds``;
* ``--file PATH``: a round in the ``form_cohorts`` format, such as the shared
  small-sparse-200.json.

For each round it runs the greedy baseline (the floor: the same rounds placed the most
direct way, measured in the same run) and the full solver, checks both with ``validate``,
and prints a Markdown table: people placed, the solver's own proven bound, the plain LP
bound for comparison, the gap, the seconds until the final count was first reached and in
all, and the greedy's figures beside them. Progress goes to stderr. The last line says
whether every round met its target: at least 99% of the proven bound, valid, and done within
``TARGET_SECONDS`` for its size (10 s up to 500 participants, 60 s at 5,000, 120 s at 10,000).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

from apps.grouping.solver import (
    Problem,
    Result,
    greedy,
    load_problem,
    plain_bound,
    solve,
    validate,
)
from bench.grouping.instances import make_problem, make_sparse_problem

TARGET_RATIO = 0.99
# The most seconds a round of up to this many participants may take.
TARGET_SECONDS = ((500, 10.0), (5_000, 60.0), (10_000, 120.0))


def _numbers(kind):
    return lambda text: [kind(n) for n in text.split(",")]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.grouping", description=__doc__)
    parser.add_argument(
        "--sizes",
        type=_numbers(int),
        help="comma-separated numbers of participants "
        "(default: 100,1000,5000,10000; with --sparse 100,200,300,500)",
    )
    parser.add_argument(
        "--per-facilitator",
        type=_numbers(float),
        help="participants per facilitator, comma-separated (default: 6; with --sparse 8,12,16)",
    )
    parser.add_argument(
        "--seeds", type=_numbers(int), default=[1], help="seeds for the rounds (default: 1)"
    )
    parser.add_argument("--sparse", action="store_true", help="small sparse rounds")
    parser.add_argument("--file", type=Path, help="a round in the form_cohorts format")
    parser.add_argument(
        "--time-limit",
        type=float,
        help="solver seconds per round (default: the size's target; 60 for --file)",
    )
    parser.add_argument("--quality", action="store_true", help="also print the secondary goals")
    args = parser.parse_args(argv)

    rows = [_measure(name, problem) for name, problem in _rounds(args)]
    print(_main_table(rows))
    if args.quality:
        print()
        print(_quality_table(rows))
    print()
    print(_verdict(rows))
    return 0


def _rounds(args) -> list[tuple[str, Problem]]:
    if args.file:
        problem = load_problem(args.file.read_text(encoding="utf-8"))
        return [(args.file.stem, replace(problem, time_limit_seconds=args.time_limit or 60.0))]
    sizes = args.sizes or ([100, 200, 300, 500] if args.sparse else [100, 1_000, 5_000, 10_000])
    ratios = args.per_facilitator or ([8, 12, 16] if args.sparse else [6])
    make = make_sparse_problem if args.sparse else make_problem
    kind = "sparse" if args.sparse else "broad"
    return [
        (
            f"{kind} 1:{ratio:g} seed {seed}",
            make(
                size,
                seed=seed,
                per_facilitator=ratio,
                time_limit_seconds=args.time_limit or _target_seconds(size),
            ),
        )
        for size in sizes
        for ratio in ratios
        for seed in args.seeds
    ]


def _target_seconds(participants: int) -> float:
    return next((s for n, s in TARGET_SECONDS if participants <= n), TARGET_SECONDS[-1][1])


@dataclass
class _Row:
    """Everything measured for one round."""

    name: str
    problem: Problem
    plain: int
    result: Result
    seconds: float
    valid: bool
    baseline: Result
    baseline_seconds: float
    baseline_valid: bool

    @property
    def bound(self) -> int:
        return self.result.stats["bound"]

    @property
    def placed(self) -> int:
        return self.result.stats["strict_placed"]

    def ratio(self, placed: int) -> float:
        return placed / self.bound if self.bound else 1.0

    @property
    def target(self) -> float:
        return _target_seconds(len(self.problem.participants))

    @property
    def meets_target(self) -> bool:
        return (
            self.valid and self.ratio(self.placed) >= TARGET_RATIO and self.seconds <= self.target
        )


def _measure(name: str, problem: Problem) -> _Row:
    size = len(problem.participants)
    _say(f"{name}: {size} participants, {len(problem.facilitators)} facilitators: greedy")
    baseline, baseline_seconds = _timed(greedy, problem)
    _say(f"{name}: solve (limit {problem.time_limit_seconds:g} s)")
    result, seconds = _timed(solve, problem)
    _say(f"{name}: plain LP bound")
    return _Row(
        name=name,
        problem=problem,
        plain=plain_bound(problem),
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
        "| round | participants | facilitators | placed | proven bound | plain LP bound | gap "
        "| placed/bound | seconds to final count | seconds | valid | greedy placed "
        "| greedy placed/bound | greedy seconds | greedy valid |",
        "|:---|---:|---:|---:|---:|---:|---:|---:|---:|---:|:---:|---:|---:|---:|:---:|",
    ]
    for row in rows:
        stats = row.result.stats
        greedy_placed = row.baseline.stats["placed"]
        lines.append(
            f"| {row.name} | {len(row.problem.participants):,} "
            f"| {len(row.problem.facilitators):,} | {row.placed:,} | {row.bound:,} "
            f"| {row.plain:,} | {stats['gap']} | {row.ratio(row.placed):.2%} "
            f"| {stats['seconds_to_final_count']:.1f} | {row.seconds:.1f} "
            f"| {'yes' if row.valid else 'NO'} | {greedy_placed:,} "
            f"| {row.ratio(greedy_placed):.2%} | {row.baseline_seconds:.1f} "
            f"| {'yes' if row.baseline_valid else 'NO'} |"
        )
    return "\n".join(lines)


def _quality_table(rows: list[_Row]) -> str:
    """Secondary goals for solver and greedy: sizes, spread over days, experience mix."""
    lines = [
        "| round | participants | | mean size | total distance of sizes from target "
        "| cohorts per day (min–max) | cohorts with 3+ experience levels | work | stopped by |",
        "|:---|---:|:---|---:|---:|---:|---:|---:|:---|",
    ]
    for row in rows:
        stats = row.result.stats
        for name, result, extra in (
            ("solve", row.result, f"| {stats['work']:.1f} | {stats['stopped_by']} |"),
            ("greedy", row.baseline, "| | |"),
        ):
            lines.append(
                f"| {row.name} | {len(row.problem.participants):,} | {name} "
                f"| {_mean_size(result):.2f} | {_off_target(row.problem, result)} "
                f"| {_per_day(result)} | {_mixed(row.problem, result):.0%} {extra}"
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
    missed = [row.name for row in rows if not row.meets_target]
    met = len(rows) - len(missed)
    text = (
        f"Target (at least {TARGET_RATIO:.0%} of the proven bound, valid, within "
        f"{', '.join(f'{s:g} s up to {n:,}' for n, s in TARGET_SECONDS)} participants): "
        f"met by {met} of {len(rows)} rounds."
    )
    return text + (f" Missed: {', '.join(missed)}." if missed else "")


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
