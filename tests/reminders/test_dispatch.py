"""Reminders are planned as rows and dispatched once, in each person's daytime."""

import re
from datetime import UTC, datetime, timedelta
from email.utils import parseaddr

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from apps.reminders.emails import unsubscribe_token
from apps.reminders.models import Notification, Reminder, ReminderSetting
from apps.reminders.selectors import CLAIM_TIMEOUT
from apps.reminders.services import (
    MAX_ATTEMPTS,
    reminders_plan,
    reminders_send_batch,
    round_reminders_pause,
)
from apps.rounds.models import Enrollment, RoundUnit
from apps.submissions.models import Submission
from tests.factories import ExerciseFactory, SubmissionFactory, UserFactory
from tests.reminders.conftest import NOW

pytestmark = pytest.mark.django_db


def at(moment):
    return time_machine.travel(moment, tick=False)


def test_planning_twice_creates_each_reminder_once(meeting):
    with at(NOW):
        assert reminders_plan() == 1
        assert reminders_plan() == 0
    reminder = Reminder.objects.get()
    assert (reminder.kind, reminder.occasion) == ("meeting_tomorrow", f"meeting:{meeting[0].pk}")
    assert reminder.due_at == meeting[0].starts_at - timedelta(hours=24)


def test_a_due_reminder_is_sent_once_with_what_is_left_to_read(meeting):
    meeting, enrollment = meeting
    with at(NOW):
        reminders_plan()
    with at(NOW + timedelta(hours=1, minutes=1)):
        first = reminders_send_batch()
        second = reminders_send_batch()

    assert (first.sent, second.sent) == (1, 0)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert [parseaddr(to) for to in message.to] == [(enrollment.user.name, enrollment.user.email)]
    assert "A core reading" in message.body
    # 25 March 2027 is before the change: London is on GMT, so 13:00 UTC shows as 13:00.
    assert "at 13:00 (Europe/London)" in message.body
    assert Reminder.objects.get().status == Reminder.Status.SENT
    assert Notification.objects.get(user=enrollment.user).title.startswith("Tomorrow")


def test_emails_carry_a_one_click_unsubscribe_that_needs_no_login(client, meeting):
    _, enrollment = meeting
    with at(NOW):
        reminders_plan()
    with at(NOW + timedelta(hours=2)):
        reminders_send_batch()
    headers = mail.outbox[0].extra_headers
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = re.match(r"<http://[^/]+(/\S+)>", headers["List-Unsubscribe"])[1]

    assert "Stop “Meeting tomorrow” emails?" in client.get(url).content.decode()
    assert client.post(url).status_code == 200  # what a mail client's one-click does

    assert enrollment.user.reminder_preferences.get(kind="meeting_tomorrow").email is False
    tampered = url.replace(url.split("/")[-2], url.split("/")[-2][:-2] + "xx")
    assert client.post(tampered).status_code == 400


def test_the_unsubscribe_page_does_not_show_the_whole_address(client):
    person = UserFactory(email="pat.participant@example.org")
    url = reverse("reminders:unsubscribe", args=[unsubscribe_token(person.pk, "exercise_due")])

    for response in (client.get(url), client.post(url)):
        page = response.content.decode()
        assert "pat.participant" not in page and "example.org" not in page
        assert "p•••@e•••.org" in page


def test_an_unsubscribed_person_gets_no_more_of_that_kind(meeting):
    _, enrollment = meeting
    enrollment.user.reminder_preferences.create(kind="meeting_tomorrow", email=False)
    with at(NOW):
        reminders_plan()
    with at(NOW + timedelta(hours=2)):
        result = reminders_send_batch()
    assert result.skipped == 1 and not mail.outbox
    assert "switched" in Reminder.objects.get().skip_reason


def test_nothing_is_sent_at_night_in_the_recipients_zone(meeting):
    meeting, enrollment = meeting
    enrollment.user.time_zone = "Asia/Tokyo"  # 23:00 there when it is 14:00 UTC
    enrollment.user.save()
    with at(NOW):
        reminders_plan()
    with at(datetime(2027, 3, 16, 14, 0, tzinfo=UTC)):
        result = reminders_send_batch()

    assert result.deferred == 1 and not mail.outbox
    reminder = Reminder.objects.get()
    assert reminder.status == Reminder.Status.PENDING
    assert reminder.due_at == datetime(2027, 3, 16, 22, 0, tzinfo=UTC)  # 07:00 in Tokyo
    with at(datetime(2027, 3, 16, 22, 1, tzinfo=UTC)):
        assert reminders_send_batch().sent == 1


@pytest.mark.parametrize(
    "moment, sent",
    [
        (datetime(2027, 3, 22, 6, 30, tzinfo=UTC), False),  # 06:30 in London (GMT): quiet
        (datetime(2027, 3, 29, 6, 30, tzinfo=UTC), True),  # 07:30 in London (BST): daytime
    ],
)
def test_quiet_hours_follow_the_clocks_changing(meeting, moment, sent):
    meeting, enrollment = meeting
    meeting.starts_at = moment + timedelta(hours=24)
    meeting.ends_at = meeting.starts_at + timedelta(hours=1)
    meeting.save()
    Reminder.objects.create(
        user=enrollment.user,
        round=enrollment.round,
        kind="meeting_tomorrow",
        occasion=f"meeting:{meeting.pk}",
        due_at=moment,
    )

    with at(moment):
        reminders_send_batch()

    reminder = Reminder.objects.get()
    assert (reminder.status == Reminder.Status.SENT) is sent
    if not sent:
        assert reminder.due_at == datetime(2027, 3, 22, 7, 0, tzinfo=UTC)  # 07:00 in London


