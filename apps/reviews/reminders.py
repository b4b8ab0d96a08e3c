"""The "peer reviews due soon" reminder.

One reminder per reviewer, exercise and due date: the reviews assigned at the
deadline share one due date and so one reminder; a review handed out later
(a replacement, or work for a late submitter) has its own due date and gets
its own reminder.
"""

from collections import defaultdict
from datetime import timedelta

from django.urls import reverse

from apps.courses.models import Exercise
from apps.reminders.registry import MAX_LEAD, PARTICIPANT, Kind, Outcome, Planned, register
from apps.reviews.models import ReviewAssignment
from apps.rounds.models import Enrollment

_STAMP = "%Y%m%d%H%M"


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
