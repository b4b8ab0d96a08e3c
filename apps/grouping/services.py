"""Writes for grouping: running the solver over a round, editing the drafts, publishing them.

A run turns a round's accepted people into *draft* cohorts (unpublished ``Cohort`` rows),
which staff review and adjust by hand before publishing them all at once. Published
cohorts are never changed here. Every hand edit locks the round's row and re-checks the
round as it stands, so two people editing at once cannot both take a cohort's last seat or
book a facilitator twice; while a run is queued or running, hand edits wait for it.
"""

import logging
import time
from collections.abc import Callable
from datetime import time as clock_time

from django.db import transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.admissions.models import Decision
from apps.admissions.services import decisions_make
from apps.cohorts.models import Cohort, Placement
from apps.cohorts.services import (
    CohortError,
    UnavailableSlotError,
    cohort_create,
    cohort_move_participant,
    cohort_publish,
    cohort_reschedule,
    cohort_slot_start,
    participant_place_late,
    placement_set,
)
from apps.grouping import selectors
from apps.grouping.models import GroupingPreference, GroupingRun
from apps.grouping.solver import ProblemError, Progress, Result, solve
from apps.rounds import weekgrid
from apps.rounds.models import Enrollment, Round

logger = logging.getLogger(__name__)

# The run's row is updated at most this often while the solver works.
PROGRESS_EVERY_SECONDS = 0.5
MESSAGE_LENGTH = GroupingRun._meta.get_field("message").max_length


class GroupingError(Exception):
    """A grouping action that cannot be done, with a message for people."""


class NeedsConfirmation(GroupingError):
    """The action would leave people unable to attend; it needs an explicit yes.

    ``check`` is what the person should see before saying yes: a ``ChangeCheck`` for
    a new time or facilitator, a ``PublishCheck`` for publishing.
    """

    def __init__(self, message: str, *, check=None):
        super().__init__(message)
        self.check = check


def _short(text: str) -> str:
    return text if len(text) <= MESSAGE_LENGTH else text[: MESSAGE_LENGTH - 1] + "…"


def _lock(round: Round) -> Round:
    """Take the round's row lock; every write to a round's drafts goes through it."""
    return Round.objects.select_for_update().select_related("course").get(pk=round.pk)


def _locked_state(round: Round) -> selectors.RoundState:
    round = _lock(round)
    if selectors.active_run_exists(round=round):
        raise GroupingError(
            "Grouping is running for this round. Wait for it to finish before changing "
            "cohorts by hand."
        )
    return selectors.round_state(round=round)


# Runs --------------------------------------------------------------------------------


@transaction.atomic
def grouping_run_start(
    *, round: Round, by: User | None, only_unplaced: bool = False, fill_published: bool = False
) -> GroupingRun:
    """Create a queued grouping run for the round.

    The caller then queues ``tasks.run_grouping`` with the run's id for when this commits,
    as the start page does: tasks import services, never the reverse.

    A normal run regroups everyone outside published cohorts and replaces the draft
    cohorts. ``only_unplaced`` keeps the drafts as they are and places only the rest,
    letting newcomers join drafts that have room. ``fill_published`` places accepted people
    outside the published cohorts into published cohorts with room, forming no new ones
    and leaving the drafts alone (for people accepted after publication). A run left
    queued or running far longer than the time limit (its worker died) is marked failed
    so that a new one can start.
    """
    round = _lock(round)
    now = timezone.now()
    for run in GroupingRun.objects.filter(round=round, status__in=selectors.ACTIVE_RUN_STATUSES):
        if not selectors.run_is_stale(run, now=now):
            raise GroupingError(
                "Grouping is already running for this round. Wait for it to finish."
            )
        run.status = GroupingRun.Status.FAILED
        run.message = "Stopped without finishing: the background worker may have restarted."
        run.finished_at = now
        run.save(update_fields=["status", "message", "finished_at"])

    waiting = (
        Enrollment.objects.filter(round=round)
        .participants()
        .eligible()
        .exclude(placement__cohort__published_at__isnull=False)
    )
    if not waiting.exists():
        raise GroupingError(
            "There is nobody to group: the round has no accepted participants outside "
            "published cohorts."
        )
    if fill_published:
        if not Cohort.objects.filter(round=round, published_at__isnull=False).exists():
            raise GroupingError("There are no published cohorts to place people in yet.")
        only_unplaced = False
    elif only_unplaced:
        if not Cohort.objects.filter(round=round, published_at__isnull=True).exists():
            raise GroupingError(
                "There are no draft cohorts to keep. Use “Form cohorts” to group everyone."
            )
        if not waiting.filter(placement__isnull=True).exists():
            raise GroupingError("Everyone is already in a cohort; there is nobody left to place.")

    run = GroupingRun.objects.create(
        round=round,
        only_unplaced=only_unplaced,
        fill_published=fill_published,
        requested_by=by,
        message="Waiting for a background worker to start",
    )
    logger.info("Grouping run %s of round %s queued by user %s", run.pk, round.pk, by and by.pk)
    return run


