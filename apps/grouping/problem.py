"""Between the database and the grouping solver: a round's people as a ``Problem``.

Solver ids are enrollment primary keys written as strings, so a result maps back to
enrollments with ``int(id)``. Who takes part:

* participants: accepted or active participant enrollments, except those already placed
  in a published cohort (published cohorts are never changed by grouping);
* facilitators: accepted or active facilitator enrollments. Cohorts they already lead
  outside the run (published ones, and kept drafts they co-lead without being the lead
  the solver sees) use up one of their ``max_cohorts`` each, and the time of each of
  those meetings is taken out of their availability so nothing new overlaps it.

When ``keep_drafts`` is set, the round's draft cohorts become the solver's
``fixed_cohorts`` (with ``fill_fixed_cohorts`` on), so only the people outside them are
grouped, and newcomers may join them up to the maximum size.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from apps.cohorts.models import Cohort, Placement
from apps.grouping.solver import Cohort as SolverCohort
from apps.grouping.solver import Facilitator, Participant, Problem
from apps.rounds.cyclic_week import Interval, subtract
from apps.rounds.models import AvailabilitySlot, Enrollment, Round

SLOT_MINUTES = 30


class GroupingProblemError(Exception):
    """The round cannot be turned into a grouping problem; the message says why."""


@dataclass(frozen=True)
class RoundProblem:
    """A solver problem with what is needed to write its result back.

    ``kept_cohort_ids[i]`` is the draft cohort behind ``problem.fixed_cohorts[i]``.
    """

    problem: Problem
    kept_cohort_ids: list[int]


def solver_id(enrollment_id: int) -> str:
    return str(enrollment_id)


def from_solver_id(solver_key: str) -> int:
    return int(solver_key)


def problem_for_round(
    *, round: Round, time_limit_seconds: float, keep_drafts: bool = False
) -> RoundProblem:
    """The grouping problem for ``round`` as its rows stand now (five queries)."""
    people = {e.pk: e for e in Enrollment.objects.filter(round=round).eligible().order_by("pk")}
    availability: dict[int, list[Interval]] = defaultdict(list)
    for owner, start, end in AvailabilitySlot.objects.filter(
        enrollment__round=round, enrollment__status__in=Enrollment.ELIGIBLE
    ).values_list("enrollment_id", "start", "end"):
        availability[owner].append((start, end))
    cohorts = {c.pk: c for c in Cohort.objects.filter(round=round)}
    placed = dict(
        Placement.objects.filter(cohort__round=round).values_list("enrollment_id", "cohort_id")
    )
    leads: dict[int, list[int]] = defaultdict(list)
    for cohort_id, lead_id in (
        Cohort.facilitators.through.objects.filter(cohort__round=round)
        .order_by("pk")
        .values_list("cohort_id", "enrollment_id")
    ):
        leads[cohort_id].append(lead_id)

    facilitator_ids = {pk for pk, e in people.items() if e.is_facilitator}
    kept = (
        [c for c in sorted(cohorts.values(), key=lambda c: c.pk) if not c.is_published]
        if keep_drafts
        else []
    )
    kept_ids = {c.pk for c in kept}

    # Meetings each facilitator is held to outside what the solver decides.
    busy: dict[int, list[int]] = defaultdict(list)
    kept_lead: dict[int, int] = {}
    for cohort in cohorts.values():
        cohort_leads = [f for f in leads[cohort.pk] if f in facilitator_ids]
        if cohort.pk in kept_ids:
            if not cohort_leads:
                raise GroupingProblemError(
                    f"{cohort.name} has no facilitator. Give it one before placing the rest."
                )
            kept_lead[cohort.pk] = cohort_leads[0]
            cohort_leads = cohort_leads[1:]
        elif not cohort.is_published:
            continue  # a draft that this run replaces
        for f in cohort_leads:
            busy[f].append(cohort.slot_start)

    participants = [
        Participant(
            id=solver_id(pk),
            availability=availability[pk],
            experience=enrollment.experience,
        )
        for pk, enrollment in people.items()
        if not enrollment.is_facilitator and not (pk in placed and cohorts[placed[pk]].is_published)
    ]
    listed = {p.id for p in participants}
    leading_kept = set(kept_lead.values())
    facilitators = []
    for pk in sorted(facilitator_ids):
        free = availability[pk]
        for start in busy[pk]:
            free = subtract(free, start, round.meeting_minutes)
        capacity = people[pk].max_cohorts - len(busy[pk])
        if capacity < 1 and pk not in leading_kept:
            continue
        facilitators.append(
            Facilitator(id=solver_id(pk), availability=free, max_cohorts=max(1, capacity))
        )

    members: dict[int, list[str]] = defaultdict(list)
    for pk, cohort_id in placed.items():
        if solver_id(pk) in listed:
            members[cohort_id].append(solver_id(pk))
    fixed = [
        SolverCohort(
            facilitator=solver_id(kept_lead[cohort.pk]),
            start=cohort.slot_start,
            participants=sorted(members[cohort.pk], key=int),
        )
        for cohort in kept
    ]
    problem = Problem(
        slot_minutes=SLOT_MINUTES,
        meeting_minutes=round.meeting_minutes,
        min_size=round.cohort_min_size,
        max_size=round.cohort_max_size,
        target_size=round.cohort_target_size,
        time_limit_seconds=time_limit_seconds,
        participants=participants,
        facilitators=facilitators,
        fixed_cohorts=fixed,
        fill_fixed_cohorts=True,
    )
    return RoundProblem(problem=problem, kept_cohort_ids=[c.pk for c in kept])
