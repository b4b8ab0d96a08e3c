"""Reads for the peer review pages and tasks, each shaped so a page costs a fixed number of queries.

Who sees what is decided by the querysets the views fetch through:

- a reviewer reaches a submission only through an assignment of their own;
- an author sees submitted reviews of their own work once they are released,
  never drafts or hidden reviews, and without names when the exercise's
  reviews are anonymous;
- a facilitator sees the assignments of their own cohorts' submissions, with
  names; staff see every cohort.

Anything outside those querysets is a 404, whether it exists or not.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Avg, Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from apps.cohorts.models import Cohort, Placement
from apps.cohorts.selectors import cohorts_visible_to
from apps.courses.models import Criterion, Level
from apps.reviews.models import PeerReviewSettings, Review, ReviewAssignment
from apps.rounds.models import Enrollment, RoundUnit
from apps.submissions.models import Submission

Status = ReviewAssignment.Status
# Used when an exercise's settings give no questions: a review always has room for words.
DEFAULT_QUESTION = "Your comments for the author"
# How long after a pool's reviews (and grace) fall due the tick keeps looking after it.
SETTLE_FOR = timedelta(days=14)

SAME_COHORT_PEER = "A peer in your cohort"
OTHER_COHORT_PEER = "A peer from another cohort"


# The review sheet: rubric and questions ------------------------------------------


def review_rubric_id(settings: PeerReviewSettings | None, exercise) -> int | None:
    if settings is not None and settings.rubric_id:
        return settings.rubric_id
    return exercise.rubric_id


def review_questions(settings: PeerReviewSettings | None) -> list[str]:
    questions = settings.questions if settings is not None else []
    return questions or [DEFAULT_QUESTION]


def criteria_of(rubric_ids) -> dict[int, list[Criterion]]:
    """Criteria of each rubric in order, each with its levels in order: two queries at most."""
    rubric_ids = {pk for pk in rubric_ids if pk}
    by_rubric: dict[int, list[Criterion]] = {pk: [] for pk in rubric_ids}
    if not rubric_ids:
        return by_rubric
    criteria = (
        Criterion.objects.filter(rubric_id__in=rubric_ids)
        .order_by("rubric_id", "position")
        .prefetch_related(Prefetch("levels", queryset=Level.objects.order_by("position")))
    )
    for criterion in criteria:
        by_rubric[criterion.rubric_id].append(criterion)
    return by_rubric


@dataclass(frozen=True)
class ChosenLevel:
    criterion: Criterion
    level: Level | None


@dataclass(frozen=True)
class Answer:
    question: str
    text: str


def review_levels(review: Review | None, criteria: list[Criterion]) -> list[ChosenLevel]:
    """The level chosen for each criterion, read against criteria already loaded."""
    chosen = review.levels if review is not None else {}
    rows = []
    for criterion in criteria:
        wanted = str(chosen.get(str(criterion.pk), ""))
        level = next((lv for lv in criterion.levels.all() if str(lv.pk) == wanted), None)
        rows.append(ChosenLevel(criterion, level))
    return rows


def review_answers(review: Review | None, questions: list[str]) -> list[Answer]:
    comments = list(review.comments) if review is not None else []
    comments += [""] * (len(questions) - len(comments))
    return [Answer(question, text) for question, text in zip(questions, comments, strict=False)]


def _settings(exercise) -> PeerReviewSettings | None:
    return getattr(exercise, "peer_review", None)


# Names as participants see them ----------------------------------------------------


def author_label(assignment: ReviewAssignment) -> str:
    """Who wrote the work under review, as its reviewer may see it."""
    settings = _settings(assignment.submission.exercise)
    if settings is None or settings.is_anonymous:
        return OTHER_COHORT_PEER if assignment.is_cross_cohort else SAME_COHORT_PEER
    name = assignment.submission.enrollment.user.name
    return f"{name} (another cohort)" if assignment.is_cross_cohort else name


def reviewer_label(assignment: ReviewAssignment, number: int, *, anonymous: bool) -> str:
    """Who wrote a review, as the author (or a fellow reviewer) may see it."""
    if anonymous:
        where = " (from another cohort)" if assignment.is_cross_cohort else ""
        return f"Reviewer {number}{where}"
    name = assignment.reviewer.user.name
    return f"{name} (another cohort)" if assignment.is_cross_cohort else name


# Reviews to do ---------------------------------------------------------------------


@dataclass
class ToDo:
    open: list[ReviewAssignment] = field(default_factory=list)
    finished: list[ReviewAssignment] = field(default_factory=list)
    handed_over: list[ReviewAssignment] = field(default_factory=list)


def reviews_to_do(*, user, now: datetime) -> ToDo:
    """The person's review assignments, soonest due first, in one query.

    Work handed to someone else is listed only if the person had started it,
    so a review moved before they ever opened it does not clutter the page.
    """
    has_draft = Exists(Review.objects.filter(assignment=OuterRef("pk")))
    assignments = (
        ReviewAssignment.objects.filter(reviewer__user=user)
        .annotate(has_draft=has_draft)
        .filter(~Q(status=Status.ABANDONED) | Q(has_draft=True))
        .select_related(
            "submission__exercise__unit",
            "submission__exercise__peer_review",
            "submission__enrollment__user",
            "reviewer__round",
        )
        .order_by("due_at", "pk")
    )
    todo = ToDo()
    for assignment in assignments:
        assignment.author_label = author_label(assignment)
        assignment.is_overdue = assignment.is_outstanding and assignment.due_at < now
        if assignment.is_outstanding:
            todo.open.append(assignment)
        elif assignment.status in ReviewAssignment.FINISHED:
            todo.finished.append(assignment)
        else:
            todo.handed_over.append(assignment)
    return todo


# The review page -------------------------------------------------------------------


def assignment_for_reviewer(*, user, pk: int) -> ReviewAssignment:
    """One of the person's own assignments; anyone else's (the author's included) is a 404."""
    try:
        assignment = (
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
    assignment.author_label = author_label(assignment)
    return assignment


def own_review(assignment: ReviewAssignment) -> Review | None:
    return getattr(assignment, "review", None)


@dataclass(frozen=True)
class ReviewSheet:
    """What a reviewer fills in for one exercise: rubric criteria (with levels) and questions."""

    criteria: list[Criterion]
    questions: list[str]


def review_sheet(*, assignment: ReviewAssignment) -> ReviewSheet:
    exercise = assignment.submission.exercise
    settings = _settings(exercise)
    rubric_id = review_rubric_id(settings, exercise)
    return ReviewSheet(
        criteria=criteria_of([rubric_id]).get(rubric_id, []),
        questions=review_questions(settings),
    )


@dataclass
class ShownReview:
    """A submitted review as someone other than its writer may see it."""

    assignment: ReviewAssignment
    review: Review
    label: str
    levels: list[ChosenLevel]
    answers: list[Answer]
    rate_form: object = None  # the author's helpfulness form, added by the view


def other_reviews(*, assignment: ReviewAssignment, sheet: ReviewSheet) -> list[ShownReview]:
    """Other submitted, visible reviews of the same work, for a reviewer who has submitted theirs.

    Before the reviewer submits, nothing is read at all: their own review
    should be their own.
    """
    if assignment.status != Status.DONE:
        return []
    settings = _settings(assignment.submission.exercise)
    anonymous = settings is None or settings.is_anonymous
    others = (
        ReviewAssignment.objects.filter(submission_id=assignment.submission_id, status=Status.DONE)
        .exclude(pk=assignment.pk)
        .filter(review__submitted_at__isnull=False, review__hidden_at__isnull=True)
        .select_related("review", "reviewer__user")
        .order_by("review__submitted_at", "pk")
    )
    return [
        ShownReview(
            assignment=other,
            review=other.review,
            label=reviewer_label(other, number, anonymous=anonymous),
            levels=review_levels(other.review, sheet.criteria),
            answers=review_answers(other.review, sheet.questions),
        )
        for number, other in enumerate(others, start=1)
    ]


# Reviews of my work ----------------------------------------------------------------


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


def _pool_due_dates(pairs) -> dict[tuple[int, int], datetime]:
    """{(round id, exercise id): when its reviews are due}, from one query over the schedule."""
    pairs = list(pairs)
    if not pairs:
        return {}
    entries = RoundUnit.objects.filter(
        round_id__in={round_id for round_id, _, _ in pairs},
        unit_id__in={unit_id for _, unit_id, _ in pairs},
    ).values_list("round_id", "unit_id", "due_at")
    deadline = {(round_id, unit_id): due for round_id, unit_id, due in entries}
    due = {}
    for round_id, unit_id, settings in pairs:
        if (round_id, unit_id) in deadline and settings is not None:
            due[(round_id, settings.exercise_id)] = deadline[(round_id, unit_id)] + timedelta(
                hours=settings.due_hours_after_deadline
            )
    return due


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
    due = _pool_due_dates(
        (s.enrollment.round_id, s.exercise.unit_id, _settings(s.exercise)) for s in submissions
    )
    criteria = criteria_of(review_rubric_id(_settings(s.exercise), s.exercise) for s in submissions)

    received = []
    for submission in submissions:
        settings = _settings(submission.exercise)
        reviews_due_at = due.get((submission.enrollment.round_id, submission.exercise_id))
        release = release_for(
            settings=settings,
            own_statuses=own[(submission.enrollment_id, submission.exercise_id)],
            reviews_due_at=reviews_due_at,
            now=now,
        )
        rubric_criteria = criteria.get(review_rubric_id(settings, submission.exercise), [])
        questions = review_questions(settings)
        anonymous = settings is None or settings.is_anonymous
        mine = assignments[submission.pk]
        submitted = [a for a in mine if a.status == Status.DONE]
        shown = []
        if release.released:
            shown = [
                ShownReview(
                    assignment=a,
                    review=a.review,
                    label=reviewer_label(a, number, anonymous=anonymous),
                    levels=review_levels(a.review, rubric_criteria),
                    answers=review_answers(a.review, questions),
                )
                for number, a in enumerate(submitted, start=1)
            ]
        received.append(
            Received(
                submission=submission,
                settings=settings,
                release=release,
                reviews_due_at=reviews_due_at,
                shown=shown,
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
    settings = _settings(submission.exercise)
    own = ReviewAssignment.objects.filter(
        reviewer_id=submission.enrollment_id, submission__exercise_id=submission.exercise_id
    ).values_list("status", flat=True)
    due = _pool_due_dates([(submission.enrollment.round_id, submission.exercise.unit_id, settings)])
    release = release_for(
        settings=settings,
        own_statuses=list(own),
        reviews_due_at=due.get((submission.enrollment.round_id, submission.exercise_id)),
        now=now,
    )
    if not release.released:
        raise Http404("This review is not released yet.")
    return assignment.review


# The facilitator's page --------------------------------------------------------------


def cohort_for_facilitator(*, user, pk: int) -> Cohort:
    try:
        return cohorts_visible_to(user).select_related("round__course").get(pk=pk)
    except Cohort.DoesNotExist:
        raise Http404("No such cohort.") from None


def cohort_assignments(*, cohort: Cohort, now: datetime) -> list[ReviewAssignment]:
    """Every review of the cohort's work in this round, with names, in one query."""
    assignments = (
        ReviewAssignment.objects.filter(
            submission__enrollment__placement__cohort=cohort,
            submission__enrollment__round_id=cohort.round_id,
        )
        .select_related(
            "review",
            "reviewer__user",
            "reviewer__placement__cohort",
            "submission__enrollment__user",
            "submission__exercise__unit",
        )
        .order_by(
            "submission__exercise__unit__number",
            "submission__exercise__position",
            "submission__enrollment__user__display_name",
            "submission__enrollment__user__email",
            "created_at",
            "pk",
        )
    )
    assignments = list(assignments)
    for assignment in assignments:
        assignment.is_overdue = assignment.is_outstanding and assignment.due_at < now
    return assignments


@dataclass
class MemberDuties:
    enrollment: Enrollment
    to_do: int
    overdue: int
    finished: int
    handed_over: int
    helpfulness: float | None


def cohort_members_duties(*, cohort: Cohort, now: datetime) -> list[MemberDuties]:
    """Each participant of the cohort with how their own reviews stand: two queries."""
    placements = (
        Placement.objects.filter(cohort=cohort)
        .exclude(enrollment__role=Enrollment.Role.FACILITATOR)
        .select_related("enrollment__user")
        .order_by("enrollment__user__display_name", "enrollment__user__email")
    )
    counts = {
        row["reviewer_id"]: row
        for row in ReviewAssignment.objects.filter(reviewer__placement__cohort=cohort)
        .values("reviewer_id")
        .annotate(
            to_do=Count("pk", filter=Q(status__in=ReviewAssignment.OUTSTANDING)),
            overdue=Count("pk", filter=Q(status__in=ReviewAssignment.OUTSTANDING, due_at__lt=now)),
            finished=Count("pk", filter=Q(status__in=ReviewAssignment.FINISHED)),
            handed_over=Count("pk", filter=Q(status=Status.ABANDONED)),
            helpfulness=Avg("review__helpfulness"),
        )
        .order_by()
    }
    members = []
    for placement in placements:
        row = counts.get(placement.enrollment_id, {})
        members.append(
            MemberDuties(
                enrollment=placement.enrollment,
                to_do=row.get("to_do", 0),
                overdue=row.get("overdue", 0),
                finished=row.get("finished", 0),
                handed_over=row.get("handed_over", 0),
                helpfulness=row.get("helpfulness"),
            )
        )
    return members


@dataclass(frozen=True)
class PoolDates:
    settings: PeerReviewSettings
    deadline: datetime | None
    reviews_due_at: datetime | None


def cohort_review_dates(*, cohort: Cohort) -> list[PoolDates]:
    """The course's peer-reviewed exercises with when reviews are assigned and due this round."""
    all_settings = list(
        PeerReviewSettings.objects.filter(
            exercise__unit__course_id=cohort.round.course_id, is_enabled=True
        )
        .select_related("exercise__unit")
        .order_by("exercise__unit__number", "exercise__position")
    )
    deadlines = dict(
        RoundUnit.objects.filter(
            round_id=cohort.round_id, unit_id__in={s.exercise.unit_id for s in all_settings}
        ).values_list("unit_id", "due_at")
    )
    rows = []
    for settings in all_settings:
        deadline = deadlines.get(settings.exercise.unit_id)
        due = deadline + timedelta(hours=settings.due_hours_after_deadline) if deadline else None
        rows.append(PoolDates(settings, deadline, due))
    return rows


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


def hand_over_candidates(*, assignment: ReviewAssignment) -> QuerySet[Enrollment]:
    """Who could take this review instead: others in the round who submitted the same exercise.

    Never the author, never anyone who was ever asked to review this work
    (even if that was cancelled), never anyone who left. The author's cohort
    comes first, then whoever has the fewest reviews still to do.
    """
    submission = assignment.submission
    author_cohort = getattr(getattr(submission.enrollment, "placement", None), "cohort_id", None)
    asked = ReviewAssignment.objects.filter(submission=submission).values("reviewer_id")
    submitted = Submission.objects.filter(
        enrollment=OuterRef("pk"),
        exercise_id=submission.exercise_id,
        first_submitted_at__isnull=False,
    )
    return (
        Enrollment.objects.filter(
            round_id=submission.enrollment.round_id, role=Enrollment.Role.PARTICIPANT
        )
        .exclude(status__in=Enrollment.GONE)
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


# The tick ---------------------------------------------------------------------------


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
