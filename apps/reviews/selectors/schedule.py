"""When reviews are due: the reviews' due date follows the work's due date in the round."""

from datetime import datetime

from django.utils import timezone

from apps.courses.models import Exercise
from apps.reviews.models import PeerReviewSettings
from apps.rounds.models import Round, RoundUnit


def review_due_at(*, round: Round, exercise: Exercise, settings: PeerReviewSettings) -> datetime:
    """When reviews of the exercise in the round are due; counted from now if it has no due date."""
    entry = RoundUnit.objects.filter(round=round, unit_id=exercise.unit_id).first()
    return settings.reviews_due_after(entry.due_at if entry else timezone.now())


def pool_due_dates(pairs) -> dict[tuple[int, int], datetime]:
    """{(round id, exercise id): when its reviews are due}, from one query over the schedule.

    `pairs` are (round id, unit id, settings) of peer-reviewed exercises; those
    without settings, or whose session has no due date in the round, are left out.
    """
    pairs = [(round_id, unit_id, settings) for round_id, unit_id, settings in pairs if settings]
    if not pairs:
        return {}
    entries = RoundUnit.objects.filter(
        round_id__in={round_id for round_id, _, _ in pairs},
        unit_id__in={unit_id for _, unit_id, _ in pairs},
    ).values_list("round_id", "unit_id", "due_at")
    deadline = {(round_id, unit_id): due for round_id, unit_id, due in entries}
    return {
        (round_id, settings.exercise_id): settings.reviews_due_after(deadline[(round_id, unit_id)])
        for round_id, unit_id, settings in pairs
        if (round_id, unit_id) in deadline
    }
