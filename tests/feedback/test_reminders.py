"""The request for feedback after each meeting: whom it goes to, when, and when not."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail

from apps.cohorts.models import Attendance, Meeting
from apps.feedback.models import SessionRating
from apps.reminders.models import Notification, Reminder, ReminderSetting
from apps.reminders.services import reminders_plan, reminders_send_batch
from apps.rounds.models import Enrollment

pytestmark = pytest.mark.django_db

# The first meetings move to Tuesday lunchtime, so two hours after them is daytime in London.
STARTS = datetime(2027, 3, 9, 12, 0, tzinfo=UTC)
ENDS = STARTS + timedelta(minutes=90)
ASK_AT = ENDS + timedelta(hours=2)


def at(moment):
    return time_machine.travel(moment, tick=False)


@pytest.fixture
def world(world):
    Meeting.objects.filter(unit=world.unit).update(starts_at=STARTS, ends_at=ENDS)
    return world


def plan():
    """Plan every kind just after the meetings ended, and keep only this one's reminders."""
    with at(ENDS + timedelta(minutes=5)):
        reminders_plan()
    Reminder.objects.exclude(kind="session_feedback").delete()
    return Reminder.objects.all()


def send(moment):
    with at(moment):
        return reminders_send_batch()


def present(world, *people):
    for person in people:
        Attendance.objects.create(meeting=world.mine.meeting, enrollment=person, status="present")


def test_every_participant_of_a_cohort_that_met_is_asked_two_hours_after_the_meeting(world):
    reminders = plan()

    members = world.mine.members + world.other.members
    assert sorted(r.user_id for r in reminders) == sorted(m.user_id for m in members)
    mine = reminders.get(user=world.participant.user)
    assert (mine.occasion, mine.due_at, mine.round) == (
        f"feedback:{world.mine.meeting.pk}",
        ASK_AT,
        world.round,
    )


def test_nobody_is_asked_about_a_cancelled_meeting_or_after_leaving(world):
    Meeting.objects.filter(pk=world.other.meeting.pk).update(is_cancelled=True)
    Enrollment.objects.filter(pk=world.mine.members[1].pk).update(status="left")

    assert [r.user for r in plan()] == [world.participant.user]


def test_nothing_is_planned_for_a_meeting_that_has_not_ended(world):
    with at(ENDS - timedelta(minutes=1)):
        reminders_plan()

    assert not Reminder.objects.filter(kind="session_feedback").exists()


def test_a_round_can_switch_the_request_off(world):
    ReminderSetting.objects.create(round=world.round, kind="session_feedback", is_enabled=False)

    assert not plan().exists()


def test_the_request_goes_once_by_email_and_as_a_notification_linking_to_the_session(world):
    present(world, *world.mine.members)
    plan()

    assert send(ASK_AT).sent == 2
    assert send(ASK_AT + timedelta(hours=1)).sent == 0
    email = next(m for m in mail.outbox if world.participant.user.email in m.to[0])
    assert email.subject == "How was Session 1: Rewards? A minute of feedback"
    link = f"{world.unit.get_absolute_url()}#feedback"
    assert link in email.body
    assert "Mine met on Tuesday 9 March to discuss Session 1: Rewards." in email.body
    notification = Notification.objects.get(user=world.participant.user)
    assert notification.url == link


def test_someone_who_rated_already_or_missed_the_meeting_is_not_asked(world):
    rated, absent = world.mine.members
    SessionRating.objects.create(enrollment=rated, unit=world.unit, rating=4)
    present(world, rated)
    Attendance.objects.create(meeting=world.mine.meeting, enrollment=absent, status="absent")
    plan()

    assert send(ASK_AT).skipped == 2
    reasons = dict(
        Reminder.objects.filter(occasion=f"feedback:{world.mine.meeting.pk}").values_list(
            "user", "skip_reason"
        )
    )
    assert reasons == {
        rated.user.pk: "the session is rated already",
        absent.user.pk: "not at the meeting",
    }
    assert not mail.outbox


def test_without_attendance_the_request_waits_a_day_for_it_then_goes(world):
    plan()

    result = send(ASK_AT)
    assert result.deferred == 4 and not mail.outbox
    mine = Reminder.objects.get(user=world.participant.user)
    assert (mine.status, mine.due_at) == ("pending", ENDS + timedelta(hours=24))

    # The other cohort's facilitator records attendance; this cohort's never does.
    Attendance.objects.create(
        meeting=world.other.meeting, enrollment=world.other.members[0], status="present"
    )
    Attendance.objects.create(
        meeting=world.other.meeting, enrollment=world.other.members[1], status="excused"
    )
    assert send(ENDS + timedelta(hours=24)).sent == 3
    assert Reminder.objects.get(user=world.other.members[1].user).skip_reason == (
        "not at the meeting"
    )


def test_someone_who_left_after_the_meeting_is_not_asked(world):
    present(world, *world.mine.members)
    plan()
    Enrollment.objects.filter(pk=world.participant.pk).update(status="dropped")

    send(ASK_AT)

    assert Reminder.objects.get(user=world.participant.user).skip_reason == (
        "no longer taking part in the round"
    )
