"""Pools, one peer-reviewed exercise in one round each: which ones the tick looks after, and
what a pool holds as the allocation algorithm sees it."""

from collections import defaultdict
from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef

from apps.courses.models import Exercise
from apps.reviews import allocation
from apps.reviews.models import PeerReviewSettings, ReviewAssignment
from apps.rounds.models import Enrollment, Round, RoundUnit
from apps.submissions.models import Submission

# How long after a pool's reviews (and grace) fall due the tick keeps looking after it.
SETTLE_FOR = timedelta(days=14)


def pools_to_settle(*, now: datetime) -> list[tuple[int, int]]:
    """(round id, exercise id) of every peer-reviewed pool the tick should look after now.

    A pool is an enabled exercise in a round whose due date for it has passed
    and where someone has submitted it. The tick stops looking after it
    SETTLE_FOR after its reviews (and their grace) fell due, so switching peer
    review on for an old exercise does not suddenly assign reviews of old work.
    Three queries.
    """
    settings = list(PeerReviewSettings.objects.filter(is_enabled=True).select_related("exercise"))
    if not settings:
        return []
    longest = max(s.due_hours_after_deadline + s.grace_hours for s in settings)
    by_unit = defaultdict(list)
    for s in settings:
        by_unit[s.exercise.unit_id].append(s)
    candidates = []
    for round_id, unit_id, due_at in RoundUnit.objects.filter(
        unit_id__in=by_unit, due_at__lte=now, due_at__gt=now - SETTLE_FOR - timedelta(hours=longest)
    ).values_list("round_id", "unit_id", "due_at"):
        for s in by_unit[unit_id]:
            hours = s.due_hours_after_deadline + s.grace_hours
            if due_at + timedelta(hours=hours) + SETTLE_FOR > now:
                candidates.append((round_id, s.exercise_id))
    if not candidates:
        return []
    with_work = set(
        Submission.objects.filter(
            first_submitted_at__isnull=False,
            enrollment__round_id__in={round_id for round_id, _ in candidates},
            exercise_id__in={exercise_id for _, exercise_id in candidates},
        )
        .values_list("enrollment__round_id", "exercise_id")
        .distinct()
    )
    return sorted(pool for pool in candidates if pool in with_work)


def pools_with_late_work(*, now: datetime) -> list[tuple[int, int]]:
    """(round id, exercise id) of every allocated pool where someone still waits to be fitted in.

    That is someone who handed in the exercise after its pool was allocated
    and has never been asked to review in it. The tick keeps trying for
    SETTLE_FOR after they handed it in. One query.
    """
    allocated = ReviewAssignment.objects.filter(
        submission__enrollment__round_id=OuterRef("enrollment__round_id"),
        submission__exercise_id=OuterRef("exercise_id"),
    )
    asked = ReviewAssignment.objects.filter(
        reviewer_id=OuterRef("enrollment_id"), submission__exercise_id=OuterRef("exercise_id")
    )
    return sorted(
        Submission.objects.filter(
            first_submitted_at__gt=now - SETTLE_FOR, exercise__peer_review__is_enabled=True
        )
        .exclude(enrollment__status__in=Enrollment.GONE)
        .filter(Exists(allocated), ~Exists(asked))
        .values_list("enrollment__round_id", "exercise_id")
        .distinct()
    )


def pool_state(
    *, round: Round, exercise: Exercise
) -> tuple[list[allocation.Submission], list[allocation.Assignment]]:
    """The submissions under review and the stored assignments, as the algorithm sees them."""
    submissions = (
        Submission.objects.filter(
            enrollment__round=round, exercise=exercise, first_submitted_at__isnull=False
        )
        .exclude(enrollment__status__in=Enrollment.GONE)
        .select_related("enrollment__placement")
        .order_by("first_submitted_at", "pk")
    )
    pool = [
        allocation.Submission(
            id=str(s.pk),
            author=str(s.enrollment_id),
            cohort=str(getattr(getattr(s.enrollment, "placement", None), "cohort_id", "none")),
        )
        for s in submissions
    ]
    # One row per pair: the live one if any, else a cancelled one, which the
    # algorithm needs to see so it does not hand the same pair out again. Reviews a
    # facilitator added of their own are extra: peers still owe the work theirs.
    by_pair = {}
    rows = (
        ReviewAssignment.objects.filter(
            submission__enrollment__round=round, submission__exercise=exercise
        )
        .exclude(reviewer__role=Enrollment.Role.FACILITATOR)
        .order_by("pk")
    )
    for row in rows:
        pair = (row.reviewer_id, row.submission_id)
        if pair not in by_pair or row.status != ReviewAssignment.Status.ABANDONED:
            by_pair[pair] = row
    existing = [
        allocation.Assignment(
            reviewer=str(a.reviewer_id),
            submission=str(a.submission_id),
            cross_cohort=a.is_cross_cohort,
            status=allocation.Status(a.status),
        )
        for a in by_pair.values()
    ]
    return pool, existing
