"""Peer review in the background: allocating at the deadline, fitting late work, reassigning.

Beat runs `reviews.tick` every five minutes, so work handed in after its pool
was allocated gets its reviewers (and its author their reviews) within about
five minutes. Each run is safe to repeat: the services lock the exercise's
settings row while they work, and fitting, allocating or reassigning a pool
that is already in order changes nothing.
"""

import logging

from celery import shared_task
from django.utils import timezone

from apps.courses.models import Exercise
from apps.reviews.selectors.pools import pools_to_settle, pools_with_late_work
from apps.reviews.services import reviews_allocate, reviews_fit_late, reviews_reassign
from apps.rounds.models import Round

logger = logging.getLogger(__name__)


@shared_task(name="reviews.tick")
def tick() -> dict[str, int]:
    """Fit late work in; allocate every pool whose deadline has passed; reassign what is stuck.

    A pool is one peer-reviewed exercise in one round. Late work is fitted
    first, so that the top-up in allocating does not give late submissions
    reviewers while leaving their authors without reviews to write. One pool
    failing is logged and does not stop the others; the next tick tries it again.
    """
    now = timezone.now()
    totals = {"pools": 0, "fitted": 0, "assigned": 0, "reassigned": 0, "failed": 0}
    late = set(pools_with_late_work(now=now))
    to_settle = set(pools_to_settle(now=now))
    pools = sorted(late | to_settle)
    rounds = Round.objects.in_bulk({round_id for round_id, _ in pools})
    exercises = Exercise.objects.in_bulk({exercise_id for _, exercise_id in pools})
    for pool in pools:
        round_id, exercise_id = pool
        round, exercise = rounds[round_id], exercises[exercise_id]
        try:
            if pool in late:
                totals["fitted"] += reviews_fit_late(round=round, exercise=exercise)
            if pool in to_settle:
                totals["assigned"] += reviews_allocate(round=round, exercise=exercise)
                totals["reassigned"] += reviews_reassign(round=round, exercise=exercise, now=now)
        except Exception:
            totals["failed"] += 1
            logger.exception("Peer review of exercise %s in round %s failed", exercise_id, round_id)
        totals["pools"] += 1
    return totals