class _ProgressWriter:
    """The solver's progress callback: writes share and message to the run, not too often."""

    def __init__(self, run_id: int, *, clock: Callable[[], float] = time.monotonic):
        self.run_id = run_id
        self.clock = clock
        self.last: float | None = None

    def __call__(self, progress: Progress) -> None:
        now = self.clock()
        if self.last is not None and now - self.last < PROGRESS_EVERY_SECONDS:
            return
        self.last = now
        _progress(
            self.run_id,
            progress.share,
            f"Searching: {progress.message}",
            placed=progress.placed,
            bound=progress.bound,
        )


def _progress(
    run_id: int, share: float, message: str, *, placed: int | None = None, bound: int | None = None
) -> None:
    figures = {"placed": placed} if placed is not None else {}
    if bound is not None:
        figures["bound"] = bound
    GroupingRun.objects.filter(pk=run_id, status=GroupingRun.Status.RUNNING).update(
        progress=max(0, min(99, int(share * 100))), message=_short(message), **figures
    )


def grouping_run_execute(*, run_id: int) -> GroupingRun:
    """Run a queued grouping: build the problem, solve it, write the drafts, record it all.

    Only a run still queued is started (a second delivery of the same task does nothing).
    Any failure marks the run failed with a message saying what went wrong.
    """
    claimed = GroupingRun.objects.filter(pk=run_id, status=GroupingRun.Status.QUEUED).update(
        status=GroupingRun.Status.RUNNING, progress=0, message="Reading the round"
    )
    run = GroupingRun.objects.select_related("round").get(pk=run_id)
    if not claimed:
        return run
    try:
        built = selectors.problem_for_round(
            round=run.round,
            time_limit_seconds=selectors.time_limit_seconds(),
            keep_drafts=run.only_unplaced,
            keep_published=run.fill_published,
        )
        _progress(run.pk, 0, f"Grouping {len(built.problem.participants)} participants")
        result = solve(built.problem, progress=_ProgressWriter(run.pk))
        if run.fill_published:
            _progress(run.pk, 0.99, "Placing people in the published cohorts")
            _write_fill(run=run, built=built, result=result)
        else:
            _progress(run.pk, 0.99, "Saving the draft cohorts")
            _write_result(run=run, built=built, result=result)
    except (GroupingError, selectors.GroupingProblemError, ProblemError) as error:
        _fail(run, str(error))
    except Exception as error:  # noqa: BLE001 - whatever it was, the page must say the run failed
        logger.exception("Grouping run %s failed", run.pk)
        _fail(run, f"Grouping stopped with an error: {error.__class__.__name__}: {error}")
    run.refresh_from_db()
    return run


def _fail(run: GroupingRun, message: str) -> None:
    GroupingRun.objects.filter(pk=run.pk).update(
        status=GroupingRun.Status.FAILED, message=_short(message), finished_at=timezone.now()
    )


