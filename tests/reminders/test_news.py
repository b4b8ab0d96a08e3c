"""News (kinds marked `in_app_at_once`): in the app the moment it happens, emailed once.

The base is exercised with "work returned", scheduled by hand here; the apps'
own tests show each event scheduling its news where it happens.
"""

from datetime import timedelta

import pytest
from django.urls import reverse

from apps.reminders.models import Notification, Preference, Reminder, ReminderSetting
from apps.reminders.services import reminders_schedule
from apps.submissions.models import Feedback, Revision, Submission
from tests.factories import SubmissionFactory, UserFactory
from tests.reminders.news import MORNING, NIGHT, NOON, at, emails_to, notices, send

pytestmark = pytest.mark.django_db


@pytest.fixture
def returned(db):
    """Work returned for revision a moment ago, with a comment."""
    submission = SubmissionFactory(
        enrollment__user__time_zone="Europe/London",
        exercise__title="Plan your career",
        status=Submission.Status.RETURNED,
        submitted_at=NOON - timedelta(days=1),
    )
    revision = Revision.objects.create(submission=submission, number=1, answers={})
    return Feedback.objects.create(
        submission=submission,
        revision=revision,
        decision=Feedback.Decision.RETURNED,
        comment="Name the roles.",
    )


def author(feedback):
    return feedback.submission.enrollment.user


def schedule(feedback, kind="work_returned", **extra):
    return reminders_schedule(
        user=author(feedback),
        kind=kind,
        occasion=f"feedback:{feedback.pk}",
        round=feedback.submission.enrollment.round,
        **extra,
    )


def test_news_is_in_the_app_the_moment_it_is_scheduled_and_emailed_by_the_next_batch(returned):
    with at(NOON):
        reminder = schedule(returned)

    [notice] = notices(author(returned))
    assert notice.reminder == reminder and notice.read_at is None
    assert notice.title == "Returned for revision: “Plan your career”"
    assert notice.url == reverse(
        "submissions:answer",
        args=[returned.submission.enrollment.round.slug, returned.submission.exercise_id],
    )
    assert emails_to(author(returned)) == []

    assert send(NOON + timedelta(minutes=1)).sent == 1

    [email] = emails_to(author(returned))
    assert email.subject == notice.title
    assert "Name the roles." in email.body and "Name the roles." in notice.body
    assert Notification.objects.count() == 1  # the dispatcher wrote no second one


def test_scheduling_the_same_news_again_shows_and_sends_it_once(returned):
    with at(NOON):
        first, again = schedule(returned), schedule(returned)

    assert first == again and Reminder.objects.count() == 1
    assert len(notices(author(returned))) == 1
    assert send(NOON).sent == 1
    assert send(NOON + timedelta(minutes=1)).sent == 0
    assert len(emails_to(author(returned))) == 1 and len(notices(author(returned))) == 1


def test_at_night_the_notice_is_there_at_once_and_only_the_email_waits_for_the_morning(returned):
    with at(NIGHT):
        schedule(returned)
    assert len(notices(author(returned))) == 1

    result = send(NIGHT)

    assert (result.sent, result.deferred) == (0, 1)
    assert Reminder.objects.get().due_at == MORNING
    assert send(MORNING - timedelta(minutes=1)).sent == 0
    assert send(MORNING).sent == 1
    assert len(emails_to(author(returned))) == 1 and len(notices(author(returned))) == 1


def test_someone_who_switched_the_email_off_still_gets_the_notice(returned):
    Preference.objects.create(user=author(returned), kind="work_returned", email=False)
    with at(NOON):
        schedule(returned)

    assert send(NOON).skipped == 1

    assert emails_to(author(returned)) == []
    assert len(notices(author(returned))) == 1
    assert Reminder.objects.get().skip_reason == "the person switched this kind of reminder off"


def test_a_closed_account_gets_neither_notice_nor_email(returned):
    type(author(returned)).objects.filter(pk=author(returned).pk).update(is_active=False)
    returned.submission.enrollment.user.refresh_from_db()

    with at(NOON):
        assert schedule(returned) is None

    assert not Reminder.objects.exists() and not Notification.objects.exists()


def test_a_round_that_switched_the_kind_off_gets_neither(returned):
    ReminderSetting.objects.create(
        round=returned.submission.enrollment.round, kind="work_returned", is_enabled=False
    )
    with at(NOON):
        assert schedule(returned) is None
    assert not Notification.objects.exists()


def test_news_whose_reason_is_already_gone_shows_nothing_and_is_not_sent(returned):
    Submission.objects.filter(pk=returned.submission_id).update(status=Submission.Status.SUBMITTED)

    with at(NOON):
        schedule(returned)

    assert notices(author(returned)) == []
    assert send(NOON).skipped == 1
    assert Reminder.objects.get().skip_reason == "the work was resubmitted"


def test_news_due_later_is_shown_when_it_falls_due_even_at_night(returned):
    with at(NOON):
        schedule(returned, due_at=NIGHT)
    assert notices(author(returned)) == []
    assert send(NOON).sent == 0

    result = send(NIGHT)

    assert result.deferred == 1 and emails_to(author(returned)) == []
    assert len(notices(author(returned))) == 1
    assert send(MORNING).sent == 1
    assert len(notices(author(returned))) == 1


def test_the_notice_stays_when_the_email_is_later_skipped(returned):
    with at(NIGHT):
        schedule(returned)
    send(NIGHT)  # deferred to the morning
    Submission.objects.filter(pk=returned.submission_id).update(status=Submission.Status.SUBMITTED)

    assert send(MORNING).skipped == 1

    assert emails_to(author(returned)) == []
    assert len(notices(author(returned))) == 1


def test_ordinary_reminders_still_reach_the_app_only_when_emailed(returned):
    with at(NIGHT):
        schedule(returned, kind="revision_waiting")
        send(NIGHT)
    assert notices(author(returned)) == []

    assert send(MORNING).sent == 1
    assert len(notices(author(returned))) == 1


def test_the_preferences_page_says_news_reaches_the_app_even_without_its_email(client):
    client.force_login(UserFactory())
    page = client.get(reverse("reminders:preferences")).content.decode()

    assert "appears in your notifications at once, even if you switch its email off" in page
    hint = 'id="hint-work_returned">Shown in your notifications at once, with or without the email.'
    assert hint in page
    assert 'aria-describedby="hint-work_returned"' in page
