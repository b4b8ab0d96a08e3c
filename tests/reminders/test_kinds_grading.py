"""Grading waiting and the weekly digest: which facilitators hear about what, and when."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail

from apps.reminders.models import Preference, Reminder
from apps.reminders.services import reminders_plan, reminders_send_batch
from apps.rounds.models import Enrollment
from apps.submissions.models import Submission
from tests.factories import (
    CohortFactory,
    EnrollmentFactory,
    FacilitatorEnrollmentFactory,
    PlacementFactory,
    SubmissionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SUBMITTED_AT = datetime(2027, 3, 10, 9, 0, tzinfo=UTC)


def at(moment):
    return time_machine.travel(moment, tick=False)


def cohort_led_by(*leads):
    """A cohort with these facilitators and one participant, who has handed work in."""
    round_ = leads[0].round
    cohort = CohortFactory(round=round_, facilitators=list(leads))
    author = PlacementFactory(
        cohort=cohort, enrollment__user=UserFactory(display_name='Ada "Ace" Lovelace')
    ).enrollment
    submission = SubmissionFactory(
        enrollment=author,
        exercise__title="Plan “next” steps",
        status=Submission.Status.SUBMITTED,
        submitted_at=SUBMITTED_AT,
    )
    return cohort, submission


# Grading waiting ---------------------------------------------------------------------------


def test_lead_facilitators_hear_of_work_waiting_three_days_for_feedback():
    lead = FacilitatorEnrollmentFactory(user__time_zone="Asia/Kathmandu")
    gone = FacilitatorEnrollmentFactory(round=lead.round, status=Enrollment.Status.DROPPED)
    _, submission = cohort_led_by(lead, gone)
    # Handed in without a cohort: nobody leads it, so nobody is reminded.
    SubmissionFactory(
        enrollment=EnrollmentFactory(round=lead.round),
        status=Submission.Status.SUBMITTED,
        submitted_at=SUBMITTED_AT,
    )

    with at(SUBMITTED_AT + timedelta(hours=71)):
        assert reminders_plan() == 1
    reminder = Reminder.objects.get()
    assert (reminder.user, reminder.kind, reminder.due_at) == (
        lead.user,
        "grading_waiting",
        SUBMITTED_AT + timedelta(hours=72),
    )

    with at(reminder.due_at):
        assert reminders_send_batch().sent == 1
    [email] = mail.outbox
    assert email.subject == 'Waiting for your feedback: “Plan “next” steps” by Ada "Ace" Lovelace'
    assert f"/grading/submissions/{submission.pk}/" in email.body


@pytest.mark.parametrize("change", ["graded", "handed in again"])
def test_no_grading_reminder_once_the_work_was_graded_or_is_a_newer_version(change):
    lead = FacilitatorEnrollmentFactory()
    _, submission = cohort_led_by(lead)
    with at(SUBMITTED_AT + timedelta(hours=71)):
        reminders_plan()
    if change == "graded":
        Submission.objects.filter(pk=submission.pk).update(status=Submission.Status.ACCEPTED)
    else:  # the newer version has an occasion, and a reminder, of its own
        Submission.objects.filter(pk=submission.pk).update(
            submitted_at=SUBMITTED_AT + timedelta(days=1)
        )

    with at(SUBMITTED_AT + timedelta(hours=72)):
        assert reminders_send_batch().skipped == 1

    assert Reminder.objects.get().skip_reason == "the submission has been graded"


# Weekly digest -------------------------------------------------------------------------------

# Chatham's clocks go back an hour at 03:45 on Sunday 4 April 2027 (UTC+13:45 to UTC+12:45):
# 08:00 on Monday 5 April there is 19:15 UTC on the Sunday, not 18:15.
MONDAY_MORNING = datetime(2027, 4, 4, 19, 15, tzinfo=UTC)


def subscribe(user):
    Preference.objects.create(user=user, kind="facilitator_digest", email=True)


def test_subscribers_get_the_digest_at_eight_on_monday_in_their_own_zone():
    lead = FacilitatorEnrollmentFactory(user__time_zone="Pacific/Chatham")
    other = FacilitatorEnrollmentFactory(round=lead.round, user__time_zone="Pacific/Chatham")
    subscribe(lead.user)
    cohort, _ = cohort_led_by(lead, other)
    cohort.name = 'Zoë\'s "cohort"'
    cohort.save()

    with at(MONDAY_MORNING - timedelta(hours=3)):
        assert reminders_plan() == 1
    reminder = Reminder.objects.get(kind="facilitator_digest")
    assert (reminder.user, reminder.occasion, reminder.due_at) == (
        lead.user,
        "digest:2027-W14",
        MONDAY_MORNING,
    )

    with at(MONDAY_MORNING):
        assert reminders_send_batch().sent == 1
    [email] = mail.outbox
    assert email.subject == "Your cohorts this week"
    assert 'Zoë\'s "cohort": 1 submission to grade, 0 meetings without attendance' in email.body


def test_the_digest_stands_in_for_single_emails_and_is_skipped_when_nothing_waits():
    subscriber = FacilitatorEnrollmentFactory()
    single = FacilitatorEnrollmentFactory(round=subscriber.round)
    subscribe(subscriber.user)
    _, submission = cohort_led_by(subscriber, single)
    with at(SUBMITTED_AT + timedelta(hours=71)):
        reminders_plan()

    with at(SUBMITTED_AT + timedelta(hours=72)):
        assert reminders_send_batch().sent == 1
    assert mail.outbox[0].to[0].endswith(f"<{single.user.email}>")
    left_to_digest = Reminder.objects.get(user=subscriber.user, kind="grading_waiting")
    assert left_to_digest.skip_reason == "the person switched this kind of reminder off"

    # The same planning run put the subscriber's digest on Monday at 08:00 in London.
    digest = Reminder.objects.get(kind="facilitator_digest")
    assert digest.due_at == datetime(2027, 3, 15, 8, 0, tzinfo=UTC)
    Submission.objects.filter(pk=submission.pk).update(status=Submission.Status.ACCEPTED)
    with at(digest.due_at):
        assert reminders_send_batch().skipped == 1
    digest.refresh_from_db()
    assert digest.skip_reason == "nothing is waiting this week"
