"""Check a result against the rules, independently of how it was produced.

``validate`` recomputes everything from the problem's raw data (it does not trust the
solver's indexing or pruning), so tests and the benchmark can use it as the referee.
"""

from __future__ import annotations

from collections import defaultdict

from apps.rounds.cyclic_week import MINUTES_PER_WEEK, covers, overlap

from .problem import Problem, Result


def validate(problem: Problem, result: Result) -> list[str]:
    """Every broken rule in ``result``, as readable sentences; empty when it is valid."""
    errors: list[str] = []
    participants = {p.id: p.availability for p in problem.participants}
    facilitators = {f.id: f for f in problem.facilitators}
    kept = {(c.facilitator, c.start) for c in problem.fixed_cohorts}
    placed_in: dict[str, int] = {}
    led: dict[str, list[int]] = defaultdict(list)

    for i, cohort in enumerate(result.cohorts):
        where = f"cohorts[{i}]"
        if not 0 <= cohort.start < MINUTES_PER_WEEK:
            errors.append(f"{where}: start {cohort.start} is outside the week")
        elif cohort.start % problem.slot_minutes and (cohort.facilitator, cohort.start) not in kept:
            errors.append(
                f"{where}: start {cohort.start} is not on the {problem.slot_minutes}-minute grid"
            )
        size = len(cohort.participants)
        if not problem.min_size <= size <= problem.max_size:
            errors.append(
                f"{where}: has {size} participants, outside {problem.min_size}..{problem.max_size}"
            )
        if cohort.facilitator not in facilitators:
            errors.append(f"{where}: unknown facilitator {cohort.facilitator!r}")
        else:
            led[cohort.facilitator].append(i)
            if not covers(
                facilitators[cohort.facilitator].availability, cohort.start, problem.meeting_minutes
            ):
                errors.append(
                    f"{where}: facilitator {cohort.facilitator!r} is not available "
                    "for the whole meeting"
                )
        for person in cohort.participants:
            if person not in participants:
                errors.append(f"{where}: unknown participant {person!r}")
                continue
            if person in placed_in:
                errors.append(
                    f"participant {person!r} is placed twice "
                    f"(cohorts[{placed_in[person]}] and {where})"
                )
            placed_in[person] = i
            if not covers(participants[person], cohort.start, problem.meeting_minutes):
                errors.append(
                    f"{where}: participant {person!r} is not available for the whole meeting"
                )

    errors += _facilitator_errors(problem, result, led)
    errors += _unplaced_errors(problem, result, placed_in)
    errors += _kept_errors(problem, result)
    return errors


def _facilitator_errors(problem: Problem, result: Result, led: dict[str, list[int]]) -> list[str]:
    """Facilitators over their ``max_cohorts`` or leading two cohorts at overlapping times."""
    errors = []
    for f in problem.facilitators:
        indices = led.get(f.id, [])
        if len(indices) > f.max_cohorts:
            errors.append(
                f"facilitator {f.id!r} leads {len(indices)} cohorts, "
                f"more than max_cohorts {f.max_cohorts}"
            )
        for a, first in enumerate(indices):
            for second in indices[a + 1 :]:
                start_a, start_b = result.cohorts[first].start, result.cohorts[second].start
                if overlap(start_a, start_b, problem.meeting_minutes):
                    errors.append(
                        f"facilitator {f.id!r} leads overlapping cohorts "
                        f"cohorts[{first}] (at {start_a}) and cohorts[{second}] (at {start_b})"
                    )
    return errors


def _unplaced_errors(problem: Problem, result: Result, placed_in: dict[str, int]) -> list[str]:
    """Every participant must be either placed once or listed once as unplaced."""
    errors = []
    known = {p.id for p in problem.participants}
    listed: set[str] = set()
    for i, person in enumerate(result.unplaced):
        where = f"unplaced[{i}]"
        if person.id not in known:
            errors.append(f"{where}: unknown participant {person.id!r}")
        elif person.id in listed:
            errors.append(f"{where}: participant {person.id!r} is listed twice")
        elif person.id in placed_in:
            errors.append(f"{where}: participant {person.id!r} is also placed")
        if not person.reason:
            errors.append(f"{where}: no reason given")
        listed.add(person.id)
    for p in problem.participants:
        if p.id not in placed_in and p.id not in listed:
            errors.append(f"participant {p.id!r} is neither placed nor listed as unplaced")
    return errors


def _kept_errors(problem: Problem, result: Result) -> list[str]:
    """Kept cohorts must still be there, with the same facilitator, start and members."""
    errors = []
    present = {(c.facilitator, c.start): set(c.participants) for c in result.cohorts}
    for i, cohort in enumerate(problem.fixed_cohorts):
        members = present.get((cohort.facilitator, cohort.start))
        if members is None or not set(cohort.participants) <= members:
            errors.append(f"fixed_cohorts[{i}] is missing or lost members")
        elif not problem.fill_fixed_cohorts and members != set(cohort.participants):
            errors.append(f"fixed_cohorts[{i}] gained members though fill_fixed_cohorts is off")
    return errors