def test_a_cancelled_meeting_or_a_dropped_participant_gets_no_reminder(meeting):
    meeting, enrollment = meeting
    with at(NOW):
        reminders_plan()
    meeting.is_cancelled = True
    meeting.save()
    with at(NOW + timedelta(hours=2)):
        assert reminders_send_batch().skipped == 1
    assert Reminder.objects.get().skip_reason == "the meeting was cancelled"

    meeting.is_cancelled = False
    meeting.save()
    Enrollment.objects.filter(pk=enrollment.pk).update(status=Enrollment.Status.DROPPED)
    Reminder.objects.update(status=Reminder.Status.PENDING)
    with at(NOW + timedelta(hours=2)):
        assert reminders_send_batch().skipped == 1
    assert Reminder.objects.get().skip_reason == "no longer in this cohort"


def test_exercise_due_reminders_stop_once_the_work_is_submitted(meeting):
    meeting, enrollment = meeting
    exercise = ExerciseFactory(unit=meeting.unit)
    RoundUnit.objects.create(
        round=enrollment.round, unit=meeting.unit, week_starts_on="2027-03-15",
        due_at=NOW + timedelta(hours=49),
    )  # fmt: skip
    with at(NOW + timedelta(hours=2)):
        reminders_plan()
    assert Reminder.objects.filter(kind="exercise_due").count() == 1
    SubmissionFactory(
        enrollment=enrollment, exercise=exercise, status=Submission.Status.SUBMITTED,
        submitted_at=NOW,
    )  # fmt: skip

    with at(NOW + timedelta(hours=2)):
        reminders_send_batch()

    reminder = Reminder.objects.get(kind="exercise_due")
    assert (reminder.status, reminder.skip_reason) == ("skipped", "everything is submitted")


def test_a_round_can_switch_a_kind_off(meeting):
    _, enrollment = meeting
    ReminderSetting.objects.create(
        round=enrollment.round, kind="meeting_tomorrow", is_enabled=False
    )
    with at(NOW):
        reminders_plan()
    assert not Reminder.objects.exists()


def test_a_paused_round_holds_its_reminders_until_resumed(meeting, staff):
    _, enrollment = meeting
    with at(NOW):
        reminders_plan()
    round_reminders_pause(round=enrollment.round, by=staff)
    with at(NOW + timedelta(hours=2)):
        assert reminders_send_batch().sent == 0
    enrollment.round.reminder_pause.delete()
    with at(NOW + timedelta(hours=2)):
        assert reminders_send_batch().sent == 1


def test_a_claim_never_confirmed_is_taken_up_again_after_the_timeout(meeting):
    with at(NOW):
        reminders_plan()
    claimed_at = NOW + timedelta(hours=2)
    Reminder.objects.update(status=Reminder.Status.SENDING, claimed_at=claimed_at)

    with at(claimed_at + CLAIM_TIMEOUT - timedelta(seconds=1)):
        assert reminders_send_batch().sent == 0  # another worker may still be on it
    with at(claimed_at + CLAIM_TIMEOUT + timedelta(seconds=1)):
        assert reminders_send_batch().sent == 1
    assert len(mail.outbox) == 1


def test_a_failing_mail_server_is_retried_then_recorded_as_failed(meeting, settings):
    settings.EMAIL_BACKEND = "tests.reminders.failing_backend.EmailBackend"
    with at(NOW):
        reminders_plan()
    moment = NOW + timedelta(hours=2)
    for _ in range(MAX_ATTEMPTS):
        with at(moment):
            reminders_send_batch()
        moment += timedelta(hours=1)
    reminder = Reminder.objects.get()
    assert reminder.status == Reminder.Status.FAILED
    assert "ConnectionRefusedError" in reminder.last_error


def test_admins_can_resend_a_failed_reminder(meeting, staff_client):
    with at(NOW):
        reminders_plan()
    reminder = Reminder.objects.get()
    Reminder.objects.update(status=Reminder.Status.FAILED, last_error="boom")

    staff_client.post(
        reverse("admin:reminders_reminder_changelist"),
        {"action": "resend", "_selected_action": [reminder.pk]},
    )
    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.PENDING and reminder.last_error == ""


def test_the_preferences_page_switches_kinds_and_the_digest(participant_client, participant):
    participant_client.post(
        reverse("reminders:preferences"),
        {"email-exercise_due": "on", "email-facilitator_digest": "on"},
    )
    prefs = dict(participant.reminder_preferences.values_list("kind", "email"))
    assert prefs["exercise_due"] is True
    assert prefs["meeting_tomorrow"] is False
    assert prefs["facilitator_digest"] is True