@transaction.atomic
def _write_result(*, run: GroupingRun, built: selectors.RoundProblem, result: Result) -> None:
    """Turn the solver's cohorts into draft cohorts and finish the run, all or nothing."""
    round = _lock(run.round)
    if not GroupingRun.objects.filter(pk=run.pk, status=GroupingRun.Status.RUNNING).exists():
        raise GroupingError("The run was stopped before its result could be saved.")
    problem = built.problem
    kept_count = len(built.kept_cohort_ids)
    kept = Cohort.objects.in_bulk(built.kept_cohort_ids)
    if any(kept.get(pk) is None or kept[pk].is_published for pk in built.kept_cohort_ids):
        raise GroupingError("The draft cohorts changed while grouping ran; run it again.")
    for i, solved in enumerate(result.cohorts[:kept_count]):
        fixed = problem.fixed_cohorts[i]
        if (solved.facilitator, solved.start) != (fixed.facilitator, fixed.start):
            raise GroupingError("The solver changed a kept cohort; nothing was saved.")

    # People a facilitator moved into a published cohort meanwhile stay where they are.
    in_published = set(
        Placement.objects.filter(
            cohort__round=round, cohort__published_at__isnull=False
        ).values_list("enrollment_id", flat=True)
    )
    if not kept_count:
        Cohort.objects.filter(round=round, published_at__isnull=True).delete()
    ids = {
        selectors.from_solver_id(p)
        for c in result.cohorts
        for p in [*c.participants, c.facilitator]
    }
    people = Enrollment.objects.select_related("user", "round").in_bulk(ids)
    names = set(Cohort.objects.filter(round=round).values_list("name", flat=True))

    def place(cohort: Cohort, members: list[str]) -> None:
        for member in members:
            if selectors.from_solver_id(member) not in in_published:
                placement_set(enrollment=people[selectors.from_solver_id(member)], cohort=cohort)

    for i, solved in enumerate(result.cohorts[:kept_count]):
        already = set(problem.fixed_cohorts[i].participants)
        place(kept[built.kept_cohort_ids[i]], [p for p in solved.participants if p not in already])
    # New cohorts are numbered in the order they meet in the week.
    number = 0
    for solved in sorted(result.cohorts[kept_count:], key=lambda c: (c.start, c.facilitator)):
        number += 1
        while f"Cohort {number}" in names:
            number += 1
        names.add(f"Cohort {number}")
        cohort = cohort_create(
            round=round,
            name=f"Cohort {number}",
            slot_start=solved.start,
            facilitators=[people[selectors.from_solver_id(solved.facilitator)]],
        )
        place(cohort, solved.participants)

    placed = sum(len(c.participants) for c in result.cohorts)
    stats = {
        **{k: v for k, v in result.stats.items() if isinstance(v, int | float | str | bool)},
        "kept_cohorts": kept_count,
        "facilitators": len(problem.facilitators),
    }
    GroupingRun.objects.filter(pk=run.pk).update(
        status=GroupingRun.Status.DONE,
        progress=100,
        placed=placed,
        bound=result.stats.get("bound"),
        message=_short(
            f"Placed {placed} of {len(problem.participants)} participants in "
            f"{len(result.cohorts)} cohort{'s' if len(result.cohorts) != 1 else ''}."
        ),
        unplaced=[
            {"id": selectors.from_solver_id(u.id), "reason": u.reason} for u in result.unplaced
        ],
        stats=stats,
        finished_at=timezone.now(),
    )
    logger.info("Grouping run %s of round %s saved: %s", run.pk, round.pk, stats)


@transaction.atomic
def _write_fill(*, run: GroupingRun, built: selectors.RoundProblem, result: Result) -> None:
    """Place the newcomers the solver put in published cohorts, each as a late placement.

    Each placement checks the cohort's room again with its row locked (visitors count,
    which the solver does not see); someone it refuses is reported as left out.
    """
    _lock(run.round)
    if not GroupingRun.objects.filter(pk=run.pk, status=GroupingRun.Status.RUNNING).exists():
        raise GroupingError("The run was stopped before its result could be saved.")
    problem = built.problem
    kept = Cohort.objects.in_bulk(built.kept_cohort_ids)
    ids = {selectors.from_solver_id(p) for c in result.cohorts for p in c.participants}
    people = Enrollment.objects.select_related("user", "round").in_bulk(ids)
    unplaced = [{"id": selectors.from_solver_id(u.id), "reason": u.reason} for u in result.unplaced]
    newcomers = len(problem.participants) - sum(len(c.participants) for c in problem.fixed_cohorts)
    placed = 0
    for i, solved in enumerate(result.cohorts[: len(built.kept_cohort_ids)]):
        cohort = kept.get(built.kept_cohort_ids[i])
        already = set(problem.fixed_cohorts[i].participants)
        for member in solved.participants:
            if member in already:
                continue
            person = people[selectors.from_solver_id(member)]
            try:
                participant_place_late(
                    enrollment=person, cohort=cohort, by=run.requested_by, allow_unavailable=True
                )
            except CohortError as error:
                unplaced.append({"id": person.pk, "reason": str(error)})
            else:
                placed += 1
    GroupingRun.objects.filter(pk=run.pk).update(
        status=GroupingRun.Status.DONE,
        progress=100,
        placed=placed,
        bound=result.stats.get("bound"),
        message=_short(f"Placed {placed} of {newcomers} in published cohorts."),
        unplaced=unplaced,
        stats={k: v for k, v in result.stats.items() if isinstance(v, int | float | str | bool)},
        finished_at=timezone.now(),
    )


