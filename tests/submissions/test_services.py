"""Writing submissions: drafts that are never overwritten, submitting, late work, revisions."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from apps.submissions.models import Milestone, Revision, Submission
from apps.submissions.services import (
    SubmissionConflict,
    SubmissionError,
    submission_get_or_start,
    submission_give_feedback,
    submission_save_draft,
    submission_submit,
)
from tests.factories import EnrollmentFactory, UserFactory
from tests.submissions import complete_answers, plan_exercise, schedule

pytestmark = pytest.mark.django_db

DUE = datetime(2027, 3, 7, 23, 59, tzinfo=UTC)


@pytest.fixture
def work():
    enrollment = EnrollmentFactory()
    exercise = plan_exercise(unit__course=enrollment.round.course)
    schedule(enrollment, exercise.unit, due_at=DUE)
    return submission_get_or_start(enrollment=enrollment, exercise=exercise)


def fresh(submission):
    return Submission.objects.get(pk=submission.pk)


def submit(submission, answers=None, **kwargs):
    return submission_submit(
        submission=submission,
        answers=answers or complete_answers(),
        base_version=kwargs.get("base_version", submission.version),
    )


def before_due():
    return time_machine.travel(DUE - timedelta(hours=1), tick=False)


# Drafts -------------------------------------------------------------------------------


def test_starting_twice_gives_the_same_submission(work):
    again = submission_get_or_start(enrollment=work.enrollment, exercise=work.exercise)
    assert again.pk == work.pk
    assert Submission.objects.count() == 1


def test_saving_a_draft_stores_the_answers_and_moves_the_version_on(work):
    saved = submission_save_draft(submission=work, answers={"why": "Because."}, base_version=1)

    assert saved.version == 2
    assert fresh(work).answers["why"] == "Because."
    assert fresh(work).status == Submission.Status.DRAFT


def test_saving_the_same_answers_again_changes_nothing(work):
    saved = submission_save_draft(submission=work, answers={"why": "Because."}, base_version=1)
    again = submission_save_draft(submission=saved, answers={"why": "Because."}, base_version=2)
    assert again.version == 2


def test_a_save_from_an_out_of_date_page_is_a_conflict_and_overwrites_nothing(work):
    submission_save_draft(submission=work, answers={"why": "From tab one."}, base_version=1)

    with pytest.raises(SubmissionConflict) as raised:
        submission_save_draft(submission=work, answers={"why": "From tab two."}, base_version=1)

    assert raised.value.current.version == 2
    assert raised.value.current.answers["why"] == "From tab one."
    assert fresh(work).answers["why"] == "From tab one."
    assert "Nothing was overwritten" in str(raised.value)


def test_an_out_of_date_save_of_the_very_same_text_is_not_a_conflict(work):
    submission_save_draft(submission=work, answers={"why": "Same words."}, base_version=1)

    saved = submission_save_draft(submission=work, answers={"why": "Same words."}, base_version=1)

    assert saved.version == 2


def test_a_draft_too_long_to_keep_is_refused_with_the_prompt_named(work):
    with pytest.raises(SubmissionError) as raised:
        submission_save_draft(submission=work, answers={"why": "x" * 100_001}, base_version=1)

    assert [p.prompt for p in raised.value.problems] == ["why"]
    assert fresh(work).version == 1


# Submitting ---------------------------------------------------------------------------


def test_submitting_makes_revision_one_and_records_the_time(work):
    with before_due():
        submitted = submit(work)

    assert submitted.status == Submission.Status.SUBMITTED
    assert submitted.submitted_at == DUE - timedelta(hours=1)
    assert submitted.first_submitted_at == submitted.submitted_at
    assert not submitted.is_late
    revision = Revision.objects.get()
    assert revision.number == 1
    assert revision.answers == submitted.answers == fresh(work).answers


def test_a_double_click_on_submit_makes_one_revision(work):
    with before_due():
        submit(work, base_version=1)
        again = submit(work, base_version=1)  # the second click, sent from the same page

    assert Revision.objects.count() == 1
    assert again.status == Submission.Status.SUBMITTED


def test_answers_that_are_not_ready_are_refused_but_kept_as_a_draft(work):
    answers = {"roles": ["Only one"], "why": "", "milestones": []}

    with pytest.raises(SubmissionError) as raised:
        submit(work, answers)

    assert {p.prompt for p in raised.value.problems} == {"roles", "why", "milestones"}
    kept = fresh(work)
    assert kept.status == Submission.Status.DRAFT
    assert kept.answers["roles"] == ["Only one"]
    assert kept.version == 2
    assert raised.value.submission.version == 2
    assert not Revision.objects.exists()


def test_answers_not_ready_from_an_out_of_date_page_are_a_conflict(work):
    submission_save_draft(submission=work, answers={"why": "Elsewhere."}, base_version=1)

    with pytest.raises(SubmissionConflict):
        submit(work, {"why": "Here."}, base_version=1)

    assert fresh(work).answers["why"] == "Elsewhere."


def test_submitting_from_an_out_of_date_page_is_a_conflict(work):
    submission_save_draft(submission=work, answers={"why": "Elsewhere."}, base_version=1)

    with pytest.raises(SubmissionConflict), before_due():
        submit(work, base_version=1)

    assert not Revision.objects.exists()
    assert fresh(work).answers["why"] == "Elsewhere."


def test_work_submitted_a_second_after_the_due_time_is_late():
    enrollment = EnrollmentFactory()
    exercise = plan_exercise(unit__course=enrollment.round.course)
    schedule(enrollment, exercise.unit, due_at=DUE)
    submission = submission_get_or_start(enrollment=enrollment, exercise=exercise)

    with time_machine.travel(DUE + timedelta(seconds=1), tick=False):
        submitted = submit(submission)

    assert submitted.is_late
    assert Revision.objects.get().is_late


def test_work_submitted_exactly_at_the_due_time_is_on_time(work):
    with time_machine.travel(DUE, tick=False):
        assert not submit(work).is_late


def test_a_closed_session_refuses_submissions_but_not_drafts():
    enrollment = EnrollmentFactory()
    exercise = plan_exercise(unit__course=enrollment.round.course)
    schedule(enrollment, exercise.unit, due_at=DUE, closes_at=DUE + timedelta(days=3))
    submission = submission_get_or_start(enrollment=enrollment, exercise=exercise)

    with time_machine.travel(DUE + timedelta(days=3, seconds=1), tick=False):
        with pytest.raises(SubmissionError, match="closed"):
            submit(submission)
        saved = submission_save_draft(
            submission=submission, answers={"why": "Still writing."}, base_version=1
        )

    assert saved.version == 2
    assert not Revision.objects.exists()


def test_late_work_is_taken_until_the_session_closes():
    enrollment = EnrollmentFactory()
    exercise = plan_exercise(unit__course=enrollment.round.course)
    schedule(enrollment, exercise.unit, due_at=DUE, closes_at=DUE + timedelta(days=3))
    submission = submission_get_or_start(enrollment=enrollment, exercise=exercise)

    with time_machine.travel(DUE + timedelta(days=2), tick=False):
        assert submit(submission).is_late


def test_without_a_schedule_work_is_never_late(work):
    work.enrollment.round.schedule.all().delete()
    with time_machine.travel(DUE + timedelta(days=30), tick=False):
        assert not submit(work).is_late


# Revising -----------------------------------------------------------------------------


def return_for_revision(submission):
    return submission_give_feedback(
        submission=fresh(submission),
        grader=UserFactory(),
        decision="returned",
        comment="Make the milestones smaller.",
        levels=[],
        base_version=fresh(submission).version,
    )


def test_resubmitting_after_a_return_makes_revision_two(work):
    with before_due():
        first = submit(work)
    return_for_revision(work)
    answers = complete_answers() | {"why": "Research engineering: I enjoy building."}

    with time_machine.travel(DUE + timedelta(days=1), tick=False):
        second = submit(fresh(work), answers)

    assert second.status == Submission.Status.SUBMITTED
    assert list(Revision.objects.values_list("number", "is_late")) == [(1, False), (2, True)]
    assert second.first_submitted_at == first.first_submitted_at
    assert second.submitted_at > first.submitted_at


def test_resubmitting_unchanged_answers_after_a_return_still_makes_a_revision(work):
    with before_due():
        submit(work)
    return_for_revision(work)

    with before_due():
        submit(fresh(work))

    assert Revision.objects.count() == 2


def test_editing_submitted_work_saves_a_draft_and_leaves_the_revision_alone(work):
    with before_due():
        submitted = submit(work)

    edited = submission_save_draft(
        submission=submitted,
        answers=complete_answers() | {"why": "Changed my mind."},
        base_version=submitted.version,
    )

    assert edited.status == Submission.Status.SUBMITTED
    assert edited.answers["why"] == "Changed my mind."
    assert Revision.objects.get().answers["why"] == complete_answers()["why"]


def test_resubmitting_edited_work_makes_a_new_revision(work):
    with before_due():
        submitted = submit(work)
        answers = complete_answers() | {"why": "Changed my mind."}
        edited = submission_save_draft(
            submission=submitted, answers=answers, base_version=submitted.version
        )
        submit(edited, answers)

    assert [r.answers["why"] for r in Revision.objects.order_by("number")] == [
        complete_answers()["why"],
        "Changed my mind.",
    ]


def test_submitting_copies_milestones_into_rows_and_resubmitting_replaces_them(work):
    with before_due():
        submitted = submit(work)
    assert list(Milestone.objects.values_list("position", "title", "target_date")) == [
        (1, "Read three papers", date(2027, 4, 1)),
        (2, "Reproduce one result", date(2027, 4, 20)),
    ]

    answers = complete_answers() | {
        "milestones": [
            {"title": "  Write it up ", "date": "2027-05-01"},
            {"title": "Share with the cohort", "date": "2027-05-08"},
        ]
    }
    with before_due():
        edited = submission_save_draft(
            submission=submitted, answers=answers, base_version=submitted.version
        )
        submit(edited, answers)

    assert list(Milestone.objects.values_list("title", "target_date")) == [
        ("Write it up", date(2027, 5, 1)),
        ("Share with the cohort", date(2027, 5, 8)),
    ]
    assert {m.prompt.slug for m in Milestone.objects.all()} == {"milestones"}
