"""Meeting tomorrow and attendance not recorded: who is reminded, when, and when not."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail

from apps.cohorts.models import Attendance, Meeting
from apps.reminders.models import Reminder
from apps.reminders.services import reminders_plan, reminders_send_batch
from apps.rounds.models import Enrollment
from tests.factories import (
    CohortFactory,
    FacilitatorEnrollmentFactory,
    PlacementFactory,
    UnitFactory,
)

pytestmark = pytest.mark.django_db


def at(moment):
    return time_machine.travel(moment, tick=False)


def meeting_of(cohort, starts_at, *, title="Rewards"):
    unit = UnitFactory(course=cohort.round.course, title=title)
    return Meeting.objects.create(
        cohort=cohort, unit=unit, starts_at=starts_at, ends_at=starts_at + timedelta(minutes=90)
    )


# Meeting tomorrow ------------------------------------------------------------------------

# St John's puts its clocks forward at 02:00 on Sunday 14 March 2027, from UTC-3:30 to UTC-2:30.
SUNDAY_MEETING = datetime(2027, 3, 14, 12, 0, tzinfo=UTC)  # 09:30 there (08:30 a day earlier)


def test_members_are_reminded_a_day_before_in_their_own_time_after_the_clocks_change():
    cohort = CohortFactory(name="Evening group")
    member = PlacementFactory(cohort=cohort, enrollment__user__time_zone="America/St_Johns")
    PlacementFactory(cohort=cohort, enrollment__status=Enrollment.Status.DROPPED)
    meeting = meeting_of(cohort, SUNDAY_MEETING)
    unpublished = CohortFactory(round=cohort.round, published_at=None)
    PlacementFactory(cohort=unpublished)
    meeting_of(unpublished, SUNDAY_MEETING)

    with at(SUNDAY_MEETING - timedelta(hours=25)):
        assert reminders_plan() == 1
    reminder = Reminder.objects.get()
    assert (reminder.user, reminder.kind, reminder.occasion, reminder.due_at) == (
        member.enrollment.user,
        "meeting_tomorrow",
        f"meeting:{meeting.pk}",
        SUNDAY_MEETING - timedelta(hours=24),
    )

    with at(reminder.due_at):  # 08:30 on Saturday in St John's: daytime
        assert reminders_send_batch().sent == 1
    [email] = mail.outbox
    assert email.subject == f"Tomorrow 09:30: Evening group discusses {meeting.unit.display_title}"
    assert "Sunday 14 March at 09:30 (America/St_Johns)" in email.body


@pytest.mark.parametrize(
    "change, outcome",
    [
        ({"starts_at": SUNDAY_MEETING + timedelta(days=2)}, ("pending", "")),
        ({"starts_at": SUNDAY_MEETING - timedelta(hours=25)}, ("skipped", "already started")),
        ({"is_cancelled": True}, ("skipped", "the meeting was cancelled")),
    ],
    ids=["moved later", "already started", "cancelled"],
)
def test_a_meeting_that_moved_or_was_cancelled_changes_the_reminder(change, outcome):
    member = PlacementFactory(enrollment__user__time_zone="Europe/London")
    meeting = meeting_of(member.cohort, SUNDAY_MEETING)
    with at(SUNDAY_MEETING - timedelta(hours=25)):
        reminders_plan()
    if "starts_at" in change:
        change["ends_at"] = change["starts_at"] + timedelta(minutes=90)
    Meeting.objects.filter(pk=meeting.pk).update(**change)

    with at(SUNDAY_MEETING - timedelta(hours=24)):
        assert reminders_send_batch().sent == 0

    reminder = Reminder.objects.get()
    status, reason = outcome
    assert reminder.status == status and reason in reminder.skip_reason
    if status == "pending":  # a day before the meeting's new time
        assert reminder.due_at == change["starts_at"] - timedelta(hours=24)
    assert not mail.outbox


# Attendance not recorded -----------------------------------------------------------------

# Lord Howe Island puts its clocks back half an hour at 02:00 on Sunday 4 April 2027,
# from UTC+11 to UTC+10:30.
SATURDAY_EVENING = datetime(2027, 4, 3, 9, 0, tzinfo=UTC)  # 20:00 there


def test_lead_facilitators_are_asked_for_attendance_half_a_day_after_the_meeting():
    lead = FacilitatorEnrollmentFactory(user__time_zone="Australia/Lord_Howe")
    gone = FacilitatorEnrollmentFactory(round=lead.round, status=Enrollment.Status.DROPPED)
    cohort = CohortFactory(round=lead.round, facilitators=[lead, gone])
    PlacementFactory(cohort=cohort)
    meeting = meeting_of(cohort, SATURDAY_EVENING)

    with at(meeting.ends_at + timedelta(hours=11)):
        assert reminders_plan() == 1
    reminder = Reminder.objects.get()
    assert (reminder.user, reminder.kind, reminder.due_at) == (
        lead.user,
        "attendance_missing",
        meeting.ends_at + timedelta(hours=12),
    )

    # Sent on Sunday morning, after the clocks went back; the meeting keeps its own time.
    with at(reminder.due_at):
        assert reminders_send_batch().sent == 1
    [email] = mail.outbox
    assert "met on Saturday 3 April, 20:00 (Australia/Lord_Howe)" in email.body
    assert f"/cohorts/{cohort.pk}/" in email.body


def test_no_attendance_reminder_once_someone_recorded_it():
    lead = FacilitatorEnrollmentFactory()
    member = PlacementFactory(cohort=CohortFactory(round=lead.round, facilitators=[lead]))
    meeting = meeting_of(member.cohort, SATURDAY_EVENING)
    with at(meeting.ends_at + timedelta(hours=11)):
        reminders_plan()
    Attendance.objects.create(
        meeting=meeting, enrollment=member.enrollment, status=Attendance.Status.PRESENT
    )

    with at(meeting.ends_at + timedelta(hours=12)):
        assert reminders_send_batch().skipped == 1

    assert Reminder.objects.get().skip_reason == "attendance has been recorded"
    assert not mail.outbox
