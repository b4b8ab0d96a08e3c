"""Peer review in the background: allocating at the deadline, keeping pools whole, late work.

Beat runs `reviews.tick` every five minutes. Each run is safe to repeat: the
services lock the exercise's settings row while they work, and allocating or
reassigning a pool that is already in order changes nothing.
"""

import logging

from celery import shared_task
from django.utils import timezone

from apps.courses.models import Exercise
from apps.reviews.selectors import pools_to_settle
from apps.reviews.services import reviews_allocate, reviews_fit_late, reviews_reassign
from apps.rounds.models import Round
from apps.submissions.models import Submission

logger = logging.getLogger(__name__)


@shared_task(name="reviews.tick")
def tick() -> dict[str, int]:
    """Allocate every pool whose deadline has passed; reassign dropped, overdue and hidden work.

    A pool is one peer-reviewed exercise in one round. One pool failing is
    logged and does not stop the others; the next tick tries it again.
    """
    now = timezone.now()
    totals = {"pools": 0, "assigned": 0, "reassigned": 0, "failed": 0}
    pools = pools_to_settle(now=now)
    rounds = Round.objects.in_bulk({round_id for round_id, _ in pools})
    exercises = Exercise.objects.in_bulk({exercise_id for _, exercise_id in pools})
    for round_id, exercise_id in pools:
        round, exercise = rounds[round_id], exercises[exercise_id]
        try:
            totals["assigned"] += reviews_allocate(round=round, exercise=exercise)
            totals["reassigned"] += reviews_reassign(round=round, exercise=exercise, now=now)
        except Exception:
            totals["failed"] += 1
            logger.exception("Peer review of exercise %s in round %s failed", exercise_id, round_id)
        totals["pools"] += 1
    return totals


@shared_task(name="reviews.fit_late")
def fit_late(submission_id: int) -> int:
    """Fit a submission made after its pool was allocated; does nothing before that."""
    submission = (
        Submission.objects.select_related("enrollment__round", "exercise")
        .filter(pk=submission_id, first_submitted_at__isnull=False)
        .first()
    )
    if submission is None:
        return 0
    return reviews_fit_late(submission=submission)
