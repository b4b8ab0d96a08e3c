"""Reviews of my work: what an author may read of the reviews of their submissions, and when."""

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.http import Http404

from apps.reviews.models import PeerReviewSettings, Review, ReviewAssignment
from apps.reviews.selectors.schedule import pool_due_dates
from apps.reviews.selectors.sheet import (
    ReviewSheet,
    ShownReview,
    criteria_of,
    review_questions,
    review_rubric_id,
    settings_of,
    shown_reviews,
)
from apps.submissions.models import Submission

Status = ReviewAssignment.Status


@dataclass
class Release:
    """Whether an author may read the reviews of one submission yet, and why (not)."""

    released: bool
    rule: str  # "own": the author's own reviews unlock them; "due": the due date does
    own_done: int = 0
    own_total: int = 0


def release_for(
    *,
    settings: PeerReviewSettings | None,
    own_statuses: list[str],
    reviews_due_at: datetime | None,
    now: datetime,
) -> Release:
    """Apply the exercise's release rule to the author's own review duties.

    "after_own": as soon as the author has submitted every review still assigned
    to them. Someone with none left to do that they ever finished (given none,
    or theirs were handed to others) sees them from the reviews' due date.
    "at_due": from the reviews' due date, for everyone.
    """
    live = [status for status in own_statuses if status != Status.ABANDONED]
    done = sum(1 for status in live if status in ReviewAssignment.FINISHED)
    due_passed = reviews_due_at is None or now >= reviews_due_at
    at_due = settings is not None and settings.release == PeerReviewSettings.Release.AT_DUE_DATE
    if at_due or not live:
        return Release(due_passed, "due", done, len(live))
    return Release(done == len(live), "own", done, len(live))


@dataclass
class Received:
    """One of the author's submissions with the reviews of it they may read."""

    submission: Submission
    settings: PeerReviewSettings | None
    release: Release
    reviews_due_at: datetime | None
    shown: list[ShownReview]
    waiting: int  # reviews assigned and not yet submitted
    submitted_unreleased: int  # submitted but not shown yet under the release rule
    hidden: int  # taken down by a facilitator


def received_reviews(*, user, now: datetime) -> list[Received]:
    """The person's peer-reviewed submissions, newest first, with what they may read of each.

    Five queries however many submissions and reviews: submissions, the
    reviews of them, the author's own review duties, the schedule, rubrics.
    """
    submissions = list(
        Submission.objects.filter(
            enrollment__user=user,
            first_submitted_at__isnull=False,
            exercise__peer_review__isnull=False,
        )
        .select_related("exercise__unit", "exercise__peer_review", "enrollment__round")
        .order_by("-first_submitted_at", "-pk")
    )
    if not submissions:
        return []
    assignments = defaultdict(list)
    for assignment in (
        ReviewAssignment.objects.filter(submission__in=submissions)
        .exclude(status=Status.ABANDONED)
        .select_related("review", "reviewer__user")
        .order_by("review__submitted_at", "pk")
    ):
        assignments[assignment.submission_id].append(assignment)
    own = defaultdict(list)
    for reviewer_id, exercise_id, status in ReviewAssignment.objects.filter(
        reviewer__in={s.enrollment_id for s in submissions}
    ).values_list("reviewer_id", "submission__exercise_id", "status"):
        own[(reviewer_id, exercise_id)].append(status)
    due = pool_due_dates(
        (s.enrollment.round_id, s.exercise.unit_id, settings_of(s.exercise)) for s in submissions
    )
    criteria = criteria_of(
        review_rubric_id(settings_of(s.exercise), s.exercise) for s in submissions
    )

    received = []
    for submission in submissions:
        exercise = submission.exercise
        settings = settings_of(exercise)
        reviews_due_at = due.get((submission.enrollment.round_id, submission.exercise_id))
        release = release_for(
            settings=settings,
            own_statuses=own[(submission.enrollment_id, submission.exercise_id)],
            reviews_due_at=reviews_due_at,
            now=now,
        )
        sheet = ReviewSheet(
            criteria=criteria.get(review_rubric_id(settings, exercise), []),
            questions=review_questions(settings),
        )
        mine = assignments[submission.pk]
        submitted = [a for a in mine if a.status == Status.DONE]
        received.append(
            Received(
                submission=submission,
                settings=settings,
                release=release,
                reviews_due_at=reviews_due_at,
                shown=shown_reviews(submitted, exercise=exercise, sheet=sheet)
                if release.released
                else [],
                waiting=sum(1 for a in mine if a.status in ReviewAssignment.OUTSTANDING),
                submitted_unreleased=0 if release.released else len(submitted),
                hidden=sum(1 for a in mine if a.status == Status.HIDDEN),
            )
        )
    return received


def review_for_author(*, user, pk: int, now: datetime) -> Review:
    """A submitted, visible, released review of the person's own work (by assignment pk)."""
    try:
        assignment = (
            ReviewAssignment.objects.filter(
                submission__enrollment__user=user,
                status=Status.DONE,
                review__submitted_at__isnull=False,
                review__hidden_at__isnull=True,
            )
            .select_related("review", "submission__exercise__peer_review", "submission__enrollment")
            .get(pk=pk)
        )
    except ReviewAssignment.DoesNotExist:
        raise Http404("No such review.") from None
    submission = assignment.submission
    settings = settings_of(submission.exercise)
    own = ReviewAssignment.objects.filter(
        reviewer_id=submission.enrollment_id, submission__exercise_id=submission.exercise_id
    ).values_list("status", flat=True)
    due = pool_due_dates([(submission.enrollment.round_id, submission.exercise.unit_id, settings)])
    release = release_for(
        settings=settings,
        own_statuses=list(own),
        reviews_due_at=due.get((submission.enrollment.round_id, submission.exercise_id)),
        now=now,
    )
    if not release.released:
        raise Http404("This review is not released yet.")
    return assignment.review


@dataclass(frozen=True)
class Readable:
    """What the author of one submission may read of its reviews at a given moment."""

    submission: Submission
    release: Release
    count: int  # reviews submitted and not hidden, shown once released
    reviews_due_at: datetime | None


def readable_reviews(submission_ids, *, at: datetime) -> dict[int, Readable]:
    """For each submission, what its author may read of its reviews at `at`. Four queries."""
    submissions = Submission.objects.select_related(
        "enrollment", "exercise__unit", "exercise__peer_review"
    ).in_bulk(submission_ids)
    count = Counter(
        ReviewAssignment.objects.filter(
            submission__in=submissions, status=ReviewAssignment.Status.DONE
        ).values_list("submission_id", flat=True)
    )
    own = defaultdict(list)
    for reviewer_id, exercise_id, status in ReviewAssignment.objects.filter(
        reviewer__in={s.enrollment_id for s in submissions.values()}
    ).values_list("reviewer_id", "submission__exercise_id", "status"):
        own[(reviewer_id, exercise_id)].append(status)
    due = pool_due_dates(
        (s.enrollment.round_id, s.exercise.unit_id, settings_of(s.exercise))
        for s in submissions.values()
    )
    found = {}
    for pk, submission in submissions.items():
        reviews_due_at = due.get((submission.enrollment.round_id, submission.exercise_id))
        release = release_for(
            settings=settings_of(submission.exercise),
            own_statuses=own[(submission.enrollment_id, submission.exercise_id)],
            reviews_due_at=reviews_due_at,
            now=at,
        )
        found[pk] = Readable(submission, release, count[pk], reviews_due_at)
    return found
