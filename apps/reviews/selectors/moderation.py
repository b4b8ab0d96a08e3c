"""A facilitator acting on one review: reading or hiding it, handing it to someone else, or
adding a review of their own."""

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404

from apps.cohorts.models import Placement
from apps.cohorts.selectors import cohorts_visible_to
from apps.reviews.models import PeerReviewSettings, ReviewAssignment
from apps.rounds.models import Enrollment
from apps.submissions.models import Submission


def assignment_for_facilitator(*, user, pk: int) -> ReviewAssignment:
    """An assignment of work by someone in one of the person's cohorts (any, for staff)."""
    assignments = ReviewAssignment.objects.all()
    if not user.is_staff:
        assignments = assignments.filter(
            submission__enrollment__placement__cohort__in=cohorts_visible_to(user)
        )
    try:
        return assignments.select_related(
            "review",
            "reviewer__user",
            "reviewer__placement__cohort",
            "submission__enrollment__user",
            "submission__enrollment__round",
            "submission__enrollment__placement__cohort",
            "submission__exercise__unit",
            "submission__exercise__rubric",
            "submission__exercise__peer_review__rubric",
        ).get(pk=pk)
    except ReviewAssignment.DoesNotExist:
        raise Http404("No such review.") from None


def hand_over_candidates(*, assignment: ReviewAssignment, user) -> QuerySet[Enrollment]:
    """Who this person may give the review to: others who submitted the same exercise.

    Only people the exercise's pool allows (the author's cohort, unless the
    pool is the whole round) and, for a facilitator, only people in cohorts
    they lead. Never the author, never anyone who was ever asked to review
    this work (even if that was cancelled), never anyone who left. The
    author's cohort comes first, then whoever has the fewest reviews to do.
    """
    submission = assignment.submission
    author_cohort = getattr(getattr(submission.enrollment, "placement", None), "cohort_id", None)
    asked = ReviewAssignment.objects.filter(submission=submission).values("reviewer_id")
    submitted = Submission.objects.filter(
        enrollment=OuterRef("pk"),
        exercise_id=submission.exercise_id,
        first_submitted_at__isnull=False,
    )
    people = Enrollment.objects.filter(round_id=submission.enrollment.round_id).participants()
    settings = getattr(submission.exercise, "peer_review", None)
    if settings is None or settings.pool == PeerReviewSettings.Pool.COHORT:
        people = people.filter(placement__cohort_id=author_cohort)
    if not user.is_staff:
        people = people.filter(placement__cohort__in=cohorts_visible_to(user))
    return (
        people.exclude(status__in=Enrollment.GONE)
        .exclude(pk=submission.enrollment_id)
        .exclude(pk__in=asked)
        .filter(Exists(submitted))
        .select_related("user", "placement__cohort")
        .annotate(
            to_do=Count(
                "reviews_to_do",
                filter=Q(
                    reviews_to_do__status__in=ReviewAssignment.OUTSTANDING,
                    reviews_to_do__submission__exercise_id=submission.exercise_id,
                ),
            ),
            same_cohort=Exists(
                Placement.objects.filter(enrollment=OuterRef("pk"), cohort_id=author_cohort)
            ),
        )
        .order_by("-same_cohort", "to_do", "user__display_name", "user__email")
    )


def cohort_facilitator_place(*, user, cohort_id: int) -> Enrollment | None:
    """The person's current facilitator place in the cohort, if they run it."""
    return (
        Enrollment.objects.filter(user=user, facilitated_cohorts=cohort_id)
        .facilitators()
        .current()
        .first()
    )


def submission_for_own_review(*, user, pk: int) -> tuple[Submission, Enrollment]:
    """Work by a member of a cohort the person runs, with their facilitator place there.

    Staff who do not run the author's cohort get a 404 like anyone else: a
    review is written from a place in the round.
    """
    try:
        submission = Submission.objects.select_related(
            "enrollment__placement__cohort", "enrollment__round", "exercise"
        ).get(pk=pk, enrollment__placement__isnull=False)
    except Submission.DoesNotExist:
        raise Http404("No such work.") from None
    place = cohort_facilitator_place(user=user, cohort_id=submission.enrollment.placement.cohort_id)
    if place is None:
        raise Http404("No such work.")
    return submission, place
