"""Reads for the grading pages, each shaped so a page costs a fixed number of queries.

Who may grade what is decided here, by the querysets the views fetch through:
staff grade every cohort; a facilitator grades the cohorts whose
`facilitators` hold one of their current facilitator enrollments. A cohort or
submission outside those querysets is a 404, whether it exists or not, and
nobody grades their own work.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import (
    Count,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.http import Http404

from apps.cohorts.models import Cohort
from apps.cohorts.selectors import cohorts_visible_to
from apps.courses.models import Criterion, Exercise, Level
from apps.rounds.models import Enrollment
from apps.rounds.selectors import is_facilitating
from apps.submissions.models import CriterionScore, Feedback, Revision, Submission

WAITING = Submission.Status.SUBMITTED


# Who grades what --------------------------------------------------------------


def is_grader(user) -> bool:
    """Staff, or someone currently enrolled as a facilitator (with or without cohorts yet)."""
    return user.is_staff or is_facilitating(user)


def cohort_for_grader(*, user, pk: int) -> Cohort:
    try:
        return cohorts_visible_to(user).select_related("round__course").get(pk=pk)
    except Cohort.DoesNotExist:
        raise Http404("No such cohort.") from None


def _gradable_submissions(user) -> QuerySet[Submission]:
    """Work that has been submitted at least once, by someone else, in the grader's cohorts."""
    submissions = Submission.objects.exclude(status=Submission.Status.DRAFT).exclude(
        enrollment__user=user
    )
    if user.is_staff:
        return submissions
    return submissions.filter(enrollment__placement__cohort__in=cohorts_visible_to(user))


# The facilitator's home page ---------------------------------------------------


def _waiting_in_cohort() -> QuerySet[Submission]:
    return (
        Submission.objects.filter(
            enrollment__placement__cohort=OuterRef("pk"),
            exercise__unit__course_id=OuterRef("round__course_id"),
            status=WAITING,
        )
        .exclude(enrollment__status__in=Enrollment.GONE)
        .order_by()
        .values("enrollment__placement__cohort")
    )


def home_cohorts(*, user) -> QuerySet[Cohort]:
    """The grader's cohorts, newest round first, with how much work waits in each."""
    waiting = _waiting_in_cohort()
    return (
        cohorts_visible_to(user)
        .select_related("round__course")
        .annotate(
            waiting_count=Coalesce(
                Subquery(waiting.annotate(n=Count("pk")).values("n"), output_field=IntegerField()),
                0,
            ),
            oldest_waiting_at=Subquery(waiting.annotate(at=Min("submitted_at")).values("at")),
        )
        .order_by("-round__starts_on", "round__pk", "name")
    )


# The queue of one cohort -------------------------------------------------------


def cohort_exercises(*, cohort: Cohort) -> list[Exercise]:
    """The exercises of the cohort's course in session order, each with its unit."""
    return list(
        Exercise.objects.filter(unit__course_id=cohort.round.course_id)
        .select_related("unit")
        .order_by("unit__number", "position")
    )


def _cohort_work(cohort: Cohort) -> QuerySet[Submission]:
    return (
        Submission.objects.filter(
            enrollment__placement__cohort=cohort,
            exercise__unit__course_id=cohort.round.course_id,
        )
        .exclude(status=Submission.Status.DRAFT)
        .exclude(enrollment__status__in=Enrollment.GONE)
    )


@dataclass(frozen=True)
class QueueCounts:
    """How many submissions of a cohort are in each status, per exercise.

    Built from one grouped query; the filter form reads its option labels
    from here, so each option says how much is waiting behind it.
    """

    by_exercise_status: Counter = field(default_factory=Counter)
    unit_of_exercise: dict = field(default_factory=dict)

    def waiting(self, *, exercise_id: int | None = None, unit_id: int | None = None) -> int:
        return self.count(status=WAITING, exercise_id=exercise_id, unit_id=unit_id)

    def count(
        self,
        *,
        status: str | None = None,
        exercise_id: int | None = None,
        unit_id: int | None = None,
    ) -> int:
        return sum(
            n
            for (ex, st), n in self.by_exercise_status.items()
            if (status is None or st == status)
            and (exercise_id is None or ex == exercise_id)
            and (unit_id is None or self.unit_of_exercise.get(ex) == unit_id)
        )