# Editing drafts by hand --------------------------------------------------------------


@transaction.atomic
def draft_move_participant(
    *,
    round: Round,
    enrollment_id: int,
    to_cohort_id: int | None,
    by: User | None,
    allow_unavailable: bool = False,
) -> Cohort | None:
    """Move a participant into a draft cohort of the round, or out of every cohort (None).

    Refused past the round's maximum size; a cohort whose meeting the person's
    availability does not cover needs ``allow_unavailable``.
    """
    state = _locked_state(round)
    person = state.people.get(enrollment_id)
    if person is None or person.is_facilitator:
        raise GroupingError("Only accepted participants of this round can be placed.")
    current = state.by_pk.get(state.cohort_of.get(enrollment_id))
    if current is not None and current.is_published:
        raise GroupingError(
            f"{person.user.name} is in {current.name}, which is published; move them from "
            "that cohort's page."
        )
    if to_cohort_id is None:
        if current is None:
            raise GroupingError(f"{person.user.name} is not in a cohort.")
        placement_set(enrollment=person, cohort=None)
        logger.info("Enrollment %s taken out of %s by user %s", person.pk, current.pk, by and by.pk)
        return None
    target = state.by_pk.get(to_cohort_id)
    if target is None or target.is_published:
        raise GroupingError("Choose one of this round's draft cohorts.")
    try:
        cohort_move_participant(
            enrollment=person, to=target, by=by, allow_unavailable=allow_unavailable
        )
    except UnavailableSlotError as error:
        raise NeedsConfirmation(str(error)) from None
    except CohortError as error:
        raise GroupingError(str(error)) from None
    return target


def _settle(check: selectors.ChangeCheck, *, confirmed: bool, what: str) -> None:
    if check.blockers:
        raise GroupingError(" ".join(check.blockers))
    if check.absentees and not confirmed:
        names = ", ".join(a.enrollment.user.name for a in check.absentees)
        raise NeedsConfirmation(
            f"{names} could not attend {what}. Tick the box to confirm the change anyway.",
            check=check,
        )


@transaction.atomic
def draft_set_facilitator(
    *, round: Round, cohort_id: int, facilitator_id: int, by: User | None, confirmed: bool = False
) -> selectors.ChangeCheck:
    """Give a draft cohort another facilitator of the round, at the same moment in the week.

    Refused when the facilitator already runs as many cohorts as they said they can, or
    one at an overlapping time. If anyone could not attend (the new facilitator's
    availability does not cover the meeting), it needs ``confirmed``. The cohort's slot is
    then kept in the new facilitator's zone, so it follows their summer time.
    """
    state = _locked_state(round)
    cohort = _draft(state, cohort_id)
    lead = state.people.get(facilitator_id)
    if lead is None or not lead.is_facilitator:
        raise GroupingError("Choose one of this round's facilitators.")
    if cohort.lead_ids == [facilitator_id]:
        raise GroupingError(f"{lead.user.name} already leads {cohort.name}.")
    check = selectors.change_check(
        state, cohort, slot_start=cohort.slot_start, lead_ids=[facilitator_id]
    )
    _settle(check, confirmed=confirmed, what=f"{cohort.name} with {lead.user.name}")
    weekday, local_time = weekgrid.slot_in_zone(
        cohort.slot_start, zone=lead.user.time_zone, week_of=state.round.starts_on
    )
    cohort.facilitators.set([lead])
    _reschedule(cohort, weekday=weekday, local_time=local_time, time_zone=lead.user.time_zone)
    logger.info("Draft cohort %s now led by %s (user %s)", cohort.pk, lead.pk, by and by.pk)
    return check


