"""grading_give_feedback, and what it works around in submission_give_feedback."""

import pytest

from apps.grading.services import grading_give_feedback
from apps.submissions.models import CriterionScore, Feedback, Submission
from apps.submissions.services import (
    SubmissionConflict,
    SubmissionError,
    submission_give_feedback,
)
from tests.factories import ExerciseFactory, LevelFactory
from tests.grading import build_course, place, submitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def course():
    return build_course()


@pytest.fixture
def submission(course):
    return submitted(place(course), course.exercise)


def all_levels(course, position=3):
    return [course.level(0, position), course.level(1, position)]


def give(course, submission, decision="accepted", *, levels=None, comment="", version=None):
    return grading_give_feedback(
        submission=submission,
        grader=course.facilitator.user,
        decision=decision,
        comment=comment,
        levels=all_levels(course) if levels is None else levels,
        base_version=submission.version if version is None else version,
    )


def test_it_stores_the_total_and_one_score_per_criterion(course, submission):
    feedback = give(course, submission, levels=[course.level(0, 2), course.level(1, 3)])

    assert (feedback.points, feedback.max_points) == (4, 6)
    assert CriterionScore.objects.filter(feedback=feedback).count() == 2


def test_it_refuses_a_level_from_another_rubric(course, submission):
    foreign = LevelFactory()

    with pytest.raises(SubmissionError, match="one level per criterion"):
        give(course, submission, levels=[course.level(0, 3), foreign])

    assert not Feedback.objects.exists()


def test_it_reports_a_conflict_when_someone_else_returned_the_work_first(course, submission):
    version = submission.version
    give(course, submission, "returned", comment="Needs dates.")
    fresh = Submission.objects.get(pk=submission.pk)

    with pytest.raises(SubmissionConflict):
        give(course, fresh, "accepted", version=version)

    assert Feedback.objects.count() == 1


def test_it_treats_the_same_decision_sent_twice_as_one(course, submission):
    version = submission.version
    first = give(course, submission, comment="Good.")
    fresh = Submission.objects.get(pk=submission.pk)

    again = give(course, fresh, comment="Good.", version=version)

    assert again == first and Feedback.objects.count() == 1


def test_a_different_decision_from_the_same_grader_on_a_stale_page_is_a_conflict(
    course, submission
):
    version = submission.version
    give(course, submission, comment="Good.")
    fresh = Submission.objects.get(pk=submission.pk)

    with pytest.raises(SubmissionConflict):
        give(course, fresh, comment="Actually, great.", version=version)


# Findings in apps/submissions/services.py, kept here until they are fixed there. -----


def test_submission_service_reports_a_conflict_on_work_returned_meanwhile(course, submission):
    version = submission.version
    give(course, submission, "returned", comment="Needs dates.")
    fresh = Submission.objects.get(pk=submission.pk)

    with pytest.raises(SubmissionConflict):
        submission_give_feedback(
            submission=fresh,
            grader=course.facilitator.user,
            decision="accepted",
            comment="",
            levels=[],
            base_version=version,
        )


def test_submission_service_refuses_levels_for_an_exercise_without_a_rubric(course):
    exercise = ExerciseFactory(unit=course.exercise.unit, rubric=None)
    work = submitted(place(course), exercise)

    with pytest.raises(SubmissionError):
        submission_give_feedback(
            submission=work,
            grader=course.facilitator.user,
            decision="accepted",
            comment="",
            levels=[LevelFactory()],
            base_version=work.version,
        )
