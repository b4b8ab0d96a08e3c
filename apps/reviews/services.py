"""Peer review in the database: allocating, fitting late submitters, reassigning, reviewing.

The decisions come from the pure functions in `allocation`; this module feeds
them the stored state and applies their answer in one transaction. Each
allocation of one exercise in one round runs under a row lock on the
exercise's settings, so a deadline tick, an admin's button and a late
submission cannot allocate the same pool at the same time, and the partial
unique constraint on assignments backs that up.
"""

import zlib
from collections import Counter
from datetime import timedelta
from functools import partial

from django.db import transaction
from django.utils import timezone

from apps.courses.models import Exercise, Level
from apps.reminders.registry import Planned
from apps.reminders.services import reminders_schedule_many
from apps.reviews import allocation
from apps.reviews.models import PeerReviewSettings, Review, ReviewAssignment
from apps.reviews.selectors.moderation import hand_over_candidates
from apps.reviews.selectors.pools import pool_state
from apps.reviews.selectors.received import readable_reviews
from apps.reviews.selectors.schedule import review_due_at
from apps.rounds.models import Enrollment, Round
from apps.submissions.models import Submission

# A review handed out once the reviews' due date has passed (a replacement, or
# work for someone who submitted very late) gets this long from the moment it is
# handed out, so it is never overdue on arrival.
LATE_HAND_OUT_TIME = timedelta(hours=24)
MAX_NOTE_CHARACTERS = 2_000


class ReviewError(Exception):
    """A peer review operation that cannot be done, with a message for people."""


class ReviewConflict(ReviewError):
    def __init__(self):
        super().__init__(
            "This review was saved from another tab since this page was loaded. "
            "Nothing was overwritten; reload to see the saved version."
        )


def _seed(round: Round, exercise: Exercise) -> int:
    """The same pool always gets the same allocation."""
    return zlib.crc32(f"{round.pk}:{exercise.pk}".encode())


def _lock_settings(exercise: Exercise) -> PeerReviewSettings | None:
    return (
        PeerReviewSettings.objects.select_for_update()
        .filter(exercise=exercise, is_enabled=True)
        .first()
    )


def _due_for_new_work(round, exercise, settings):
    return max(
        review_due_at(round=round, exercise=exercise, settings=settings),
        timezone.now() + LATE_HAND_OUT_TIME,
    )


def _apply(round, exercise, settings, changes: allocation.Changes) -> int:
    due_at = _due_for_new_work(round, exercise, settings)
    for gone in changes.cancel:
        ReviewAssignment.objects.filter(
            reviewer_id=int(gone.reviewer),
            submission_id=int(gone.submission),
            status__in=[ReviewAssignment.Status.NOT_STARTED, ReviewAssignment.Status.STARTED],
        ).update(status=ReviewAssignment.Status.ABANDONED)
    created = ReviewAssignment.objects.bulk_create(
        ReviewAssignment(
            reviewer_id=int(new.reviewer),
            submission_id=int(new.submission),
            is_cross_cohort=new.cross_cohort,
            due_at=due_at,
        )
        for new in changes.create
    )
    transaction.on_commit(partial(_tell_reviewers, created))
    return len(created)


def _tell_reviewers(assignments: list[ReviewAssignment]) -> None:
    """Each reviewer hears once about the reviews one batch gave them, however many.

    The occasion is their first new assignment of the batch: a row made once,
    so running an allocation again (which assigns nothing new) tells nobody twice.
    """
    first = {}
    for assignment in sorted(assignments, key=lambda a: a.pk):
        first.setdefault(assignment.reviewer_id, assignment.pk)
    now = timezone.now()
    reminders_schedule_many(
        kind="review_assigned",
        events=[
            Planned(user_id, round_id, f"assigned:{first[reviewer_id]}", now)
            for reviewer_id, user_id, round_id in Enrollment.objects.filter(
                pk__in=first
            ).values_list("pk", "user_id", "round_id")
        ],
    )


