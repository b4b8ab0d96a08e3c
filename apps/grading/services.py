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
    """Accept or return a submission; the same decision sent twice gives the first feedback.

    A double click or a resent form arrives with the version from before the
    first save, so submission_give_feedback (which compares versions before
    anything else) reports a conflict. When what changed meanwhile is exactly
    this grader's identical decision, that feedback is the answer; any other
    change stays a conflict, which the page shows with the other decision.
    """
    request = {
        "grader": grader,
        "decision": decision,
        "comment": comment,
        "levels": levels,
        "base_version": base_version,
    }
    try:
        return submission_give_feedback(submission=submission, **request)
    except SubmissionConflict as conflict:
        repeat = _repeat_of_last_feedback(submission=conflict.current, **request)
        if repeat is not None:
            return repeat
        raise