@transaction.atomic
def draft_reschedule(
    *,
    round: Round,
    cohort_id: int,
    weekday: int,
    local_time: clock_time,
    time_zone: str,
    by: User | None,
    confirmed: bool = False,
) -> selectors.ChangeCheck:
    """Move a draft cohort's weekly meeting to a weekday and time given in ``time_zone``.

    The time may be entered in any zone (the viewer's own, say); the cohort stays anchored
    in its own zone, at the same moment. Refused when a facilitator would then lead two
    cohorts at overlapping times; needs ``confirmed`` when anyone could not attend.
    """
    state = _locked_state(round)
    cohort = _draft(state, cohort_id)
    slot_start = cohort_slot_start(
        round=state.round, time_zone=time_zone, weekday=weekday, local_time=local_time
    )
    if slot_start == cohort.slot_start:
        raise GroupingError(f"{cohort.name} already meets at that time.")
    check = selectors.change_check(state, cohort, slot_start=slot_start, lead_ids=cohort.lead_ids)
    _settle(check, confirmed=confirmed, what=f"{cohort.name} at the new time")
    anchor_day, anchor_time = weekgrid.slot_in_zone(
        slot_start, zone=cohort.time_zone, week_of=state.round.starts_on
    )
    _reschedule(cohort, weekday=anchor_day, local_time=anchor_time, time_zone=cohort.time_zone)
    logger.info("Draft cohort %s moved to %s by user %s", cohort.pk, slot_start, by and by.pk)
    return check


def _draft(state: selectors.RoundState, cohort_id: int) -> Cohort:
    cohort = state.by_pk.get(cohort_id)
    if cohort is None or cohort.is_published:
        raise GroupingError("Only this round's draft cohorts can be changed here.")
    cohort.round = state.round
    return cohort


def _reschedule(cohort: Cohort, *, weekday: int, local_time: clock_time, time_zone: str) -> None:
    try:
        cohort_reschedule(
            cohort=cohort, weekday=weekday, local_time=local_time, time_zone=time_zone
        )
    except CohortError as error:
        raise GroupingError(str(error)) from None


# A facilitator's wishes ---------------------------------------------------------------


@transaction.atomic
def late_applicant_place(*, enrollment: Enrollment, cohort: Cohort, by: User) -> Placement:
    """Accept an applicant after cohorts are published and place them, in one step.

    The acceptance is recorded and told as every admissions decision is, so the
    waiting list and the place given count it; then the placement checks the
    cohort's room and the person's times as any late placement does.
    """
    if enrollment.status in Enrollment.DECIDABLE:
        decisions_make(
            round=enrollment.round,
            enrollment_ids=[enrollment.pk],
            outcome=Decision.Outcome.ACCEPTED,
            by=by,
        )
        enrollment.refresh_from_db(fields=["status"])
    return participant_place_late(enrollment=enrollment, cohort=cohort, by=by)


def grouping_preference_set(
    *,
    enrollment: Enrollment,
    cells: set[weekgrid.Cell],
    time_zone: str,
    preferred_size: int | None,
) -> GroupingPreference:
    """Save a facilitator's preferred times (local grid cells in ``time_zone``) and size.

    The times are stored as UTC week intervals, like availability; a priority label an
    admin gave stays as it is.
    """
    round = enrollment.round
    if preferred_size is not None and not (
        round.cohort_min_size <= preferred_size <= round.cohort_max_size
    ):
        raise GroupingError(
            f"Choose a size from {round.cohort_min_size} to {round.cohort_max_size}."
        )
    intervals = weekgrid.cells_to_intervals(cells, zone=time_zone, week_of=round.starts_on)
    preference, _ = GroupingPreference.objects.update_or_create(
        enrollment=enrollment,
        defaults={
            "preferred_times": [list(interval) for interval in intervals],
            "preferred_size": preferred_size,
        },
    )
    return preference


# Publishing --------------------------------------------------------------------------


@transaction.atomic
def drafts_publish(
    *, round: Round, by: User | None, confirmed: bool = False
) -> selectors.PublishCheck:
    """Publish every draft cohort of the round with participants, in one transaction.

    Each gets its meetings and its members see it. Checked again first: a cohort without a
    facilitator, or a facilitator booked twice, stops it; people who cannot attend their
    cohort's meeting or sizes outside the round's bounds need ``confirmed``. Drafts left
    empty by hand edits are deleted rather than published.
    """
    state = _locked_state(round)
    check = selectors.publish_check(state, has_schedule=state.round.schedule.exists())
    if not check.to_publish:
        raise GroupingError("There are no draft cohorts with participants to publish.")
    if check.blockers:
        raise GroupingError("Nothing was published. " + " ".join(check.blockers))
    if check.warnings and not confirmed:
        raise NeedsConfirmation(
            "Some cohorts need a second look; tick the box to publish them all the same.",
            check=check,
        )
    for cohort in check.empty:
        cohort.delete()
    for reviewed in check.to_publish:
        reviewed.cohort.round = state.round
        cohort_publish(cohort=reviewed.cohort)
    logger.info(
        "Round %s: %s cohorts published by user %s", round.pk, len(check.to_publish), by and by.pk
    )
    return check