def _tell_authors_released(submission_ids) -> None:
    """Authors who may now read a review of their work hear so at once.

    Called after a review is submitted, for the work reviewed and the
    reviewer's own; reviews released by their due date are found by the
    kind's planner instead.
    """
    now = timezone.now()
    events = []
    for pk, state in readable_reviews(submission_ids, at=now).items():
        author = state.submission.enrollment
        if state.release.released and state.count and not author.is_gone:
            events.append(Planned(author.user_id, author.round_id, f"released:{pk}", now))
    reminders_schedule_many(kind="reviews_released", events=events)


@transaction.atomic
def reviews_allocate(*, round: Round, exercise: Exercise) -> int:
    """Give every submission of the pool its reviewers; returns how many were assigned.

    Running it again assigns nothing new. Called when the deadline passes and
    by an admin on demand.
    """
    settings = _lock_settings(exercise)
    if settings is None:
        return 0
    pool, existing = pool_state(round=round, exercise=exercise)
    created = allocation.allocate(
        pool,
        k=settings.reviews_per_submission,
        pool=settings.pool,
        existing=existing,
        seed=_seed(round, exercise),
    )
    return _apply(round, exercise, settings, allocation.Changes(create=tuple(created)))


@transaction.atomic
def reviews_fit_late(*, round: Round, exercise: Exercise) -> int:
    """Fit in work submitted after the pool was allocated, without touching started reviews.

    Late work is anyone in the pool who has never been asked to review in it.
    They are fitted together with every submission still short of its
    reviewers, as `allocation.fit_late_submissions` wants. Before the pool is
    allocated this does nothing: everyone joins the allocation then.
    Returns how many reviews were assigned.
    """
    settings = _lock_settings(exercise)
    if settings is None:
        return 0
    pool, existing = pool_state(round=round, exercise=exercise)
    asked = {a.reviewer for a in existing}
    if not existing or all(s.author in asked for s in pool):
        return 0  # not allocated yet (everyone joins then), or nobody new
    covered = Counter(a.submission for a in existing if a.status in ReviewAssignment.COVERING)
    k = settings.reviews_per_submission
    late = [s.id for s in pool if s.author not in asked or covered[s.id] < k]
    changes = allocation.fit_late_submissions(
        pool,
        late,
        k=k,
        pool=settings.pool,
        existing=existing,
        seed=_seed(round, exercise),
    )
    return _apply(round, exercise, settings, changes)


@transaction.atomic
def reviews_reassign(*, round: Round, exercise: Exercise, now=None) -> int:
    """Give away what dropped or overdue reviewers still owe, and replace hidden reviews.

    Reviews still owed on the work of someone who has left the round are
    cancelled: nobody needs them any more.
    """
    settings = _lock_settings(exercise)
    if settings is None:
        return 0
    now = now or timezone.now()
    ReviewAssignment.objects.filter(
        submission__enrollment__round=round,
        submission__exercise=exercise,
        submission__enrollment__status__in=Enrollment.GONE,
        status__in=ReviewAssignment.OUTSTANDING,
    ).update(status=ReviewAssignment.Status.ABANDONED)
    pool, existing = pool_state(round=round, exercise=exercise)
    if not existing:
        return 0
    dropped = Enrollment.objects.filter(round=round, status__in=Enrollment.GONE).values_list(
        "pk", flat=True
    )
    overdue = ReviewAssignment.objects.filter(
        submission__enrollment__round=round,
        submission__exercise=exercise,
        status__in=[ReviewAssignment.Status.NOT_STARTED, ReviewAssignment.Status.STARTED],
        due_at__lt=now - timedelta(hours=settings.grace_hours),
    ).values_list("reviewer_id", flat=True)
    changes = allocation.reassign(
        pool,
        existing,
        k=settings.reviews_per_submission,
        pool=settings.pool,
        dropped=[str(pk) for pk in dropped],
        overdue=[str(pk) for pk in set(overdue)],
        seed=_seed(round, exercise),
    )
    return _apply(round, exercise, settings, changes)


