"""A facilitator's decision reaches the participant at once: returned for revision, or accepted."""

from datetime import timedelta

import pytest

from apps.grading.services import grading_give_feedback
from apps.reminders.models import Preference, Reminder
from apps.rounds.models import Enrollment
from apps.submissions.models import Feedback, Submission
from apps.submissions.services import SubmissionConflict, submission_give_feedback
from tests.grading import build_course, place, submitted
from tests.reminders.news import MORNING, NIGHT, NOON, at, emails_to, news, notices, send

pytestmark = pytest.mark.django_db


@pytest.fixture
def work():
    course = build_course()
    author = place(course, time_zone="Europe/London", display_name="Pat")
    return submitted(author, course.exercise, at=NOON - timedelta(days=1)), course


def decide(work, decision, comment="Add a date to each step.", *, base_version=None):
    submission, course = work
    current = Submission.objects.get(pk=submission.pk)
    return grading_give_feedback(
        submission=current,
        grader=course.facilitator.user,
        decision=decision,
        comment=comment,
        levels=[],
        base_version=current.version if base_version is None else base_version,
    )


def author(work):
    return work[0].enrollment.user


def test_returned_work_is_in_the_participants_notifications_at_once(
    work, django_capture_on_commit_callbacks
):
    with at(NOON), django_capture_on_commit_callbacks(execute=True):
        feedback = decide(work, "returned")

    [notice] = notices(author(work))
    assert notice.title == "Returned for revision: “Plan your career”"
    assert "Add a date to each step." in notice.body
    [reminder] = news("work_returned")
    assert reminder.occasion == f"feedback:{feedback.pk}"

    assert send(NOON).sent == 1
    [email] = emails_to(author(work))
    assert email.subject == notice.title


def test_accepted_work_is_in_the_participants_notifications_at_once(
    work, django_capture_on_commit_callbacks
):
    with at(NOON), django_capture_on_commit_callbacks(execute=True):
        decide(work, "accepted", comment="")

    [notice] = notices(author(work))
    assert notice.title == "Accepted: “Plan your career”"
    assert "Their comment" not in notice.body
    assert news("work_returned") == []
    assert send(NOON).sent == 1


def test_a_double_click_on_return_tells_the_participant_once(
    work, django_capture_on_commit_callbacks
):
    version = work[0].version
    with at(NOON), django_capture_on_commit_callbacks(execute=True):
        first = decide(work, "returned", base_version=version)
        again = decide(work, "returned", base_version=version)

    assert first == again and Feedback.objects.count() == 1
    assert len(news("work_returned")) == 1 and len(notices(author(work))) == 1
    assert send(NOON).sent == 1 and send(NOON + timedelta(minutes=1)).sent == 0
    assert len(emails_to(author(work))) == 1


def test_a_stale_retry_that_conflicts_tells_nobody_anything_new(
    work, django_capture_on_commit_callbacks
):
    submission, course = work
    version = submission.version
    with at(NOON), django_capture_on_commit_callbacks(execute=True):
        decide(work, "returned", base_version=version)
        with pytest.raises(SubmissionConflict):
            submission_give_feedback(
                submission=Submission.objects.get(pk=submission.pk),
                grader=course.facilitator.user,
                decision="accepted",
                comment="",
                levels=[],
                base_version=version,
            )

    assert len(notices(author(work))) == 1 and Reminder.objects.count() == 1


def test_returned_at_night_shows_at_once_and_emails_in_the_morning(
    work, django_capture_on_commit_callbacks
):
    with at(NIGHT), django_capture_on_commit_callbacks(execute=True):
        decide(work, "returned")
    assert len(notices(author(work))) == 1

    assert send(NIGHT).deferred == 1
    assert emails_to(author(work)) == []
    assert send(MORNING).sent == 1
    assert len(emails_to(author(work))) == 1 and len(notices(author(work))) == 1


@pytest.mark.parametrize(
    "decision, kind", [("returned", "work_returned"), ("accepted", "work_accepted")]
)
def test_with_the_email_switched_off_the_notice_still_comes(
    work, django_capture_on_commit_callbacks, decision, kind
):
    Preference.objects.create(user=author(work), kind=kind, email=False)
    with at(NOON), django_capture_on_commit_callbacks(execute=True):
        decide(work, decision)

    assert send(NOON).skipped == 1
    assert emails_to(author(work)) == [] and len(notices(author(work))) == 1


def test_no_email_about_returned_work_once_it_is_resubmitted(
    work, django_capture_on_commit_callbacks
):
    with at(NIGHT), django_capture_on_commit_callbacks(execute=True):
        decide(work, "returned")
    assert send(NIGHT).deferred == 1
    Submission.objects.filter(pk=work[0].pk).update(status=Submission.Status.SUBMITTED)

    assert send(MORNING).skipped == 1

    assert news("work_returned")[0].skip_reason == "the work was resubmitted"
    assert emails_to(author(work)) == []
    assert len(notices(author(work))) == 1


def test_an_acceptance_replaced_by_a_return_before_its_email_goes_is_not_emailed(
    work, django_capture_on_commit_callbacks
):
    for decision in ("accepted", "returned"):  # two requests, each committed on its own
        with at(NIGHT), django_capture_on_commit_callbacks(execute=True):
            decide(work, decision)
    assert len(notices(author(work))) == 2  # both happened, and both were shown

    assert (send(NIGHT).skipped, send(MORNING).sent) == (1, 1)

    [accepted] = news("work_accepted")
    assert accepted.skip_reason == "the work was graded again since"
    [email] = emails_to(author(work))
    assert email.subject.startswith("Returned for revision")


def test_someone_who_left_the_round_gets_no_email(work, django_capture_on_commit_callbacks):
    with at(NIGHT), django_capture_on_commit_callbacks(execute=True):
        decide(work, "returned")
    assert send(NIGHT).deferred == 1
    Enrollment.objects.filter(pk=work[0].enrollment_id).update(status=Enrollment.Status.LEFT)

    assert send(MORNING).skipped == 1
    assert news("work_returned")[0].skip_reason == "no longer taking part in this round"
    assert emails_to(author(work)) == []
