"""Turn a plan into named cohorts, and explain why people were left out.

At each start the people are split over the cohorts there. Soft-tier members go first, at
most the tier's limit to a cohort, new cohorts before kept ones. Then every new cohort is
brought up to ``min_size`` (and kept ones that fell below it too), and the rest go one by
one to the cohort furthest below its target (its facilitator's preferred size, or the
round's), which keeps sizes as even as the targets allow. Who goes where is dealt by
experience level so each level is spread over the cohorts at that start rather than
clumped in one.
"""

from __future__ import annotations

from collections import Counter

from .plan import Plan, Schedule, penalty
from .prepare import Instance
from .problem import Cohort, Result, SoftMember, Unplaced

ALL_FULL = "the cohorts at their times are full and no facilitator is free then"
TOO_FEW_LEFT = "too few of the other people left out share a time with a facilitator who is free"


class _Forming:
    """A cohort being filled: its facilitator, members so far and how many more it takes.

    ``room`` is how many more it may take in all and ``soft_room`` how many of those
    through the soft tier; ``soft`` holds those placed that way.
    """

    def __init__(
        self, facilitator: int, members: list[int], *, target: int, room: int, soft_room: int
    ) -> None:
        self.facilitator = facilitator
        self.members = members
        self.target = target
        self.room = room
        self.soft_room = soft_room
        self.soft: list[int] = []
        self.quota = 0
        self.levels: Counter[int | None] = Counter()

    @property
    def size(self) -> int:
        return len(self.members) + self.quota


def arrange(instance: Instance, plan: Plan) -> list[Cohort]:
    """Kept cohorts first (in their original order), then new ones by start and facilitator."""
    problem = instance.problem
    at_start: dict[int, list[int]] = {}
    for p, k in sorted(plan.assignment.items()):
        at_start.setdefault(k, []).append(p)
    kept = [
        _Forming(
            c.facilitator,
            list(c.members),
            target=instance.target_of[c.facilitator],
            room=c.room,
            soft_room=c.soft_room,
        )
        for c in instance.kept
    ]
    kept_at: dict[int, list[_Forming]] = {}
    for cohort, forming in zip(instance.kept, kept, strict=True):
        if cohort.start is not None and cohort.room:
            kept_at.setdefault(cohort.start, []).append(forming)
    new: list[tuple[int, _Forming]] = []
    for f, k in sorted(plan.openings, key=lambda o: (o[1], problem.facilitators[o[0]].id)):
        forming = _Forming(
            f,
            [],
            target=instance.target_of[f],
            room=problem.max_size,
            soft_room=instance.soft_cap,
        )
        new.append((k, forming))

    new_at: dict[int, list[_Forming]] = {}
    for k, forming in new:
        new_at.setdefault(k, []).append(forming)
    for k, people in at_start.items():
        _fill(instance, k, new_at.get(k, []), kept_at.get(k, []), people)

    cohorts = [
        _cohort(instance, forming, cohort.start, cohort.start_minute, given.soft_members)
        for cohort, forming, given in zip(instance.kept, kept, problem.fixed_cohorts, strict=True)
    ]
    cohorts += [_cohort(instance, forming, k, instance.minute(k)) for k, forming in new]
    return cohorts


def without_short_cohorts(instance: Instance, plan: Plan) -> Plan:
    """The plan less any new cohort that ``arrange`` cannot fill to the minimum size.

    The soft pass counts people per start, and a start can pass those counts with
    newcomers who are mostly soft members although each new cohort takes at most
    ``soft_cap`` of them: two people who cannot make the meeting at all do not make a
    cohort of three. Such a cohort is not opened and its people stay unplaced, so every
    cohort the solver returns is valid.
    """
    problem = instance.problem
    facilitator_index = {f.id: i for i, f in enumerate(problem.facilitators)}
    participant_index = {p.id: i for i, p in enumerate(problem.participants)}
    while True:
        new = arrange(instance, plan)[len(instance.kept) :]
        short = next((c for c in new if len(c.participants) < problem.min_size), None)
        if short is None:
            return plan
        opening = (facilitator_index[short.facilitator], short.start // problem.slot_minutes)
        openings = list(plan.openings)
        openings.remove(opening)
        left_out = {participant_index[p] for p in short.participants}
        assignment = {p: k for p, k in plan.assignment.items() if p not in left_out}
        plan = Plan(openings=openings, assignment=assignment)


def _cohort(
    instance: Instance,
    forming: _Forming,
    k: int | None,
    minute: int,
    already: list[SoftMember] = (),
) -> Cohort:
    problem = instance.problem
    return Cohort(
        facilitator=problem.facilitators[forming.facilitator].id,
        start=minute,
        participants=[problem.participants[p].id for p in forming.members],
        soft_members=[
            *already,
            *(
                SoftMember(
                    id=problem.participants[p].id,
                    missed_minutes=instance.missed.get((p, k), 0),
                    assumed_window=p in instance.assumed,
                )
                for p in forming.soft
            ),
        ],
    )


def _fill(
    instance: Instance, k: int, new: list[_Forming], kept: list[_Forming], people: list[int]
) -> None:
    """Share the ``people`` sent to start ``k`` over the cohorts there, as the module says."""
    problem = instance.problem
    everyone = new + kept
    soft = [p for p in people if instance.soft_at(p, k)]
    strict = [p for p in people if not instance.soft_at(p, k)]
    for p in soft:
        # Spread out, one at a time to the cohort with the fewest so far, new ones first.
        open_ = [(i >= len(new), len(c.soft), i) for i, c in enumerate(everyone) if c.room > 0]
        eligible = [key for key in open_ if key[1] < everyone[key[2]].soft_room]
        if not eligible:
            raise RuntimeError(f"more soft members at start {k} than its cohorts may take")
        cohort = everyone[min(eligible)[2]]
        cohort.soft.append(p)
        cohort.members.append(p)
        cohort.room -= 1

    # How many strict people each cohort takes: minimums first, then towards targets.
    left = len(strict)
    for minimum, group in ((problem.min_size, new), (problem.min_size, kept)):
        for cohort in group:
            wanted = max(0, min(minimum - cohort.size, cohort.room - cohort.quota, left))
            cohort.quota += wanted
            left -= wanted
    for _ in range(left):
        open_ = [c for c in everyone if c.room > c.quota]
        neediest = max(open_, key=lambda c: (c.target - c.size, -c.size))
        neediest.quota += 1

    experience = [problem.participants[p].experience for p in strict]
    for forming in everyone:
        forming.levels.update(problem.participants[p].experience for p in forming.members)
    order = sorted(range(len(strict)), key=lambda i: (experience[i] is None, experience[i] or 0))
    for i in order:
        level = experience[i]
        target = min(
            (forming for forming in everyone if forming.quota > 0),
            key=lambda c: (c.levels[level], -c.quota),
        )
        target.members.append(strict[i])
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
    problem = instance.problem
    priority = {p.id for p in problem.participants if p.priority}
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
            "penalty": penalty(instance, plan),
            "priority_placed": sum(p in priority for c in cohorts for p in c.participants),
            "soft_placed": sum(len(c.soft_members) for c in cohorts),
        },
    )