def queue_counts(*, cohort: Cohort, exercises: list[Exercise]) -> QueueCounts:
    rows = (
        _cohort_work(cohort)
        .order_by()
        .values("exercise_id", "status")
        .annotate(n=Count("pk"))
        .values_list("exercise_id", "status", "n")
    )
    return QueueCounts(
        by_exercise_status=Counter({(ex, st): n for ex, st, n in rows}),
        unit_of_exercise={exercise.pk: exercise.unit_id for exercise in exercises},
    )


def queue(
    *,
    cohort: Cohort,
    status: str | None = WAITING,
    unit_id: int | None = None,
    exercise_id: int | None = None,
) -> QuerySet[Submission]:
    """The cohort's submitted work, oldest submission first, filtered as asked.

    `status=None` means every status except drafts, which are the
    participant's own until they submit.
    """
    submissions = _cohort_work(cohort)
    if status:
        submissions = submissions.filter(status=status)
    if unit_id:
        submissions = submissions.filter(exercise__unit_id=unit_id)
    if exercise_id:
        submissions = submissions.filter(exercise_id=exercise_id)
    latest_revision = (
        Revision.objects.filter(submission=OuterRef("pk"))
        .order_by()
        .values("submission")
        .annotate(n=Max("number"))
        .values("n")
    )
    return (
        submissions.select_related("enrollment__user", "exercise__unit")
        .annotate(revision_number=Subquery(latest_revision, output_field=IntegerField()))
        .order_by("submitted_at", "pk")
    )


def oldest_waiting_pk(
    *, cohort: Cohort, unit_id: int | None = None, exercise_id: int | None = None
) -> int | None:
    return (
        queue(cohort=cohort, unit_id=unit_id, exercise_id=exercise_id)
        .values_list("pk", flat=True)
        .first()
    )


def next_in_queue_pk(
    *,
    user,
    cohort: Cohort,
    after: Submission,
    status: str | None = WAITING,
    unit_id: int | None = None,
    exercise_id: int | None = None,
) -> int | None:
    """The submission that follows `after` in the cohort's queue as filtered, if any.

    "Follows" is by the queue's own order, from where `after` stands, whether
    or not it still matches the filters (grading usually moves it out of the
    waiting list). Only the cohort's own work counts, and never the grader's.
    """
    later = Q(submitted_at__gt=after.submitted_at) | Q(
        submitted_at=after.submitted_at, pk__gt=after.pk
    )
    return (
        queue(cohort=cohort, status=status, unit_id=unit_id, exercise_id=exercise_id)
        .filter(later)
        .exclude(enrollment__user=user)
        .values_list("pk", flat=True)
        .first()
    )


# The grading page --------------------------------------------------------------


def submission_for_grader(*, user, pk: int) -> Submission:
    try:
        return (
            _gradable_submissions(user)
            .select_related(
                "enrollment__user",
                "enrollment__round",
                "enrollment__placement__cohort__round",
                "exercise__unit",
                "exercise__rubric",
            )
            .get(pk=pk)
        )
    except Submission.DoesNotExist:
        raise Http404("No such submission.") from None


def rubric_criteria(*, exercise: Exercise) -> list[Criterion]:
    """The exercise's rubric criteria in order, each with its levels in order."""
    if exercise.rubric_id is None:
        return []
    return list(
        Criterion.objects.filter(rubric_id=exercise.rubric_id)
        .order_by("position")
        .prefetch_related(Prefetch("levels", queryset=Level.objects.order_by("position")))
    )


def feedback_history(*, submission: Submission) -> list[Feedback]:
    """Every decision on this submission, newest first, with its revision and rubric levels."""
    scores = CriterionScore.objects.select_related("criterion", "level").order_by(
        "criterion__position"
    )
    return list(
        submission.feedback.select_related("grader", "revision")
        .prefetch_related(Prefetch("scores", queryset=scores))
        .order_by("-created_at", "-pk")
    )


def participant_cohort(submission: Submission) -> Cohort | None:
    """The participant's cohort, when they have one (staff may grade unplaced people)."""
    placement = getattr(submission.enrollment, "placement", None)
    return placement.cohort if placement is not None else None
