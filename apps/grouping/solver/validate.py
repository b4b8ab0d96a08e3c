"""Check a result against the rules, independently of how it was produced.

``validate`` recomputes everything from the problem's raw data (it does not trust the
solver's indexing or pruning), so tests and the benchmark can use it as the referee.
"""

from __future__ import annotations

from collections import defaultdict

from apps.rounds.cyclic_week import MINUTES_PER_WEEK, covers, normalise, overlap

from .problem import Cohort, Participant, Problem, Result, SoftMember
from .soft import default_window, missed_minutes


def validate(problem: Problem, result: Result) -> list[str]:
    """Every broken rule in ``result``, as readable sentences; empty when it is valid."""
    errors: list[str] = []
    participants = {p.id: p for p in problem.participants}
    facilitators = {f.id: f for f in problem.facilitators}
    kept = {(c.facilitator, c.start): c for c in problem.fixed_cohorts}
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
        given = kept.get((cohort.facilitator, cohort.start))
        already = set(given.participants) if given else set()
        soft = {m.id: m for m in cohort.soft_members}
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
            # Kept cohorts keep their members, whatever their times.
            if person in already:
                continue
            if person in soft:
                errors += _soft_errors(problem, cohort, participants[person], soft[person], where)
            elif not covers(
                participants[person].availability, cohort.start, problem.meeting_minutes
            ):
                errors.append(
                    f"{where}: participant {person!r} is not available for the whole meeting"
                )
        errors += _soft_count_errors(problem, cohort, given, participants, where)

    errors += _facilitator_errors(problem, result, led)
    errors += _unplaced_errors(problem, result, placed_in)
    errors += _kept_errors(problem, result)
    return errors


def _soft_errors(
    problem: Problem, cohort: Cohort, person: Participant, listed: SoftMember, where: str
) -> list[str]:
    """A member placed through the soft tier must meet its rules, with the shortfall right."""
    tier = problem.soft
    name = f"{where}: soft member {person.id!r}"
    if tier is None:
        return [f"{name} is placed through the soft tier, which is off"]
    if listed.assumed_window:
        if person.availability or not person.time_zone or not tier.default_window:
            return [f"{name} has a default window without being someone who gave only a zone"]
        times = default_window(person.time_zone, tier.week_of)
    else:
        times = normalise(person.availability)
    missed = missed_minutes(times, cohort.start, problem.meeting_minutes)
    errors = []
    if missed != listed.missed_minutes:
        errors.append(f"{name} misses {missed} minutes, not {listed.missed_minutes}")
    if missed > tier.missed_minutes:
        errors.append(f"{name} misses {missed} minutes, more than {tier.missed_minutes}")
    if not missed and not listed.assumed_window:
        errors.append(f"{name} can attend the whole meeting, so is not a soft member")
    return errors


def _soft_count_errors(
    problem: Problem,
    cohort: Cohort,
    given: Cohort | None,
    participants: dict[str, Participant],
    where: str,
) -> list[str]:
    """No cohort takes more soft members than the tier allows, counting kept members who
    already miss part of the meeting."""
    already = set(given.participants) if given else set()
    added = [m for m in cohort.soft_members if m.id not in already]
    if not added:
        return []
    unknown = [m.id for m in added if m.id not in cohort.participants]
    if unknown:
        return [f"{where}: soft members {unknown} are not among its participants"]
    missing = sum(
        not covers(participants[p].availability, cohort.start, problem.meeting_minutes)
        for p in already
        if p in participants
    )
    cap = problem.soft.members_per_cohort if problem.soft else 0
    if len(added) + missing > cap:
        return [f"{where}: has {len(added) + missing} soft members, more than {cap}"]
    return []


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
