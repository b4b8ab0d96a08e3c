"""The page where a reviewer reads the work and writes their review."""

from django.http import Http404

from apps.reviews.models import ReviewAssignment
from apps.reviews.selectors.sheet import ReviewSheet, ShownReview, shown_reviews

Status = ReviewAssignment.Status


def assignment_for_reviewer(*, user, pk: int) -> ReviewAssignment:
    """One of the person's own assignments; anyone else's (the author's included) is a 404."""
    try:
        return (
            ReviewAssignment.objects.filter(reviewer__user=user)
            .select_related(
                "review",
                "reviewer__round",
                "submission__exercise__unit",
                "submission__exercise__rubric",
                "submission__exercise__peer_review__rubric",
                "submission__enrollment__user",
            )
            .get(pk=pk)
        )
    except ReviewAssignment.DoesNotExist:
        raise Http404("No such review.") from None


def other_reviews(*, assignment: ReviewAssignment, sheet: ReviewSheet) -> list[ShownReview]:
    """Other submitted, visible reviews of the same work, for a reviewer who has submitted theirs.

    Before the reviewer submits, nothing is read at all: their own review
    should be their own.
    """
    if assignment.status != Status.DONE:
        return []
    others = (
        ReviewAssignment.objects.filter(submission_id=assignment.submission_id, status=Status.DONE)
        .exclude(pk=assignment.pk)
        .filter(review__submitted_at__isnull=False, review__hidden_at__isnull=True)
        .select_related("review", "reviewer__user")
        .order_by("review__submitted_at", "pk")
    )
    return shown_reviews(list(others), exercise=assignment.submission.exercise, sheet=sheet)
