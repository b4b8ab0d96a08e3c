"""Mix experience levels across starts by swapping people, without changing anything else.

``arrange`` deals each level evenly over the cohorts at one start, but it cannot help a
start where everyone has the same level. This local search swaps two people of different
levels between two starts when both can meet at the other's time and the swap spreads the
levels better. Swaps keep every start's head count, so placement and sizes are untouched.

The measure at a start with ``c`` cohorts and ``n[l]`` people of level ``l`` is
``sum(n[l] ** 2) / c``, about the sum over its cohorts of each level's count squared once
dealt, which is smallest when levels are spread out. People without a level are left alone,
and so are people with soft-tier starts, whose moves could break a cohort's soft limit.
"""

from __future__ import annotations

import time
from collections import Counter

from .plan import Plan
from .prepare import Instance

MAX_PASSES = 4


def mix_experience(instance: Instance, plan: Plan, deadline: float | None = None) -> Plan:
    """A plan with the same openings and head counts and better mixed experience levels."""
    problem = instance.problem
    level = {
        p: problem.participants[p].experience
        for p in plan.assignment
        if problem.participants[p].experience is not None
        and not (instance.soft_starts and instance.soft_starts[p])
    }
    cohorts = [
        opened + kept
        for opened, (_, kept) in zip(plan.opened(instance.slots), instance.kept_load, strict=True)
    ]
    counts: list[Counter[int]] = [Counter() for _ in range(instance.slots)]
    for cohort in instance.kept:
        if cohort.start is not None and cohort.room:
            counts[cohort.start].update(
                e for p in cohort.members if (e := problem.participants[p].experience) is not None
            )
    by_level: dict[tuple[int, int], list[int]] = {}
    for p, a in level.items():
        k = plan.assignment[p]
        counts[k][a] += 1
        by_level.setdefault((k, a), []).append(p)
    options = {p: frozenset(instance.participant_starts[p]) for p in level}
    assignment = dict(plan.assignment)

    for _ in range(MAX_PASSES):
        swapped = False
        for p in sorted(level):
            if deadline is not None and time.monotonic() > deadline:
                return Plan(plan.openings, assignment)
            a, k = level[p], assignment[p]
            partner = _partner(instance, p, a, k, counts, cohorts, by_level, options)
            if partner is not None:
                q, j, b = partner
                _move(p, k, j, a, assignment, counts, by_level)
                _move(q, j, k, b, assignment, counts, by_level)
                swapped = True
        if not swapped:
            break
    return Plan(plan.openings, assignment)


def _partner(
    instance: Instance,
    p: int,
    a: int,
    k: int,
    counts: list[Counter[int]],
    cohorts: list[int],
    by_level: dict[tuple[int, int], list[int]],
    options: dict[int, frozenset[int]],
) -> tuple[int, int, int] | None:
    """Someone ``q`` of level ``b`` at start ``j`` whose swap with ``p`` improves the measure.

    Swapping moves one ``a`` from ``k`` to ``j`` and one ``b`` back, which changes the measure
    by ``(2 (n_k[b] - n_k[a]) + 2) / c_k + (2 (n_j[a] - n_j[b]) + 2) / c_j``; the test below
    is that, halved and multiplied by ``c_k * c_j`` to stay in whole numbers.
    """
    home, c_k = counts[k], cohorts[k]
    for j in instance.participant_starts[p]:
        c_j = cohorts[j]
        if j == k or not c_j:
            continue
        away = counts[j]
        for b, n_jb in away.items():
            if b == a or not n_jb:
                continue
            if (home[b] - home[a] + 1) * c_j + (away[a] - n_jb + 1) * c_k >= 0:
                continue
            for q in by_level.get((j, b), ()):
                if k in options[q]:
                    return q, j, b
    return None


def _move(
    p: int,
    source: int,
    target: int,
    level: int,
    assignment: dict[int, int],
    counts: list[Counter[int]],
    by_level: dict[tuple[int, int], list[int]],
) -> None:
    assignment[p] = target
    counts[source][level] -= 1
    counts[target][level] += 1
    by_level[source, level].remove(p)
    by_level.setdefault((target, level), []).append(p)
