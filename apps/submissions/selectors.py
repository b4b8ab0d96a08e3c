"""Reads for the participant's work pages, each costing a fixed number of queries.

Everything is fetched through the signed-in person's own enrollment, so work
that is not theirs is simply not found (a 404), never shown.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import OuterRef, Prefetch, Subquery
from django.http import Http404
from django.utils.timesince import timeuntil

from apps.courses.models import Exercise, Unit
from apps.rounds.models import Enrollment, RoundUnit
from apps.submissions.models import CriterionScore, Feedback, Revision, Submission


# Only people with a confirmed place can work on a round's exercises. Anyone
# who applied, was declined or dropped out gets the same 404 as a stranger.
def _working_enrollments(user):
    return (
        Enrollment.objects.filter(user=user, round__course__is_published=True)
        .participants()
        .eligible()
    )


def enrollment_for_work(*, user, round_slug: str) -> Enrollment:
    """The person's own working place in the round, or a 404."""
    try:
        # The course is loaded anyway, so "published" is checked here: every
        # work page runs this query, and each filter adds to building it.
        enrollment = (
            Enrollment.objects.select_related("round__course")
            .filter(user=user)
            .participants()
            .eligible()
            .get(round__slug=round_slug)
        )
    except Enrollment.DoesNotExist:
        enrollment = None
    if enrollment is None or not enrollment.round.course.is_published:
        raise Http404("You have no place in this round to do its exercises.")
    return enrollment


def enrollment_for_course(*, user, course_id: int) -> Enrollment | None:
    """The person's working place in a round of this course (the latest), for linking to work.

    For pages that know the course but not the round, such as a session page:
    ``{% url 'submissions:answer' enrollment.round.slug exercise.pk %}``.
    """
    return (
        _working_enrollments(user)
        .filter(round__course_id=course_id)
        .select_related("round")
        .order_by("-round__starts_on")
        .first()
    )


def exercise_for_work(*, enrollment: Enrollment, pk: int) -> Exercise:
    """An exercise of the enrollment's course, or a 404.

    Annotated with its session's due and closing times in the enrollment's
    round (`schedule_due_at`, `schedule_closes_at`; None when the round has no
    schedule for it), which every work page needs, so they cost no query of their own.
    """
    schedule = RoundUnit.objects.filter(
        round_id=enrollment.round_id, unit_id=OuterRef("unit_id")
    ).order_by()
    try:
        exercise = (
            Exercise.objects.select_related("unit")
            .annotate(
                schedule_due_at=Subquery(schedule.values("due_at")[:1]),
                schedule_closes_at=Subquery(schedule.values("closes_at")[:1]),
            )
            .get(pk=pk, unit__course_id=enrollment.round.course_id)
        )
    except Exercise.DoesNotExist:
        raise Http404("This exercise is not part of your course.") from None
    exercise.unit.course = enrollment.round.course  # the same course, already loaded
    return exercise


def submission_for(*, enrollment: Enrollment, exercise: Exercise) -> Submission:
    """The person's submission, or an unsaved one when they have not saved anything yet.

    Looking at an exercise must not create a row: a draft exists only once
    something was saved, so "not started" stays distinguishable.
    """
    submission = Submission.objects.filter(enrollment=enrollment, exercise=exercise).first()
    if submission is None:
        submission = Submission(enrollment=enrollment, exercise=exercise)
    # Both are already loaded; this saves two queries whenever a service needs them.
    submission.enrollment = enrollment
    submission.exercise = exercise
    return submission


def latest_revision(*, submission: Submission) -> Revision | None:
    # submission_submit writes the first revision and sets first_submitted_at
    # together, so work never submitted has none: a draft costs no query here.
    if submission.pk is None or submission.first_submitted_at is None:
        return None
    return submission.revisions.order_by("-number").first()


def _feedback_with_scores():
    return Feedback.objects.select_related("grader", "revision").prefetch_related(
        Prefetch(
            "scores",
            queryset=CriterionScore.objects.select_related("criterion", "level").order_by(
                "criterion__position"
            ),
        )
    )


def latest_feedback(*, submission: Submission) -> Feedback | None:
    if submission.pk is None:
        return None
    return _feedback_with_scores().filter(submission=submission).order_by("-created_at").first()


def revision_history(*, submission: Submission) -> list[Revision]:
    """Every revision, oldest first, with the feedback given on each."""
    if submission.pk is None:
        return []
    return list(
        submission.revisions.order_by("number").prefetch_related(
            Prefetch("feedback", queryset=_feedback_with_scores().order_by("created_at"))
        )
    )


