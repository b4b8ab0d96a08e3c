"""Writes to submissions: drafts, submitting, revising and grading.

Every write bumps `Submission.version` with a conditional update, so two
tabs, two devices or two facilitators acting on the same submission cannot
overwrite each other silently: the later one gets a conflict and both texts
are kept.
"""

from functools import partial

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from apps.courses.models import Exercise, Level, Prompt
from apps.courses.selectors import exercise_prompts
from apps.reminders.services import reminders_schedule
from apps.rounds.models import Enrollment, RoundUnit
from apps.submissions.answers import (
    AnswerProblem,
    clean_draft,
    parse_date,
    problems_before_submitting,
)
from apps.submissions.models import CriterionScore, Feedback, Milestone, Revision, Submission


class SubmissionError(Exception):
    """A submission operation that cannot be done, with messages for people."""

    def __init__(
        self,
        message: str,
        problems: list[AnswerProblem] | None = None,
        submission: Submission | None = None,
    ):
        super().__init__(message)
        self.problems = problems or []
        # The submission as it stands after the failed attempt, when the attempt
        # still saved something (the answers kept as a draft), so the page can
        # carry on from its new version.
        self.submission = submission


class SubmissionConflict(SubmissionError):
    """The submission changed since the page was loaded; nothing was overwritten."""

    def __init__(self, current: Submission):
        super().__init__(
            "This work was changed elsewhere (another tab or device) since this page was "
            "loaded. Nothing was overwritten: your text is still here, and the saved "
            "version is shown beside it."
        )
        self.current = current


def submission_get_or_start(*, enrollment: Enrollment, exercise: Exercise) -> Submission:
    submission, _ = Submission.objects.get_or_create(enrollment=enrollment, exercise=exercise)
    return submission


def _bump(submission: Submission, base_version: int, **changes) -> Submission:
    """Apply changes only if nobody else has written since base_version."""
    updated = Submission.objects.filter(pk=submission.pk, version=base_version).update(
        version=F("version") + 1, updated_at=timezone.now(), **changes
    )
    fresh = Submission.objects.get(pk=submission.pk)
    if not updated:
        raise SubmissionConflict(fresh)
    return fresh


def submission_save_draft(
    *, submission: Submission, answers: dict, base_version: int
) -> Submission:
    """Save answers as they are; only their size is checked."""
    cleaned, problems = clean_draft(exercise_prompts(exercise=submission.exercise), answers)
    if problems:
        raise SubmissionError("Some answers are too long to save.", problems)
    if cleaned == submission.answers and base_version == submission.version:
        return submission
    try:
        return _bump(submission, base_version, answers=cleaned)
    except SubmissionConflict as conflict:
        # Another tab already saved exactly this text: there is nothing to choose between.
        if conflict.current.answers == cleaned:
            return conflict.current
        raise


def _due(submission: Submission) -> RoundUnit | None:
    return RoundUnit.objects.filter(
        round_id=submission.enrollment.round_id, unit_id=submission.exercise.unit_id
    ).first()


class _NotReady(Exception):
    """Raised inside the submit transaction so the draft can be kept outside it."""

    def __init__(self, answers: dict, problems: list[AnswerProblem]):
        super().__init__("not ready")
        self.answers = answers
        self.problems = problems


def submission_submit(*, submission: Submission, answers: dict, base_version: int) -> Submission:
    """Submit the answers as a new revision.

    Submitting the same answers twice (a double click, a retried request)
    gives one revision. Work after the due date is marked late and taken,
    unless the round has closed the session. Answers that cannot be submitted
    yet are still saved as a draft, so fixing them loses nothing.
    """
    try:
        return _submit(submission=submission, answers=answers, base_version=base_version)
    except _NotReady as not_ready:
        # Saved after the submit transaction has rolled back, or the draft
        # would be rolled back with it.
        kept = submission_save_draft(
            submission=Submission.objects.get(pk=submission.pk),
            answers=not_ready.answers,
            base_version=base_version,
        )
        raise SubmissionError(
            "Some answers need attention before submitting.", not_ready.problems, submission=kept
        ) from None


