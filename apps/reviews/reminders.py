"""Peer review messages: reviews assigned and reviews ready to read, told at once, and
"peer reviews due soon".

Reviews due: one reminder per reviewer, exercise and due date. The reviews
assigned at the deadline share one due date and so one reminder; a review
handed out later (a replacement, or work for a late submitter) has its own due
date and gets its own reminder.

Reviews assigned: one message per reviewer per batch (an allocation, a late
fitting, a reassignment or a hand-over), however many reviews it gives them,
rather than one per review, which at the deadline would be two or three
emails at once about the same thing. Its occasion is the reviewer's first new
assignment of the batch, a row made once, so a batch is told exactly once.

Reviews released: one message per submission, the first moment its author may
read a review of it. That moment comes from something done (a reviewer
submits, or the author finishes their own reviews), and the services schedule
the message then, or from time passing (the reviews' due date), which the
planner finds. The planner also catches what no service announces, such as an
author's last unfinished review being handed to someone else.
"""

from collections import defaultdict
from datetime import timedelta

from django.urls import reverse

from apps.courses.models import Exercise
from apps.reminders.registry import MAX_LEAD, PARTICIPANT, Kind, Outcome, Planned, register
from apps.reviews.models import PeerReviewSettings, ReviewAssignment
from apps.reviews.selectors.pools import SETTLE_FOR
from apps.reviews.selectors.received import readable_reviews
from apps.rounds.models import Enrollment, RoundUnit

_STAMP = "%Y%m%d%H%M"


def _object_id(reminder) -> int:
    return int(reminder.occasion.split(":")[1])


def _occasion(reviewer_id: int, exercise_id: int, due_at) -> str:
    return f"reviews:{reviewer_id}:{exercise_id}:{due_at:{_STAMP}}"


def _parse(occasion: str) -> tuple[int, int, str]:
    _, reviewer_id, exercise_id, stamp = occasion.split(":")
    return int(reviewer_id), int(exercise_id), stamp


def plan_reviews_due(window, hours):
    """Reviewers with reviews still to write, `hours` before those reviews are due."""
    rows = (
        ReviewAssignment.objects.filter(
            status__in=ReviewAssignment.OUTSTANDING,
            due_at__gt=window.start,
            due_at__lte=window.end + MAX_LEAD,
        )
        .exclude(reviewer__status__in=Enrollment.GONE)
        # A facilitator's own review is one they chose to write; it is no chore to chase.
        .filter(reviewer__role=Enrollment.Role.PARTICIPANT)
        .values_list(
            "reviewer__user_id",
            "reviewer__round_id",
            "reviewer_id",
            "submission__exercise_id",
            "due_at",
        )
        .order_by("due_at", "pk")
    )
    planned = set()
    for user_id, round_id, reviewer_id, exercise_id, due_at in rows:
        lead = hours(round_id)
        if lead is None:
            continue
        remind_at = due_at - timedelta(hours=lead)
        occasion = _occasion(reviewer_id, exercise_id, due_at)
        if window.start < remind_at <= window.end and occasion not in planned:
            planned.add(occasion)
            yield Planned(user_id, round_id, occasion, remind_at)


def check_reviews_due(reminders, now):
    """Skip reminders whose reviews are all written (or handed over); otherwise say how many."""
    keys = {reminder.pk: _parse(reminder.occasion) for reminder in reminders}
    reviewer_ids = {reviewer_id for reviewer_id, _, _ in keys.values()}
    enrollments = Enrollment.objects.in_bulk(reviewer_ids)
    exercises = Exercise.objects.select_related("unit").in_bulk(
        {exercise_id for _, exercise_id, _ in keys.values()}
    )
    left = defaultdict(list)
    for reviewer_id, exercise_id, due_at in ReviewAssignment.objects.filter(
        reviewer_id__in=reviewer_ids, status__in=ReviewAssignment.OUTSTANDING
    ).values_list("reviewer_id", "submission__exercise_id", "due_at"):
        left[(reviewer_id, exercise_id, f"{due_at:{_STAMP}}")].append(due_at)

    outcomes = {}
    for reminder in reminders:
        reviewer_id, exercise_id, stamp = keys[reminder.pk]
        enrollment = enrollments.get(reviewer_id)
        exercise = exercises.get(exercise_id)
        owed = left[(reviewer_id, exercise_id, stamp)]
        if enrollment is None or enrollment.status in Enrollment.GONE or exercise is None:
            outcomes[reminder.pk] = Outcome("no longer taking part in this round")
        elif not owed:
            outcomes[reminder.pk] = Outcome("the reviews are submitted or were handed over")
        elif min(owed) <= now:
            outcomes[reminder.pk] = Outcome("the reviews' due date has passed")
        else:
            count = len(owed)
            outcomes[reminder.pk] = Outcome(
                context={"exercise": exercise, "count": count, "due_at": min(owed)},
                url=reverse("reviews:todo"),
            )
    return outcomes


# Reviews assigned, told at once ------------------------------------------------------