def review_hide(*, review: Review, by, reason: str) -> int:
    """Hide an inappropriate review from its author and give them a replacement.

    Returns how many new reviewers were assigned (0 when nobody eligible is left).
    """
    reason = reason.strip()
    if not reason:
        raise ReviewError("Say why the review is hidden; the reviewer's facilitator may ask.")
    if len(reason) > 300:
        raise ReviewError(f"Keep the reason to 300 characters; this one has {len(reason)}.")
    with transaction.atomic():
        review = Review.objects.select_for_update().get(pk=review.pk)
        if review.hidden_at:
            raise ReviewError("This review is already hidden.")
        if not review.submitted_at:
            raise ReviewError("Only submitted reviews can be hidden; the author cannot see drafts.")
        review.hidden_at, review.hidden_by, review.hidden_reason = timezone.now(), by, reason
        review.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
        ReviewAssignment.objects.filter(pk=review.assignment_id).update(
            status=ReviewAssignment.Status.HIDDEN
        )
    submission = review.assignment.submission
    return reviews_reassign(round=submission.enrollment.round, exercise=submission.exercise)


def _cohort_id(enrollment: Enrollment) -> int | None:
    placement = getattr(enrollment, "placement", None)
    return placement.cohort_id if placement else None


def review_hand_over(*, assignment: ReviewAssignment, to: Enrollment, by) -> ReviewAssignment:
    """Give one review someone still owes to another reviewer, chosen by a facilitator.

    The new reviewer must be taking part in the same round, must not be the
    author, and must never have been asked to review this submission before
    (even if that was later cancelled), as the automatic allocation promises;
    and they must be among the people `by` may choose from
    (hand_over_candidates: the exercise's pool, and `by`'s own cohorts).
    The draft the first reviewer may have written stays with them.
    """
    submission = assignment.submission
    round, exercise = submission.enrollment.round, submission.exercise
    with transaction.atomic():
        # The same lock as the allocations, so a tick cannot hand it out at the same time.
        settings = PeerReviewSettings.objects.select_for_update().filter(exercise=exercise).first()
        current = ReviewAssignment.objects.select_for_update().get(pk=assignment.pk)
        if not current.is_outstanding:
            raise ReviewError("Only a review that is not finished can be handed to someone else.")
        if assignment.reviewer.is_facilitator:
            raise ReviewError("A facilitator's own review stays theirs to write or leave.")
        if to.round_id != round.pk or to.is_gone or to.is_facilitator:
            raise ReviewError("Choose a participant who is taking part in this round.")
        if to.pk == submission.enrollment_id:
            raise ReviewError("Nobody reviews their own work.")
        if ReviewAssignment.objects.filter(reviewer=to, submission=submission).exists():
            raise ReviewError(
                f"{to.user.name} has already been asked to review this; choose someone else."
            )
        if not hand_over_candidates(assignment=assignment, user=by).filter(pk=to.pk).exists():
            raise ReviewError(
                f"{to.user.name} is outside the people this review can go to: its exercise is "
                "reviewed within the author's cohort, or they are not in a cohort you lead."
            )
        current.status = ReviewAssignment.Status.ABANDONED
        current.save(update_fields=["status"])
        due_at = _due_for_new_work(round, exercise, settings) if settings else current.due_at
        handed = ReviewAssignment.objects.create(
            reviewer=to,
            submission=submission,
            is_cross_cohort=_cohort_id(submission.enrollment) != _cohort_id(to),
            due_at=max(due_at, current.due_at),
        )
        transaction.on_commit(partial(_tell_reviewers, [handed]))
    return handed


def review_add_by_facilitator(
    *, submission: Submission, facilitator: Enrollment
) -> ReviewAssignment:
    """A facilitator of the author's cohort reviews the work too, with the peers' rubric.

    It is a review assignment like the peers' (so it is written on the same
    page and shown to the author like theirs, named as the facilitator's), but
    the allocation never counts it: the peers still owe their reviews. Asking
    again returns the review already started.
    """
    author = submission.enrollment
    placement = getattr(author, "placement", None)
    if not (
        facilitator.is_facilitator
        and not facilitator.is_gone
        and facilitator.round_id == author.round_id
        and placement is not None
        and placement.cohort.facilitators.filter(pk=facilitator.pk).exists()
    ):
        raise ReviewError("Only a facilitator of the author's cohort can add a review of this.")
    if submission.first_submitted_at is None:
        raise ReviewError("This work has not been handed in yet.")
    exercise = submission.exercise
    with transaction.atomic():
        # The allocations' lock: a tick allocating the pool cannot see a half-made row.
        settings = _lock_settings(exercise)
        if settings is None:
            raise ReviewError("Peer review of this exercise is off.")
        existing = (
            ReviewAssignment.objects.filter(reviewer=facilitator, submission=submission)
            .exclude(status=ReviewAssignment.Status.ABANDONED)
            .first()
        )
        if existing is not None:
            return existing
        return ReviewAssignment.objects.create(
            reviewer=facilitator,
            submission=submission,
            due_at=_due_for_new_work(author.round, exercise, settings),
        )


