"""Benchmark peer-review allocation on synthetic rounds: `python -m bench.peer_review`.

Each scenario builds a round of cohorts of 4-8 (seeded random sizes), keeps 10% of
the submissions back as late, allocates the rest, fits the late ones in, marks some
reviews started or done, drops 5% of the participants and reassigns their work. The
Markdown table shows the time each step took (fastest of --repeat runs) and how well
the final state keeps the promises.
"""

from __future__ import annotations

import argparse
import random
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import TypeVar

from apps.reviews.allocation import (
    Assignment,
    Changes,
    Status,
    Submission,
    allocate,
    fit_late_submissions,
    reassign,
)
from apps.reviews.allocation.model import COVERING, LOADED

SIZES = (100, 1_000, 10_000)
KS = (2, 3)
LATE_SHARE = 0.10
DROP_SHARE = 0.05
PROGRESS = ((Status.DONE, 0.5), (Status.STARTED, 0.2), (Status.NOT_STARTED, 0.3))
"""How far reviews have got when the drop-outs are handled."""

T = TypeVar("T")
Pair = tuple[str, str]


@dataclass(frozen=True)
class Round:
    submissions: list[Submission]
    late: list[str]
    dropped: list[str]


@dataclass(frozen=True)
class Outcome:
    """Final state of one scenario, the seconds each step took, and how much moved."""

    state: dict[Pair, Assignment]
    seconds: tuple[float, float, float]
    cpu_seconds: float
    moved_for_late: int
    reassigned: int

    @property
    def total(self) -> float:
        return sum(self.seconds)


def cohort_sizes(n: int, rng: random.Random) -> list[int]:
    """Random sizes in 4..8 adding up to exactly n (n >= 4)."""
    sizes: list[int] = []
    while sum(sizes) < n:
        sizes.append(rng.randint(4, 8))
    excess = sum(sizes) - n
    for i in range(len(sizes)):
        cut = min(excess, sizes[i] - 4)
        sizes[i] -= cut
        excess -= cut
    return sizes


def make_round(n: int, seed: int) -> Round:
    rng = random.Random(seed)
    submissions: list[Submission] = []
    for c, size in enumerate(cohort_sizes(n, rng)):
        for _ in range(size):
            i = len(submissions)
            submissions.append(Submission(f"s{i}", f"p{i}", f"c{c}"))
    late = [s.id for s in rng.sample(submissions, round(n * LATE_SHARE))]
    dropped = [s.author for s in rng.sample(submissions, round(n * DROP_SHARE))]
    return Round(submissions, late, dropped)


def timed(call: Callable[[], T]) -> tuple[T, float, float]:
    """Result, wall-clock seconds and CPU seconds of one call.

    CPU time is reported next to wall time because a busy machine inflates the latter.
    """
    wall, cpu = time.perf_counter(), time.process_time()
    result = call()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def apply(state: dict[Pair, Assignment], changes: Changes) -> None:
    for assignment in changes.cancel:
        key = (assignment.reviewer, assignment.submission)
        state[key] = replace(assignment, status=Status.ABANDONED)
    for assignment in changes.create:
        state[(assignment.reviewer, assignment.submission)] = assignment


def make_progress(state: dict[Pair, Assignment], seed: int) -> None:
    """Pretend some time has passed: most reviews are started or done."""
    rng = random.Random(seed)
    statuses = [status for status, _ in PROGRESS]
    weights = [weight for _, weight in PROGRESS]
    for key, assignment in state.items():
        if assignment.status == Status.NOT_STARTED:
            state[key] = replace(assignment, status=rng.choices(statuses, weights)[0])


def run(round_: Round, k: int, seed: int) -> Outcome:
    late = set(round_.late)
    on_time = [s for s in round_.submissions if s.id not in late]
    created, t_allocate, cpu_allocate = timed(lambda: allocate(on_time, k=k, seed=seed))
    state = {(a.reviewer, a.submission): a for a in created}
    fitted, t_late, cpu_late = timed(
        lambda: fit_late_submissions(
            round_.submissions, round_.late, k=k, existing=state.values(), seed=seed
        )
    )
    apply(state, fitted)
    make_progress(state, seed)
    reassigned, t_reassign, cpu_reassign = timed(
        lambda: reassign(round_.submissions, state.values(), k=k, dropped=round_.dropped, seed=seed)
    )
    apply(state, reassigned)
    return Outcome(
        state=state,
        seconds=(t_allocate, t_late, t_reassign),
        cpu_seconds=cpu_allocate + cpu_late + cpu_reassign,
        moved_for_late=len(fitted.cancel),
        reassigned=len(reassigned.create),
    )


