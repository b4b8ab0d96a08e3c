"""Turn a plan into named cohorts, and explain why people were left out.

At each start the people are split over the cohorts there: every new cohort first gets
``min_size``, then the rest go one by one to the smallest cohort with room, which keeps
sizes as even as possible. Who goes where is dealt by experience level so each level is
spread over the cohorts at that start rather than clumped in one.
"""

from __future__ import annotations

from collections import Counter

from .plan import Plan, Schedule
from .prepare import Instance
from .problem import Cohort, Result, Unplaced

ALL_FULL = "the cohorts at their times are full and no facilitator is free then"
TOO_FEW_LEFT = "too few of the other people left out share a time with a facilitator who is free"


class _Forming:
    """A cohort being filled: its facilitator, members so far and how many more it takes."""

    def __init__(self, facilitator: int, members: list[int]) -> None:
        self.facilitator = facilitator
        self.members = members
        self.quota = 0
        self.levels: Counter[int | None] = Counter()


def arrange(instance: Instance, plan: Plan) -> list[Cohort]:
    """Kept cohorts first (in their original order), then new ones by start and facilitator."""
    problem = instance.problem
    at_start: dict[int, list[int]] = {}
    for p, k in sorted(plan.assignment.items()):
        at_start.setdefault(k, []).append(p)
    kept = [_Forming(c.facilitator, list(c.members)) for c in instance.kept]
    kept_at: dict[int, list[_Forming]] = {}
    for cohort, forming in zip(instance.kept, kept, strict=True):
        if cohort.start is not None and cohort.room:
            kept_at.setdefault(cohort.start, []).append(forming)
    new: list[tuple[int, _Forming]] = []
    for f, k in sorted(plan.openings, key=lambda o: (o[1], problem.facilitators[o[0]].id)):
        new.append((k, _Forming(f, [])))

    new_at: dict[int, list[_Forming]] = {}
    for k, forming in new:
        new_at.setdefault(k, []).append(forming)
    for k, people in at_start.items():
        _fill(instance, new_at.get(k, []), kept_at.get(k, []), people)

    minute = instance.minute
    cohorts = [
        Cohort(
            facilitator=problem.facilitators[forming.facilitator].id,
            start=cohort.start_minute,
            participants=[problem.participants[p].id for p in forming.members],
        )
        for cohort, forming in zip(instance.kept, kept, strict=True)
    ]
    cohorts += [
        Cohort(
            facilitator=problem.facilitators[forming.facilitator].id,
            start=minute(k),
            participants=[problem.participants[p].id for p in forming.members],
        )
        for k, forming in new
    ]
    return cohorts


def _fill(instance: Instance, new: list[_Forming], kept: list[_Forming], people: list[int]) -> None:
    """Share ``people`` over the cohorts at one start: sizes first, then experience."""
    problem = instance.problem
    room = {id(forming): problem.max_size - len(forming.members) for forming in kept}
    for forming in new:
        forming.quota = problem.min_size
        room[id(forming)] = problem.max_size - problem.min_size
    everyone = new + kept
    for _ in range(len(people) - problem.min_size * len(new)):
        open_ = [forming for forming in everyone if room[id(forming)] > 0]
        smallest = min(open_, key=lambda c: len(c.members) + c.quota)
        smallest.quota += 1
        room[id(smallest)] -= 1

    experience = [problem.participants[p].experience for p in people]
    for forming in everyone:
        forming.levels.update(problem.participants[p].experience for p in forming.members)
    order = sorted(range(len(people)), key=lambda i: (experience[i] is None, experience[i] or 0))
    for i in order:
        level = experience[i]
        target = min(
            (forming for forming in everyone if forming.quota > 0),
            key=lambda c: (c.levels[level], -c.quota),
        )
        target.members.append(people[i])
        target.levels[level] += 1
        target.quota -= 1


def explain(instance: Instance, plan: Plan) -> list[Unplaced]:
    """Everyone left out, in input order, with the reason that applies to them."""
    problem = instance.problem
    schedule = Schedule(instance, plan.openings)
    facilitators_at = instance.facilitators_at
    in_kept = {p for cohort in instance.kept for p in cohort.members}
    unplaced = []
    for p, person in enumerate(problem.participants):
        if p in plan.assignment or p in in_kept:
            continue
        reason = instance.reasons.get(p)
        if reason is None:
            someone_free = any(
                schedule.free_at(k, facilitators_at[k]) for k in instance.participant_starts[p]
            )
            reason = TOO_FEW_LEFT if someone_free else ALL_FULL
        unplaced.append(Unplaced(id=person.id, reason=reason))
    return unplaced


def to_result(instance: Instance, plan: Plan, seconds: float) -> Result:
    """The public ``Result`` for a plan, with the figures callers and the benchmark show."""
    cohorts = arrange(instance, plan)
    unplaced = explain(instance, plan)
    sizes = [len(c.participants) for c in cohorts]
    return Result(
        cohorts=cohorts,
        unplaced=unplaced,
        stats={
            "placed": sum(sizes),
            "participants": len(instance.problem.participants),
            "cohorts": len(cohorts),
            "seconds": round(seconds, 2),
            "mean_size": round(sum(sizes) / len(sizes), 2) if sizes else 0,
            "off_target": sum(abs(n - instance.problem.target_size) for n in sizes),
            "busiest_day": max(Counter(c.start // 1440 for c in cohorts).values(), default=0),
        },
    )