@dataclass(frozen=True)
class Deadline:
    """When a session's work is due and when it closes, as the page talks about it."""

    due_at: datetime
    closes_at: datetime | None
    now: datetime

    @property
    def is_overdue(self) -> bool:
        return self.now > self.due_at

    @property
    def is_closed(self) -> bool:
        return self.closes_at is not None and self.now > self.closes_at

    @property
    def phrase(self) -> str:
        if self.is_overdue:
            return "overdue"
        # timeuntil separates number and unit with a no-break space.
        return "due in " + timeuntil(self.due_at, self.now, depth=1).replace("\xa0", " ")


def deadline_from(schedule: RoundUnit | None, now: datetime) -> Deadline | None:
    if schedule is None:
        return None
    return Deadline(due_at=schedule.due_at, closes_at=schedule.closes_at, now=now)


def exercise_deadline(exercise: Exercise, now: datetime) -> Deadline | None:
    """The deadline of an exercise loaded by exercise_for_work (None: not scheduled)."""
    if exercise.schedule_due_at is None:  # due_at is required, so no schedule row
        return None
    return Deadline(due_at=exercise.schedule_due_at, closes_at=exercise.schedule_closes_at, now=now)


@dataclass
class ExerciseWork:
    exercise: Exercise
    submission: Submission | None
    deadline: Deadline | None

    @property
    def status_label(self) -> str:
        return self.submission.get_status_display() if self.submission else "Not started"

    @property
    def status_key(self) -> str:
        return self.submission.status if self.submission else "not-started"


@dataclass
class SessionWork:
    unit: Unit
    deadline: Deadline | None
    exercises: list[ExerciseWork] = field(default_factory=list)


@dataclass
class EnrollmentWork:
    enrollment: Enrollment
    sessions: list[SessionWork] = field(default_factory=list)

    def of(self, exercise_pk: int) -> ExerciseWork | None:
        return next(
            (w for s in self.sessions for w in s.exercises if w.exercise.pk == exercise_pk), None
        )

    @property
    def next_up(self) -> ExerciseWork | None:
        """What to do next: of the exercises still open and not handed in, the one due first.

        Work returned for revision counts as not handed in; unscheduled work comes last.
        """
        waiting = [
            w
            for s in self.sessions
            for w in s.exercises
            if not (w.submission and w.submission.is_handed_in)
            and not (w.deadline and w.deadline.is_closed)
        ]
        if not waiting:
            return None
        return min(
            waiting,
            key=lambda w: (w.deadline is None, w.deadline.due_at if w.deadline else None),
        )


def work_overview(*, user, now: datetime, course_id: int | None = None) -> list[EnrollmentWork]:
    """Every exercise of each round the person is working in, grouped by session.

    Only the rounds of one course, given `course_id`. Four queries however many
    rounds, sessions and exercises there are.
    """
    enrollments = _working_enrollments(user)
    if course_id is not None:
        enrollments = enrollments.filter(round__course_id=course_id)
    enrollments = list(enrollments.select_related("round__course").order_by("-round__starts_on"))
    if not enrollments:
        return []
    course_ids = {e.round.course_id for e in enrollments}
    exercises = list(
        Exercise.objects.filter(unit__course_id__in=course_ids)
        .select_related("unit")
        .order_by("unit__number", "position")
    )
    # Both are read into dicts, so neither needs its model's default ordering (the
    # schedule's would join the rounds table only to sort).
    schedules = {
        (s.round_id, s.unit_id): s
        for s in RoundUnit.objects.filter(round_id__in=[e.round_id for e in enrollments]).order_by()
    }
    submissions = {
        (s.enrollment_id, s.exercise_id): s
        for s in Submission.objects.filter(enrollment__in=enrollments).defer("answers").order_by()
    }
    overview = []
    for enrollment in enrollments:
        work = EnrollmentWork(enrollment=enrollment)
        sessions: dict[int, SessionWork] = {}
        for exercise in exercises:
            if exercise.unit.course_id != enrollment.round.course_id:
                continue
            deadline = deadline_from(schedules.get((enrollment.round_id, exercise.unit_id)), now)
            if exercise.unit_id not in sessions:
                sessions[exercise.unit_id] = SessionWork(unit=exercise.unit, deadline=deadline)
                work.sessions.append(sessions[exercise.unit_id])
            sessions[exercise.unit_id].exercises.append(
                ExerciseWork(
                    exercise=exercise,
                    submission=submissions.get((enrollment.pk, exercise.pk)),
                    deadline=deadline,
                )
            )
        overview.append(work)
    return overview