def check_review_assigned(reminders, now):
    """Skipped once nothing of the exercise is left to review; otherwise says what is."""
    batches = ReviewAssignment.objects.select_related(
        "reviewer", "submission__exercise__unit"
    ).in_bulk([_object_id(r) for r in reminders])
    owed = defaultdict(list)
    for reviewer_id, exercise_id, due_at in ReviewAssignment.objects.filter(
        reviewer_id__in={a.reviewer_id for a in batches.values()},
        status__in=ReviewAssignment.OUTSTANDING,
    ).values_list("reviewer_id", "submission__exercise_id", "due_at"):
        owed[(reviewer_id, exercise_id)].append(due_at)
    outcomes = {}
    for reminder in reminders:
        first = batches.get(_object_id(reminder))
        if first is None or first.reviewer.is_gone:
            outcomes[reminder.pk] = Outcome("no longer taking part in this round")
            continue
        left = owed[(first.reviewer_id, first.submission.exercise_id)]
        if not left:
            outcomes[reminder.pk] = Outcome("the reviews are submitted or were handed over")
        else:
            outcomes[reminder.pk] = Outcome(
                context={
                    "exercise": first.submission.exercise,
                    "count": len(left),
                    "due_at": min(left),
                },
                url=reverse("reviews:todo"),
            )
    return outcomes


# Reviews released, told at once ------------------------------------------------------


def plan_reviews_released(window, hours):
    """Authors who may read a review of their work by the end of the window: at once where
    their own reviews released them, at the reviews' due date where time does.

    It looks at pools whose reviews fell due at most SETTLE_FOR before the
    window, as the peer review tick does.
    """
    settings = list(PeerReviewSettings.objects.filter(is_enabled=True).select_related("exercise"))
    if not settings:
        return
    longest = timedelta(hours=max(s.due_hours_after_deadline for s in settings))
    by_unit = defaultdict(list)
    for s in settings:
        by_unit[s.exercise.unit_id].append(s)
    pools = set()
    for round_id, unit_id, due_at in RoundUnit.objects.filter(
        unit_id__in=by_unit,
        due_at__gt=window.start - SETTLE_FOR - longest,
        due_at__lte=window.end,
    ).values_list("round_id", "unit_id", "due_at"):
        for s in by_unit[unit_id]:
            if s.reviews_due_after(due_at) > window.start - SETTLE_FOR:
                pools.add((round_id, s.exercise_id))
    if not pools:
        return
    reviewed = ReviewAssignment.objects.filter(
        status=ReviewAssignment.Status.DONE,
        submission__enrollment__round_id__in={round_id for round_id, _ in pools},
        submission__exercise_id__in={exercise_id for _, exercise_id in pools},
    ).values_list("submission_id", "submission__enrollment__round_id", "submission__exercise_id")
    in_pools = {pk for pk, round_id, exercise_id in reviewed if (round_id, exercise_id) in pools}
    for pk, state in readable_reviews(in_pools, at=window.end).items():
        author = state.submission.enrollment
        if not (state.release.released and state.count) or author.is_gone:
            continue
        if hours(author.round_id) is None:
            continue
        # Released by time: due when the reviews are; by the author's own reviews: now.
        due = (state.release.rule == "due" and state.reviews_due_at) or window.start
        yield Planned(author.user_id, author.round_id, f"released:{pk}", due)


def check_reviews_released(reminders, now):
    """Skipped once there is nothing to read (every review hidden) or the author has left."""
    found = readable_reviews([_object_id(r) for r in reminders], at=now)
    outcomes = {}
    for reminder in reminders:
        state = found.get(_object_id(reminder))
        if state is None or state.submission.enrollment.is_gone:
            outcomes[reminder.pk] = Outcome("no longer taking part in this round")
        elif not state.count:
            outcomes[reminder.pk] = Outcome("the reviews were hidden")
        elif not state.release.released:
            # The due date moved, or the release rule changed, since this was planned.
            later = state.reviews_due_at
            outcomes[reminder.pk] = (
                Outcome(reschedule_to=later)
                if state.release.rule == "due" and later and later > now
                else Outcome("the reviews are not released yet")
            )
        else:
            outcomes[reminder.pk] = Outcome(
                context={"exercise": state.submission.exercise, "count": state.count},
                url=reverse("reviews:received"),
            )
    return outcomes


register(
    Kind(
        slug="review_assigned",
        label="Peer reviews assigned to you",
        audience=PARTICIPANT,
        check=check_review_assigned,
        in_app_at_once=True,
    )
)
register(
    Kind(
        slug="reviews_due",
        label="Peer reviews due soon",
        audience=PARTICIPANT,
        default_hours=24,
        plan=plan_reviews_due,
        check=check_reviews_due,
    )
)


register(
    Kind(
        slug="reviews_released",
        label="Reviews of your work ready to read",
        audience=PARTICIPANT,
        plan=plan_reviews_released,
        check=check_reviews_released,
        in_app_at_once=True,
    )
)