def live(state: dict[Pair, Assignment]) -> Iterable[Assignment]:
    return (a for a in state.values() if a.status in COVERING)


def measure(round_: Round, k: int, state: dict[Pair, Assignment]) -> dict[str, int]:
    """The promises, checked on the final state; drop-outs are left out of the loads."""
    cohort = {s.id: s.cohort for s in round_.submissions}
    cohort_of = {s.author: s.cohort for s in round_.submissions}
    author = {s.id: s.author for s in round_.submissions}
    coverage = Counter(a.submission for a in live(state))
    dropped = set(round_.dropped)
    load = Counter({s.author: 0 for s in round_.submissions if s.author not in dropped})
    load.update(
        a.reviewer for a in state.values() if a.status in LOADED and a.reviewer not in dropped
    )
    edges = {(a.reviewer, author[a.submission]) for a in live(state)}
    return {
        "exactly_k": sum(coverage[s.id] == k for s in round_.submissions),
        "spread": max(load.values()) - min(load.values()),
        "reciprocal": sum((b, a) in edges for a, b in edges) // 2,
        "forced": sum(forced_reciprocal_pairs(n, k) for n in Counter(cohort.values()).values()),
        "cross": sum(cohort_of[a.reviewer] != cohort[a.submission] for a in live(state)),
    }


def forced_reciprocal_pairs(n: int, k: int) -> int:
    """Reciprocal pairs no within-cohort allocation of n people can avoid.

    Each of the n people reviews min(k, n - 1) others, but there are only n(n-1)/2
    unordered pairs; every review beyond that count must mirror another.
    """
    return max(0, n * min(k, n - 1) - n * (n - 1) // 2)


def one_late_fit_ms(round_: Round, k: int, seed: int) -> float:
    """Latency of the per-event call: one late submitter, state rebuilt from scratch."""
    first, rest = round_.late[0], set(round_.late[1:])
    everyone = [s for s in round_.submissions if s.id not in rest]
    on_time = [s for s in everyone if s.id != first]
    existing = allocate(on_time, k=k, seed=seed)
    _, seconds, _ = timed(
        lambda: fit_late_submissions(everyone, [first], k=k, existing=existing, seed=seed)
    )
    return seconds * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3, help="runs per row; fastest kept")
    args = parser.parse_args()

    print(
        "| submissions | k | allocate s | late s | reassign s | total s | total CPU s "
        "| exactly k | load spread | reciprocal pairs (forced) | cross-cohort "
        "| moved for late | reassigned |"
    )
    print("|" + "---:|" * 13)
    for n in SIZES:
        round_ = make_round(n, args.seed)
        for k in KS:
            best = min(
                (run(round_, k, args.seed) for _ in range(args.repeat)), key=lambda o: o.total
            )
            m = measure(round_, k, best.state)
            seconds = " | ".join(f"{t:.3f}" for t in (*best.seconds, best.total, best.cpu_seconds))
            print(
                f"| {n:,} | {k} | {seconds} | {m['exactly_k']:,} ({m['exactly_k'] / n:.0%}) "
                f"| {m['spread']} | {m['reciprocal']:,} ({m['forced']:,}) | {m['cross']:,} "
                f"| {best.moved_for_late:,} | {best.reassigned:,} |"
            )
    largest = make_round(SIZES[-1], args.seed)
    for k in KS:
        ms = min(one_late_fit_ms(largest, k, args.seed) for _ in range(args.repeat))
        print(
            f"\nOne late submitter fitted on its own, {SIZES[-1]:,} submissions, k={k}: {ms:.0f} ms"
        )


if __name__ == "__main__":
    main()
