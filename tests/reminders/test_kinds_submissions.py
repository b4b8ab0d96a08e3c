"""Exercise due and returned work waiting: who is reminded, when, and when not."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail

from apps.reminders.models import Reminder
from apps.reminders.services import reminders_plan, reminders_send_batch
from apps.rounds.models import Enrollment, RoundUnit
from apps.submissions.models import Feedback, Revision, Submission
from tests.factories import (
    EnrollmentFactory,
    ExerciseFactory,
    FacilitatorEnrollmentFactory,
    SubmissionFactory,
    UnitFactory,
)

pytestmark = pytest.mark.django_db


def at(moment):
    return time_machine.travel(moment, tick=False)


# Exercise due ------------------------------------------------------------------------------

# Due on Tuesday 16 March 2027 at 21:00 UTC: 18:30 in St John's, which moved its clocks
# from UTC-3:30 to UTC-2:30 two days before.
DUE = datetime(2027, 3, 16, 21, 0, tzinfo=UTC)


def session_due(enrollment, *, exercises=("Reflect",)):
    unit = UnitFactory(course=enrollment.round.course, title="Rewards")
    made = [ExerciseFactory(unit=unit, title=title) for title in exercises]
    entry = RoundUnit.objects.create(
        round=enrollment.round, unit=unit, week_starts_on="2027-03-15", due_at=DUE
    )
    return entry, made


def test_participants_are_reminded_two_days_before_work_is_due_in_their_own_time():
    participant = EnrollmentFactory(user__time_zone="America/St_Johns")
    FacilitatorEnrollmentFactory(round=participant.round)
    EnrollmentFactory(round=participant.round, status=Enrollment.Status.DROPPED)
    entry, _ = session_due(participant, exercises=["Reflect", "Plan “next” steps"])

    with at(DUE - timedelta(hours=49)):
        assert reminders_plan() == 1
    reminder = Reminder.objects.get()
    assert (reminder.user, reminder.occasion, reminder.due_at) == (
        participant.user,
        f"due:{entry.pk}",
        DUE - timedelta(hours=48),
    )

    with at(reminder.due_at):  # 18:30 on Sunday in St John's
        assert reminders_send_batch().sent == 1
    [email] = mail.outbox
    assert email.subject == f"Due Tue 16 Mar, 18:30: {entry.unit.display_title}"
    assert "due on Tuesday 16 March at 18:30 (America/St_Johns)" in email.body
    assert "- Reflect\n- Plan “next” steps\n" in email.body


def test_no_reminder_once_the_due_date_has_passed():
    participant = EnrollmentFactory(user__time_zone="Europe/London")
    entry, _ = session_due(participant)
    Reminder.objects.create(
        user=participant.user, round=participant.round, kind="exercise_due",
        occasion=f"due:{entry.pk}", due_at=DUE,
    )  # fmt: skip

    with at(DUE + timedelta(hours=1)):
        assert reminders_send_batch().skipped == 1

    assert Reminder.objects.get().skip_reason == "the due date has passed"


# Returned work not resubmitted -------------------------------------------------------------

RETURNED_AT = datetime(2027, 3, 12, 10, 0, tzinfo=UTC)


def returned_work(enrollment, *, comment="Say *why*."):
    submission = SubmissionFactory(
        enrollment=enrollment,
        exercise__title="Plan your career",
        status=Submission.Status.RETURNED,
        submitted_at=RETURNED_AT - timedelta(days=1),
    )
    revision = Revision.objects.create(submission=submission, number=1, answers={})
    with at(RETURNED_AT):
        feedback = Feedback.objects.create(
            submission=submission,
            revision=revision,
            decision=Feedback.Decision.RETURNED,
            comment=comment,
        )
    return submission, feedback


def test_returned_work_waiting_three_days_brings_a_reminder_with_the_comment():
    author = EnrollmentFactory(user__time_zone="Asia/Kathmandu")
    comment = 'Keep the "why" & cut the <fluff>.'
    submission, feedback = returned_work(author, comment=comment)
    dropped = EnrollmentFactory(round=author.round, status=Enrollment.Status.DROPPED)
    returned_work(dropped)

    with at(RETURNED_AT + timedelta(hours=71)):
        assert reminders_plan() == 2
    reminder = Reminder.objects.get(user=author.user)
    assert (reminder.kind, reminder.occasion, reminder.due_at) == (
        "revision_waiting",
        f"returned:{feedback.pk}",
        RETURNED_AT + timedelta(hours=72),
    )

    with at(reminder.due_at):  # 15:45 in Kathmandu
        result = reminders_send_batch()
    assert (result.sent, result.skipped) == (1, 1)
    assert Reminder.objects.get(user=dropped.user).skip_reason == (
        "no longer taking part in this round"
    )
    [email] = mail.outbox
    assert email.subject == "Your revision of “Plan your career” is waiting"
    assert f"\n{comment}\n" in email.body
    html = email.alternatives[0][0]  # the comment as Markdown, sanitised
    assert 'Keep the "why" &amp; cut the' in html and "<fluff>" not in html
    assert f"/work/{author.round.slug}/exercises/{submission.exercise_id}/" in email.body


@pytest.mark.parametrize("later", ["resubmitted", "returned again"])
def test_no_revision_reminder_once_the_work_was_resubmitted(later):
    author = EnrollmentFactory(user__time_zone="Europe/London")
    submission, feedback = returned_work(author)
    with at(RETURNED_AT + timedelta(hours=71)):
        reminders_plan()
    if later == "resubmitted":
        Submission.objects.filter(pk=submission.pk).update(status=Submission.Status.SUBMITTED)
    else:
        revision = Revision.objects.create(submission=submission, number=2, answers={})
        with at(RETURNED_AT + timedelta(hours=60)):
            Feedback.objects.create(
                submission=submission, revision=revision, decision=Feedback.Decision.RETURNED
            )

    with at(RETURNED_AT + timedelta(hours=72)):
        assert reminders_send_batch().skipped == 1

    assert Reminder.objects.get(occasion=f"returned:{feedback.pk}").skip_reason == (
        "the work was resubmitted"
    )
    assert not mail.outbox