@transaction.atomic
def _submit(*, submission: Submission, answers: dict, base_version: int) -> Submission:
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    prompts = exercise_prompts(exercise=submission.exercise)
    cleaned, problems = clean_draft(prompts, answers)
    if problems:
        raise SubmissionError("Some answers are too long to submit.", problems)
    latest = submission.revisions.order_by("-number").first()
    already_in = submission.status != Submission.Status.RETURNED and latest is not None
    if already_in and latest.answers == cleaned and base_version >= submission.version - 1:
        return submission  # the same submission again: nothing to do
    problems = problems_before_submitting(prompts, cleaned)
    if problems:
        raise _NotReady(cleaned, problems)

    now = timezone.now()
    schedule = _due(submission)
    if schedule and schedule.closes_at and now > schedule.closes_at:
        raise SubmissionError("This session has closed, so no more submissions are taken.")
    is_late = bool(schedule and now > schedule.due_at)
    submission = _bump(
        submission,
        base_version,
        answers=cleaned,
        status=Submission.Status.SUBMITTED,
        submitted_at=now,
        is_late=is_late,
        first_submitted_at=submission.first_submitted_at or now,
    )
    Revision.objects.create(
        submission=submission,
        number=(latest.number + 1) if latest else 1,
        answers=cleaned,
        is_late=is_late,
    )
    _sync_milestones(submission, prompts)
    return submission


def _sync_milestones(submission: Submission, prompts: list[Prompt]) -> None:
    submission.milestones.all().delete()
    Milestone.objects.bulk_create(
        Milestone(
            submission=submission,
            prompt=prompt,
            position=position,
            title=item["title"].strip(),
            target_date=parse_date(item["date"]),
        )
        for prompt in prompts
        if prompt.answer == Prompt.Answer.MILESTONES
        for position, item in enumerate(submission.answers.get(prompt.slug, []), start=1)
        if item["title"].strip()
    )


@transaction.atomic
def submission_give_feedback(
    *,
    submission: Submission,
    grader,
    decision: str,
    comment: str,
    levels: list[Level],
    base_version: int,
) -> Feedback:
    """Accept a submission or return it for revision, with rubric levels and a comment.

    The version is checked first, so a grader acting on an out-of-date page
    hears that someone else acted meanwhile, whatever that was.
    """
    current = Submission.objects.select_for_update().get(pk=submission.pk)
    if current.version != base_version:
        raise SubmissionConflict(current)
    submission = current
    if decision not in Feedback.Decision.values:
        raise SubmissionError("Choose to accept the work or return it for revision.")
    if not submission.is_handed_in:
        raise SubmissionError("Only submitted work can be graded.")
    if decision == Feedback.Decision.RETURNED and not comment.strip():
        raise SubmissionError("Say what to revise when returning work.")
    rubric = submission.exercise.rubric
    if rubric is None and levels:
        raise SubmissionError("This exercise has no rubric, so no levels can be chosen.")
    if rubric is not None:
        criteria = {c.pk for c in rubric.criteria.all()}
        chosen = {level.criterion_id for level in levels}
        if chosen - criteria or len(chosen) != len(levels):
            raise SubmissionError("Choose one level per criterion of this exercise's rubric.")
    new_status = (
        Submission.Status.ACCEPTED
        if decision == Feedback.Decision.ACCEPTED
        else Submission.Status.RETURNED
    )
    submission = _bump(submission, base_version, status=new_status)
    points = sum(level.points for level in levels) if levels else None
    max_points = _max_points(rubric) if rubric is not None else None
    feedback = Feedback.objects.create(
        submission=submission,
        revision=submission.revisions.order_by("-number").first(),
        grader=grader,
        decision=decision,
        comment=comment,
        points=points,
        max_points=max_points,
    )
    CriterionScore.objects.bulk_create(
        CriterionScore(feedback=feedback, criterion_id=level.criterion_id, level=level)
        for level in levels
    )
    transaction.on_commit(partial(_tell_author, feedback))
    return feedback


# The message each decision sends its author (kinds registered in reminders.py).
_DECISION_NEWS = {
    Feedback.Decision.RETURNED: "work_returned",
    Feedback.Decision.ACCEPTED: "work_accepted",
}


def _tell_author(feedback: Feedback) -> None:
    """The author hears at once: a notice in the app now, an email outside their quiet hours.

    One message per decision: its occasion is the feedback row, which a double
    click cannot make twice (the second click meets a changed version).
    """
    enrollment = feedback.submission.enrollment
    reminders_schedule(
        user=enrollment.user,
        kind=_DECISION_NEWS[feedback.decision],
        occasion=f"feedback:{feedback.pk}",
        round=enrollment.round,
    )


def _max_points(rubric) -> int:
    return sum(
        max((level.points for level in criterion.levels.all()), default=0)
        for criterion in rubric.criteria.prefetch_related("levels")
    )