def _review_settings(assignment: ReviewAssignment) -> PeerReviewSettings | None:
    # Settings removed after reviews were assigned leave a plain comment review.
    return getattr(assignment.submission.exercise, "peer_review", None)


def _rubric_levels(assignment: ReviewAssignment, chosen: dict) -> dict[str, int]:
    """Check chosen {criterion id: level id} against the review rubric; keep only valid ones."""
    settings = _review_settings(assignment)
    rubric = settings.review_rubric if settings else None
    if rubric is None:
        return {}
    valid = {
        str(level.criterion_id): level.pk
        for level in Level.objects.filter(criterion__rubric=rubric)
        if str(chosen.get(str(level.criterion_id))) == str(level.pk)
    }
    return valid


def _submit_problem(assignment: ReviewAssignment, review: Review) -> str:
    settings = _review_settings(assignment)
    rubric = settings.review_rubric if settings else None
    if rubric is not None and len(review.levels) < rubric.criteria.count():
        return "Choose a level for every criterion before submitting."
    if not any(comment.strip() for comment in review.comments):
        return "Write at least one comment before submitting."
    return ""


def review_save(
    *,
    assignment: ReviewAssignment,
    levels: dict,
    comments: list[str],
    base_version: int | None,
    submit: bool,
) -> Review:
    """Save a review as a draft, or submit it.

    What was written is saved even when submitting is refused, so a missing
    rubric level never costs the reviewer their comments. A stale version is
    refused, never overwritten.
    """
    with transaction.atomic():
        # Read the status under a lock: a tick may have handed this review to
        # someone else while the page was open, and a late autosave must not
        # bring it back to life.
        assignment.status = (
            ReviewAssignment.objects.select_for_update()
            .values_list("status", flat=True)
            .get(pk=assignment.pk)
        )
        if assignment.status in (
            ReviewAssignment.Status.ABANDONED,
            ReviewAssignment.Status.HIDDEN,
        ):
            raise ReviewError("This review is no longer yours to write.")
        review, _ = Review.objects.select_for_update().get_or_create(assignment=assignment)
        if review.submitted_at:
            raise ReviewError("This review is already submitted.")
        if base_version is not None and base_version != review.version:
            raise ReviewConflict()
        review.levels = _rubric_levels(assignment, levels)
        review.comments = [comment[:10_000] for comment in comments]
        review.version += 1
        problem = _submit_problem(assignment, review) if submit else ""
        done = submit and not problem
        if done:
            review.submitted_at = timezone.now()
        review.save()
        assignment.status = (
            ReviewAssignment.Status.DONE if done else ReviewAssignment.Status.STARTED
        )
        assignment.completed_at = review.submitted_at
        assignment.save(update_fields=["status", "completed_at"])
        if done:
            # The work reviewed may now be readable, and so may the reviewer's own.
            reviewed = assignment.submission
            own = Submission.objects.filter(
                enrollment_id=assignment.reviewer_id, exercise_id=reviewed.exercise_id
            ).values_list("pk", flat=True)
            transaction.on_commit(partial(_tell_authors_released, [reviewed.pk, *own]))
    if problem:
        raise ReviewError(problem)
    return review


def review_rate(*, review: Review, helpfulness: int, note: str) -> None:
    """The author says how helpful a review was; rating again replaces the earlier rating."""
    if not 1 <= helpfulness <= 5:
        raise ReviewError("Rate helpfulness from 1 (not helpful) to 5 (very helpful).")
    note = note.strip()
    if len(note) > MAX_NOTE_CHARACTERS:
        raise ReviewError(
            f"Keep the note to {MAX_NOTE_CHARACTERS:,} characters; this one has {len(note):,}."
        )
    review.helpfulness, review.helpfulness_note = helpfulness, note
    review.save(update_fields=["helpfulness", "helpfulness_note", "updated_at"])
