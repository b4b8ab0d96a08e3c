"""Grading writes: a thin layer over submission_give_feedback for the grading page."""

from apps.courses.models import Level
from apps.submissions.models import Feedback, Submission
from apps.submissions.services import SubmissionConflict, submission_give_feedback


def _repeat_of_last_feedback(
    *, submission: Submission, grader, decision: str, comment: str, levels: list[Level],
    base_version: int,
) -> Feedback | None:  # fmt: skip
    """The feedback this request would give, if the same grader has just given exactly it.

    A double click or a resent form arrives with the version from before the
    first save; when nothing else has happened since (the version moved by
    one) and the newest feedback is identical, it is the same decision twice.
    """
    if submission.version != base_version + 1:
        return None
    latest = submission.feedback.order_by("-created_at", "-pk").first()
    if (
        latest is None
        or latest.grader_id != grader.pk
        or latest.decision != decision
        or latest.comment != comment
    ):
        return None
    chosen = set(latest.scores.values_list("level_id", flat=True))
    return latest if chosen == {level.pk for level in levels} else None


def grading_give_feedback(
    *,
    submission: Submission,
    grader,
    decision: str,
    comment: str,
    levels: list[Level],
    base_version: int,
) -> Feedback:
    """Accept or return a submission, reporting another grader's decision as a conflict.

    submission_give_feedback checks the status before the version, so a
    grader acting on work that someone else has just returned would be told
    "only submitted work can be graded" rather than that someone else
    decided. Comparing versions first gives them the conflict, and with it
    the other decision. The service's own conditional update still guards
    the race between this check and the write.

    Sending the same decision twice returns the first feedback instead of a
    conflict.
    """
    request = {
        "grader": grader,
        "decision": decision,
        "comment": comment,
        "levels": levels,
        "base_version": base_version,
    }
    if submission.version != base_version:
        repeat = _repeat_of_last_feedback(submission=submission, **request)
        if repeat is not None:
            return repeat
        raise SubmissionConflict(submission)
    try:
        return submission_give_feedback(submission=submission, **request)
    except SubmissionConflict as conflict:
        repeat = _repeat_of_last_feedback(submission=conflict.current, **request)
        if repeat is not None:
            return repeat
        raise
