"""Cohort services: scheduling meetings across DST, attendance, moves and drop-outs.

The builders at the top are shared by the other cohort test modules.
"""

from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine

from apps.cohorts.models import Attendance, CalendarFeed, Meeting, Placement
from apps.cohorts.services import (
    CohortError,
    UnavailableSlotError,
    attendance_record,
    calendar_feed_ensure,
    calendar_feed_reset,
    cohort_move_participant,
    cohort_publish,
    cohort_reschedule,
    enrollment_drop,
    meetings_schedule,
)
from apps.rounds.models import AvailabilitySlot, Enrollment, RoundUnit
from apps.rounds.services import round_schedule_units
from tests.factories import (
    CohortFactory,
    FacilitatorEnrollmentFactory,
    PlacementFactory,
    RoundFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

# Before the demo round (which starts Monday 1 March 2027) has begun.
BEFORE_ROUND = datetime(2027, 2, 1, 12, tzinfo=UTC)
TUESDAY_1900_UTC = 1 * 1440 + 19 * 60


# Builders shared by the cohort tests -------------------------------------------------


def scheduled_round(*, units: int = 6, **fields):
    """A round with `units` sessions, one a week from 1 March 2027, due the Monday after."""
    round = RoundFactory(**fields)
    for number in range(1, units + 1):
        UnitFactory(course=round.course, number=number, title=f"Topic {number}")
    round_schedule_units(round=round)
    return round


def published_cohort(
    *,
    round=None,
    members: int = 3,
    facilitator=None,
    video_call_url: str = "https://meet.example.com/abc-defg-hij",
    **fields,
):
    """A cohort of `round` (a fresh six-session one by default), published with its meetings.

    It meets Tuesdays 19:00 London time, led by one facilitator.
    """
    round = round or scheduled_round()
    lead = facilitator or FacilitatorEnrollmentFactory(round=round)
    cohort = CohortFactory(
        round=round,
        facilitators=[lead],
        published_at=None,
        video_call_url=video_call_url,
        **fields,
    )
    for _ in range(members):
        PlacementFactory(cohort=cohort)
    cohort_publish(cohort=cohort)
    cohort.refresh_from_db()
    return cohort


def member_enrollments(cohort) -> list[Enrollment]:
    return [
        p.enrollment
        for p in Placement.objects.filter(cohort=cohort)
        .select_related("enrollment__user")
        .order_by("pk")
    ]


def available(enrollment, *intervals) -> None:
    """Give a person weekly availability as UTC week-minute intervals."""
    AvailabilitySlot.objects.filter(enrollment=enrollment).delete()
    for start, end in intervals:
        AvailabilitySlot.objects.create(enrollment=enrollment, start=start, end=end)


def meeting_times(cohort) -> list[datetime]:
    return list(cohort.meetings.order_by("starts_at").values_list("starts_at", flat=True))


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


# Meetings ----------------------------------------------------------------------------


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_publishing_creates_one_meeting_per_scheduled_session():
    cohort = published_cohort()

    meetings = list(cohort.meetings.select_related("unit").order_by("starts_at"))

    scheduled = RoundUnit.objects.filter(round=cohort.round).order_by("week_starts_on")
    assert [m.unit_id for m in meetings] == [entry.unit_id for entry in scheduled]
    assert all(m.ends_at - m.starts_at == timedelta(minutes=90) for m in meetings)


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_london_evening_meetings_keep_their_local_time_across_the_summer_time_change():
    # London moves to BST on Sunday 28 March 2027.
    cohort = published_cohort()

    assert meeting_times(cohort) == [
        utc(2027, 3, 2, 19),
        utc(2027, 3, 9, 19),
        utc(2027, 3, 16, 19),
        utc(2027, 3, 23, 19),
        utc(2027, 3, 30, 18),
        utc(2027, 4, 6, 18),
    ]


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_a_cohort_anchored_in_new_york_follows_new_york_summer_time():
    # Mondays 18:00 New York: EST (UTC-5) until 14 March 2027, then EDT (UTC-4).
    cohort = published_cohort(
        time_zone="America/New_York", weekday=0, local_time=time(18), slot_start=23 * 60
    )

    assert meeting_times(cohort)[:3] == [
        utc(2027, 3, 1, 23),
        utc(2027, 3, 8, 23),
        utc(2027, 3, 15, 22),
    ]


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_a_meeting_falls_in_the_week_its_session_is_scheduled():
    round = scheduled_round(units=3)
    third = RoundUnit.objects.get(round=round, unit__number=3)
    third.week_starts_on = third.week_starts_on + timedelta(weeks=1)  # a break week before it
    third.save()

    cohort = published_cohort(round=round)

    assert meeting_times(cohort) == [utc(2027, 3, 2, 19), utc(2027, 3, 9, 19), utc(2027, 3, 23, 19)]


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_publishing_again_does_not_duplicate_meetings():
    cohort = published_cohort()

    cohort_publish(cohort=cohort)

    assert cohort.meetings.count() == 6


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_publishing_makes_accepted_members_and_facilitators_active():
    cohort = published_cohort(members=2)

    assert {e.status for e in member_enrollments(cohort)} == {Enrollment.Status.ACTIVE}
    assert cohort.facilitators.get().status == Enrollment.Status.ACTIVE


def test_changing_the_slot_moves_only_meetings_still_to_come():
    with time_machine.travel(BEFORE_ROUND, tick=False):
        cohort = published_cohort()
    before = meeting_times(cohort)

    with time_machine.travel(utc(2027, 3, 17, 12), tick=False):
        cohort_reschedule(cohort=cohort, weekday=3, local_time=time(18))

    assert meeting_times(cohort) == [
        *before[:3],  # 2, 9 and 16 March have been held
        utc(2027, 3, 25, 18),  # Thursday 18:00 GMT
        utc(2027, 4, 1, 17),  # Thursday 18:00 BST
        utc(2027, 4, 8, 17),
    ]


def test_a_meeting_is_never_moved_into_the_past():
    with time_machine.travel(BEFORE_ROUND, tick=False):
        cohort = published_cohort()

    # Monday 8 March: this week's meeting is tomorrow; Mondays 09:00 would be this morning.
    with time_machine.travel(utc(2027, 3, 8, 12), tick=False):
        cohort_reschedule(cohort=cohort, weekday=0, local_time=time(9))

    assert meeting_times(cohort)[1:4] == [
        utc(2027, 3, 9, 19),
        utc(2027, 3, 15, 9),
        utc(2027, 3, 22, 9),
    ]


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_rescheduling_keeps_the_grouping_slot_in_step_with_the_local_time():
    cohort = published_cohort()

    cohort_reschedule(cohort=cohort, weekday=3, local_time=time(18, 30), time_zone="Europe/Berlin")

    cohort.refresh_from_db()
    # Thursday 18:30 in Berlin in the round's first week (CET, UTC+1) is 17:30 UTC.
    slot = (cohort.weekday, cohort.local_time, cohort.time_zone)
    assert slot == (3, time(18, 30), "Europe/Berlin")
    assert cohort.slot_start == 3 * 1440 + 17 * 60 + 30


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_rescheduling_refuses_an_unknown_zone():
    cohort = published_cohort()

    with pytest.raises(CohortError, match="not a time zone"):
        cohort_reschedule(cohort=cohort, weekday=1, local_time=time(19), time_zone="Mars/Olympus")


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_rescheduling_a_draft_cohort_creates_no_meetings():
    round = scheduled_round()
    cohort = CohortFactory(round=round, published_at=None)

    cohort_reschedule(cohort=cohort, weekday=2, local_time=time(20))

    assert not cohort.meetings.exists()


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_a_longer_meeting_length_reaches_meetings_still_to_come():
    cohort = published_cohort()
    cohort.round.meeting_minutes = 120
    cohort.round.save()

    meetings_schedule(cohort=cohort)

    assert {m.ends_at - m.starts_at for m in cohort.meetings.all()} == {timedelta(minutes=120)}


# Attendance --------------------------------------------------------------------------

DURING_FIRST_MEETING = utc(2027, 3, 2, 19, 30)


def first_meeting(cohort) -> Meeting:
    return cohort.meetings.order_by("starts_at").first()


@pytest.fixture
def cohort():
    with time_machine.travel(BEFORE_ROUND, tick=False):
        return published_cohort(members=3)


@time_machine.travel(DURING_FIRST_MEETING, tick=False)
def test_attendance_is_recorded_for_every_member_in_one_call(cohort):
    ada, bo, cy = member_enrollments(cohort)
    lead = cohort.facilitators.get().user
    meeting = first_meeting(cohort)

    attendance_record(
        meeting=meeting,
        statuses={ada.pk: "present", bo.pk: "absent", cy.pk: "excused"},
        by=lead,
    )

    recorded = {a.enrollment_id: (a.status, a.recorded_by) for a in meeting.attendance.all()}
    assert recorded == {
        ada.pk: ("present", lead),
        bo.pk: ("absent", lead),
        cy.pk: ("excused", lead),
    }


@time_machine.travel(DURING_FIRST_MEETING, tick=False)
def test_recording_again_corrects_rather_than_duplicates(cohort):
    ada, bo, _ = member_enrollments(cohort)
    lead = cohort.facilitators.get().user
    meeting = first_meeting(cohort)
    attendance_record(meeting=meeting, statuses={ada.pk: "present", bo.pk: "present"}, by=lead)

    attendance_record(meeting=meeting, statuses={bo.pk: "absent"}, by=lead)

    assert dict(meeting.attendance.values_list("enrollment_id", "status")) == {
        ada.pk: "present",
        bo.pk: "absent",
    }


@time_machine.travel(DURING_FIRST_MEETING, tick=False)
def test_attendance_for_someone_outside_the_cohort_is_refused_and_nothing_is_saved(cohort):
    ada = member_enrollments(cohort)[0]
    stranger = PlacementFactory(cohort=CohortFactory(round=cohort.round)).enrollment
    meeting = first_meeting(cohort)

    with pytest.raises(CohortError, match="no longer due at this meeting"):
        attendance_record(
            meeting=meeting, statuses={ada.pk: "present", stranger.pk: "present"}, by=None
        )

    assert not Attendance.objects.exists()


@time_machine.travel(DURING_FIRST_MEETING, tick=False)
def test_attendance_for_a_dropped_participant_is_refused(cohort):
    ada = member_enrollments(cohort)[0]
    enrollment_drop(enrollment=ada, by=None)

    with pytest.raises(CohortError):
        attendance_record(meeting=first_meeting(cohort), statuses={ada.pk: "present"}, by=None)


@time_machine.travel(DURING_FIRST_MEETING, tick=False)
def test_attendance_cannot_be_recorded_for_a_cancelled_meeting(cohort):
    meeting = first_meeting(cohort)
    meeting.is_cancelled = True
    meeting.save()

    with pytest.raises(CohortError, match="cancelled"):
        attendance_record(
            meeting=meeting, statuses={member_enrollments(cohort)[0].pk: "present"}, by=None
        )


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_before_a_meeting_people_can_only_be_excused(cohort):
    ada, bo, _ = member_enrollments(cohort)
    meeting = first_meeting(cohort)

    with pytest.raises(CohortError, match="not started"):
        attendance_record(meeting=meeting, statuses={ada.pk: "present"}, by=None)
    attendance_record(meeting=meeting, statuses={bo.pk: "excused"}, by=None)

    assert dict(meeting.attendance.values_list("enrollment_id", "status")) == {bo.pk: "excused"}


@time_machine.travel(DURING_FIRST_MEETING, tick=False)
def test_an_unknown_attendance_status_is_refused(cohort):
    with pytest.raises(CohortError, match="present, absent or excused"):
        attendance_record(
            meeting=first_meeting(cohort),
            statuses={member_enrollments(cohort)[0].pk: "asleep"},
            by=None,
        )


# Moving participants -----------------------------------------------------------------


@pytest.fixture
def two_cohorts():
    """Cohort A with three members, cohort B (Thursdays 19:00 London) with two; max size 4."""
    with time_machine.travel(BEFORE_ROUND, tick=False):
        a = published_cohort(members=3, name="A")
        b = published_cohort(
            round=a.round, members=2, name="B", weekday=3, slot_start=3 * 1440 + 19 * 60
        )
    return a, b


THURSDAY_1900_UTC = 3 * 1440 + 19 * 60


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_a_participant_free_at_the_new_time_moves_to_the_other_cohort(two_cohorts):
    a, b = two_cohorts
    ada = member_enrollments(a)[0]
    available(ada, (THURSDAY_1900_UTC - 60, THURSDAY_1900_UTC + 120))

    placement = cohort_move_participant(enrollment=ada, to=b, by=None)

    assert placement.cohort == b
    assert Placement.objects.get(enrollment=ada).cohort == b


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_a_slot_outside_the_persons_availability_needs_confirmation(two_cohorts):
    a, b = two_cohorts
    ada = member_enrollments(a)[0]
    # Free for an hour only; the meeting lasts ninety minutes.
    available(ada, (THURSDAY_1900_UTC, THURSDAY_1900_UTC + 60))

    with pytest.raises(UnavailableSlotError, match="does not cover"):
        cohort_move_participant(enrollment=ada, to=b, by=None)
    assert Placement.objects.get(enrollment=ada).cohort == a

    cohort_move_participant(enrollment=ada, to=b, by=None, allow_unavailable=True)
    assert Placement.objects.get(enrollment=ada).cohort == b


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_a_move_past_the_maximum_size_is_refused(two_cohorts):
    a, b = two_cohorts
    PlacementFactory.create_batch(2, cohort=b)  # B now has 4, the round's maximum
    ada = member_enrollments(a)[0]

    with pytest.raises(CohortError, match="past the maximum of 4"):
        cohort_move_participant(enrollment=ada, to=b, by=None, allow_unavailable=True)

    assert Placement.objects.get(enrollment=ada).cohort == a


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_dropped_participants_do_not_count_towards_the_size(two_cohorts):
    a, b = two_cohorts
    enrollment_drop(enrollment=PlacementFactory(cohort=b).enrollment, by=None)
    ada = member_enrollments(a)[0]

    cohort_move_participant(enrollment=ada, to=b, by=None, allow_unavailable=True)

    assert Placement.objects.get(enrollment=ada).cohort == b


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_a_participant_cannot_move_to_a_cohort_of_another_round(two_cohorts):
    a, _ = two_cohorts
    elsewhere = published_cohort(members=0)

    with pytest.raises(CohortError, match="another round"):
        cohort_move_participant(
            enrollment=member_enrollments(a)[0], to=elsewhere, by=None, allow_unavailable=True
        )


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_moving_into_the_same_cohort_is_refused(two_cohorts):
    a, _ = two_cohorts

    with pytest.raises(CohortError, match="already in A"):
        cohort_move_participant(enrollment=member_enrollments(a)[0], to=a, by=None)


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_dropped_participants_and_facilitators_cannot_be_moved(two_cohorts):
    a, b = two_cohorts
    ada = member_enrollments(a)[0]
    enrollment_drop(enrollment=ada, by=None)

    with pytest.raises(CohortError, match="left the round"):
        cohort_move_participant(enrollment=ada, to=b, by=None, allow_unavailable=True)
    with pytest.raises(CohortError, match="Facilitators"):
        cohort_move_participant(
            enrollment=a.facilitators.get(), to=b, by=None, allow_unavailable=True
        )


def test_a_move_keeps_past_attendance_and_drops_notes_for_meetings_to_come(two_cohorts):
    a, b = two_cohorts
    ada = member_enrollments(a)[0]
    held, coming = list(a.meetings.order_by("starts_at"))[:2]
    with time_machine.travel(DURING_FIRST_MEETING, tick=False):
        attendance_record(meeting=held, statuses={ada.pk: "present"}, by=None)
        attendance_record(meeting=coming, statuses={ada.pk: "excused"}, by=None)

        cohort_move_participant(enrollment=ada, to=b, by=None, allow_unavailable=True)

    assert list(Attendance.objects.filter(enrollment=ada).values_list("meeting", flat=True)) == [
        held.pk
    ]


# Drop-outs ---------------------------------------------------------------------------


def test_a_drop_out_keeps_the_placement_and_past_attendance(cohort):
    ada = member_enrollments(cohort)[0]
    held, coming = list(cohort.meetings.order_by("starts_at"))[:2]
    with time_machine.travel(DURING_FIRST_MEETING, tick=False):
        attendance_record(meeting=held, statuses={ada.pk: "present"}, by=None)
        attendance_record(meeting=coming, statuses={ada.pk: "excused"}, by=None)

        enrollment_drop(enrollment=ada, by=None)

    ada.refresh_from_db()
    assert ada.status == Enrollment.Status.DROPPED
    assert ada.status_changed_at == DURING_FIRST_MEETING
    assert Placement.objects.get(enrollment=ada).cohort == cohort
    assert list(ada.attendance.values_list("meeting", flat=True)) == [held.pk]


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_dropping_twice_changes_nothing_the_second_time(cohort):
    ada = member_enrollments(cohort)[0]
    enrollment_drop(enrollment=ada, by=None)
    first = Enrollment.objects.get(pk=ada.pk).status_changed_at

    with time_machine.travel(utc(2027, 3, 5), tick=False):
        enrollment_drop(enrollment=Enrollment.objects.get(pk=ada.pk), by=None)

    assert Enrollment.objects.get(pk=ada.pk).status_changed_at == first


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_facilitators_are_not_dropped_through_the_cohort(cohort):
    with pytest.raises(CohortError, match="Only participants"):
        enrollment_drop(enrollment=cohort.facilitators.get(), by=None)


# Calendar feeds ----------------------------------------------------------------------


def test_a_calendar_feed_is_created_once():
    user = UserFactory()

    first = calendar_feed_ensure(user=user)
    again = calendar_feed_ensure(user=user)

    assert first.pk == again.pk and first.token == again.token


def test_resetting_a_feed_gives_it_a_new_secret():
    user = UserFactory()
    old = calendar_feed_ensure(user=user).token

    new = calendar_feed_reset(user=user).token

    assert new != old and len(new) >= 32
    assert CalendarFeed.objects.get(user=user).token == new
    assert not CalendarFeed.objects.filter(token=old).exists()
