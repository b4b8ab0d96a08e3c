"""One meeting moved, cancelled or handed to a substitute: who may, who is told, what the
calendar feed and the reminders do, and the history kept of it."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from icalendar import Calendar

from apps.cohorts.models import Change, Meeting
from apps.cohorts.reminders import plan_attendance_missing
from apps.cohorts.selectors import move_check
from apps.cohorts.services import (
    CohortError,
    calendar_feed_ensure,
    cohort_reschedule,
    meeting_cancel,
    meeting_cover,
    meeting_move,
    switch_request,
)
from apps.reminders.models import Reminder
from apps.reminders.registry import Window
from apps.reminders.services import reminders_send_batch
from apps.rounds.models import Enrollment
from tests.cohorts.test_services import (
    BEFORE_ROUND,
    available,
    member_enrollments,
    published_cohort,
    utc,
)
from tests.cohorts.test_switching import two_cohorts
from tests.factories import PASSWORD, FacilitatorEnrollmentFactory, UserFactory

pytestmark = pytest.mark.django_db

TUESDAY_EVENING_UTC = (1 * 1440 + 18 * 60, 1 * 1440 + 22 * 60)


@pytest.fixture
def cohort():
    with time_machine.travel(BEFORE_ROUND, tick=False):
        return published_cohort(members=3, name="Evening owls")


def first_meeting(cohort) -> Meeting:
    return cohort.meetings.order_by("starts_at").first()


def lead_of(cohort):
    return cohort.facilitators.get().user


def feed_event(client, user, meeting):
    response = client.get(calendar_feed_ensure(user=user).get_absolute_url())
    calendar = Calendar.from_ical(response.content)
    return next(e for e in calendar.events if str(e["UID"]).startswith(f"meeting-{meeting.pk}@"))


def log_in(client, user):
    client.login(email=user.email, password=PASSWORD)
    return client


# Moving ------------------------------------------------------------------------------


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_a_moved_meeting_keeps_its_uid_and_its_sequence_goes_up(client, cohort):
    member = member_enrollments(cohort)[0].user
    meeting = first_meeting(cohort)
    before = feed_event(client, member, meeting)

    meeting_move(meeting=meeting, starts_at=utc(2027, 3, 4, 18), by=lead_of(cohort))

    after = feed_event(client, member, meeting)
    assert str(after["UID"]) == str(before["UID"])
    assert int(after["SEQUENCE"]) == int(before.get("SEQUENCE", 0)) + 1
    assert after.decoded("DTSTART") == utc(2027, 3, 4, 18)
    assert after.decoded("DTEND") == utc(2027, 3, 4, 19, 30)


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_moving_one_meeting_leaves_the_others_at_the_weekly_slot(cohort):
    meeting = first_meeting(cohort)
    others = list(cohort.meetings.exclude(pk=meeting.pk).values_list("starts_at", flat=True))

    meeting_move(meeting=meeting, starts_at=utc(2027, 3, 4, 18), by=lead_of(cohort))
    # Rescheduling the cohort's weekly slot later does not undo the one-off move.
    cohort_reschedule(cohort=cohort, weekday=cohort.weekday, local_time=cohort.local_time)

    assert list(cohort.meetings.exclude(pk=meeting.pk).values_list("starts_at", flat=True)) == (
        others
    )
    assert Meeting.objects.get(pk=meeting.pk).starts_at == utc(2027, 3, 4, 18)


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_members_are_told_once_per_change_and_the_facilitator_who_moved_it_is_not(cohort):
    meeting = first_meeting(cohort)
    lead = lead_of(cohort)

    meeting_move(meeting=meeting, starts_at=utc(2027, 3, 4, 18), by=lead, reason="Holiday")

    told = set(
        Reminder.objects.filter(
            kind="meeting_changed", occasion=f"meeting:{meeting.pk}:1"
        ).values_list("user_id", flat=True)
    )
    assert told == {e.user_id for e in member_enrollments(cohort)}
    assert not Reminder.objects.filter(kind="cohort_change", user=lead).exists()


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_a_reminder_planned_for_the_old_time_is_dropped_so_it_is_planned_again(cohort):
    meeting = first_meeting(cohort)
    member = member_enrollments(cohort)[0]
    Reminder.objects.create(
        user=member.user,
        kind="meeting_tomorrow",
        occasion=f"meeting:{meeting.pk}",
        due_at=meeting.starts_at - timedelta(hours=24),
    )

    meeting_move(meeting=meeting, starts_at=utc(2027, 3, 5, 18), by=None)

    assert not Reminder.objects.filter(kind="meeting_tomorrow").exists()


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_a_move_is_kept_in_the_history_with_both_times_who_and_why(cohort):
    meeting = first_meeting(cohort)
    lead = lead_of(cohort)

    meeting_move(meeting=meeting, starts_at=utc(2027, 3, 4, 18), by=lead, reason="Holiday")

    change = Change.objects.get()
    assert (change.kind, change.cohort, change.meeting, change.actor) == (
        Change.Kind.MOVE,
        cohort,
        meeting,
        lead,
    )
    assert (change.starts_before, change.starts_after) == (utc(2027, 3, 2, 19), utc(2027, 3, 4, 18))
    assert change.reason == "Holiday"


@time_machine.travel(BEFORE_ROUND, tick=False)
@pytest.mark.parametrize("starts_at", [utc(2027, 1, 1, 18), utc(2027, 3, 2, 19)])
def test_a_meeting_cannot_move_into_the_past_or_to_where_it_is(cohort, starts_at):
    with pytest.raises(CohortError):
        meeting_move(meeting=first_meeting(cohort), starts_at=starts_at, by=None)


def test_a_meeting_already_held_cannot_be_moved(cohort):
    meeting = first_meeting(cohort)
    with time_machine.travel(utc(2027, 3, 3, 12), tick=False), pytest.raises(CohortError):
        meeting_move(meeting=meeting, starts_at=utc(2027, 3, 4, 18), by=None)


# The live check ----------------------------------------------------------------------


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_the_check_lists_who_could_no_longer_attend_the_new_time(cohort):
    free_tuesday, free_always, busy = member_enrollments(cohort)
    available(free_tuesday, TUESDAY_EVENING_UTC)
    available(free_always, (0, 7 * 1440))
    available(busy, TUESDAY_EVENING_UTC)
    available(cohort.facilitators.get(), (0, 7 * 1440))

    absent = move_check(meeting=first_meeting(cohort), starts_at=utc(2027, 3, 4, 18))

    assert {(a.enrollment.pk, a.role, a.could_before) for a in absent} == {
        (free_tuesday.pk, "participant", True),
        (busy.pk, "participant", True),
    }


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_the_check_reads_a_meeting_in_summer_time_as_the_local_time_people_gave(cohort):
    # Availability entered in London for Tuesdays 19:00-21:00, stored for the round's first
    # week (winter: 19:00-21:00 UTC). After the clocks change on 28 March a meeting at
    # 18:30 UTC is 19:30 in London, inside what they gave, though outside 19:00-21:00 UTC.
    member = member_enrollments(cohort)[0]
    member.availability_time_zone = "Europe/London"
    member.save()
    available(member, (1 * 1440 + 19 * 60, 1 * 1440 + 21 * 60))
    late_meeting = cohort.meetings.get(starts_at=utc(2027, 3, 30, 18))

    absent = move_check(meeting=late_meeting, starts_at=utc(2027, 4, 1, 18))
    assert member.pk in {a.enrollment.pk for a in absent}
    assert all(a.could_before for a in absent if a.enrollment.pk == member.pk)
    half_an_hour_later = move_check(meeting=late_meeting, starts_at=utc(2027, 3, 30, 18, 30))
    assert member.pk not in {a.enrollment.pk for a in half_an_hour_later}


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_the_members_email_about_a_move_tells_its_reason_and_never_a_later_visitors():
    home, away = two_cohorts()
    meeting = first_meeting(away)
    before = meeting.starts_at
    meeting_move(
        meeting=meeting,
        starts_at=before + timedelta(hours=1),
        by=lead_of(away),
        reason="The room is booked",
    )
    visitor = member_enrollments(home)[0]
    switch_request(
        enrollment=visitor,
        to=away,
        meeting=meeting,
        reason="My therapy appointment",
        by=visitor.user,
    )

    reminders_send_batch()

    members = {e.user.email for e in member_enrollments(away)}
    told = [m for m in mail.outbox if any(f"<{address}>" in m.to[0] for address in members)]
    assert len(told) == 2
    for email in told:
        assert "Why: The room is booked" in email.body
        assert "moved from" in email.body
        assert "therapy" not in email.body


# Cancelling --------------------------------------------------------------------------


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_a_cancelled_meeting_stays_in_the_feed_as_cancelled_with_a_higher_sequence(client, cohort):
    member = member_enrollments(cohort)[0].user
    meeting = first_meeting(cohort)

    meeting_cancel(meeting=meeting, by=lead_of(cohort), reason="Bank holiday")

    event = feed_event(client, member, meeting)
    assert str(event["STATUS"]) == "CANCELLED"
    assert int(event["SEQUENCE"]) == 1
    with pytest.raises(CohortError):
        meeting_cancel(meeting=meeting, by=None)


# Covering ----------------------------------------------------------------------------


@pytest.fixture
def substitute(cohort):
    return FacilitatorEnrollmentFactory(
        round=cohort.round, status=Enrollment.Status.ACTIVE, user__display_name="Sol Substitute"
    )


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_a_substitute_sees_the_meeting_they_cover_and_nothing_else_of_the_cohort(
    client, cohort, substitute
):
    meeting, other = cohort.meetings.order_by("starts_at")[:2]
    meeting_cover(meeting=meeting, substitute=substitute, by=lead_of(cohort))
    log_in(client, substitute.user)

    sheet = client.get(reverse("cohorts:attendance", args=[cohort.pk, meeting.pk]))
    assert sheet.status_code == 200
    for member in member_enrollments(cohort):
        assert member.user.name in sheet.content.decode()
    for forbidden in (
        reverse("cohorts:attendance", args=[cohort.pk, other.pk]),
        reverse("cohorts:detail", args=[cohort.pk]),
        reverse("cohorts:meeting", args=[cohort.pk, meeting.pk]),
    ):
        assert client.get(forbidden).status_code == 404
    assert "Meetings you cover" in client.get(reverse("cohorts:list")).content.decode()
    assert str(feed_event(client, substitute.user, meeting)["UID"]).startswith("meeting-")


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_the_substitute_is_told_and_must_be_a_facilitator_of_the_round(cohort, substitute):
    meeting = first_meeting(cohort)
    with pytest.raises(CohortError):
        meeting_cover(meeting=meeting, substitute=member_enrollments(cohort)[0], by=None)
    elsewhere = FacilitatorEnrollmentFactory()
    with pytest.raises(CohortError):
        meeting_cover(meeting=meeting, substitute=elsewhere, by=None)

    meeting_cover(meeting=meeting, substitute=substitute, by=lead_of(cohort))

    assert Reminder.objects.filter(kind="cohort_change", user=substitute.user).exists()


# The page ----------------------------------------------------------------------------


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_the_facilitator_moves_a_meeting_from_the_page_in_their_own_zone(client, cohort):
    lead = lead_of(cohort)
    lead.time_zone = "America/New_York"
    lead.save()
    meeting = first_meeting(cohort)
    url = reverse("cohorts:meeting", args=[cohort.pk, meeting.pk])
    log_in(client, lead)

    response = client.post(
        url,
        {"action": "move", "starts_at": "2027-03-04T13:00", "reason": "", "confirm": "on"},
    )

    assert response.status_code == 302
    # 13:00 in New York in early March (EST, UTC-5) is 18:00 UTC.
    assert Meeting.objects.get(pk=meeting.pk).starts_at == utc(2027, 3, 4, 18)
    history = client.get(reverse("cohorts:detail", args=[cohort.pk])).content.decode()
    assert "Meeting moved" in history and "Thu 4 Mar, 13:00" in history


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_a_move_that_leaves_someone_out_needs_the_box_ticked(client, cohort):
    for member in member_enrollments(cohort):
        available(member, TUESDAY_EVENING_UTC)
    meeting = first_meeting(cohort)
    log_in(client, lead_of(cohort))

    response = client.post(
        reverse("cohorts:meeting", args=[cohort.pk, meeting.pk]),
        {"action": "move", "starts_at": "2027-03-04T18:00"},
    )

    assert response.status_code == 200
    assert "tick the box" in response.content.decode()
    assert Meeting.objects.get(pk=meeting.pk).starts_at == utc(2027, 3, 2, 19)
    check = client.get(
        reverse("cohorts:meeting_check", args=[cohort.pk, meeting.pk]),
        {"starts_at": "2027-03-04T18:00"},
    )
    # The three members, and the facilitator, who gave no times at all.
    assert "4 people could not attend" in check.content.decode()


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_only_those_who_run_the_cohort_may_change_its_meetings(client, cohort):
    meeting = first_meeting(cohort)
    url = reverse("cohorts:meeting", args=[cohort.pk, meeting.pk])
    other_lead = published_cohort(round=cohort.round, members=0).facilitators.get().user
    lead_elsewhere = FacilitatorEnrollmentFactory(is_lead=True, status="active").user
    lead_here = FacilitatorEnrollmentFactory(round=cohort.round, is_lead=True, status="active").user
    for user, status in [
        (member_enrollments(cohort)[0].user, 404),
        (other_lead, 404),
        (lead_elsewhere, 404),
        (UserFactory(), 404),
        # A lead facilitator answers switches and places late applicants; moving the
        # meetings of a cohort is for those who run it.
        (lead_here, 404),
        (lead_of(cohort), 200),
        (UserFactory(is_staff=True), 200),
    ]:
        log_in(client, user)
        assert client.get(url).status_code == status, user
        assert (
            client.post(url, {"action": "cancel", "reason": ""}).status_code in (302,)
            if status == 200
            else client.post(url, {"action": "cancel"}).status_code == 404
        )
        Meeting.objects.filter(pk=meeting.pk).update(is_cancelled=False)


def test_the_substitute_is_the_one_reminded_to_record_attendance(cohort, substitute):
    meeting = first_meeting(cohort)
    with time_machine.travel(BEFORE_ROUND, tick=False):
        meeting_cover(meeting=meeting, substitute=substitute, by=None)
    after = meeting.ends_at + timedelta(hours=12)

    planned = list(plan_attendance_missing(Window(after - timedelta(hours=1), after), lambda r: 12))

    assert [p.user_id for p in planned] == [substitute.user_id]


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_the_history_keeps_a_hand_over_and_a_take_back_apart(client, cohort, substitute):
    meeting = first_meeting(cohort)
    lead = lead_of(cohort)
    meeting_cover(meeting=meeting, substitute=substitute, by=lead)
    meeting_cover(meeting=meeting, substitute=None, by=lead)
    log_in(client, lead)

    page = client.get(reverse("cohorts:detail", args=[cohort.pk])).content.decode()

    assert "led by Sol Substitute" in page
    assert "back with the cohort's facilitators" in page
