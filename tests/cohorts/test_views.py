"""The cohort pages: "My cohort", the facilitator's cohort pages, attendance, moves, drop-outs."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse

from apps.cohorts.models import Attendance, Placement
from apps.cohorts.services import attendance_record, enrollment_drop
from apps.rounds.models import Enrollment
from tests.cohorts.test_services import (
    BEFORE_ROUND,
    THURSDAY_1900_UTC,
    available,
    member_enrollments,
    published_cohort,
    scheduled_round,
    utc,
)
from tests.factories import (
    PASSWORD,
    CohortFactory,
    FacilitatorEnrollmentFactory,
    PlacementFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

DURING_FIRST_MEETING = utc(2027, 3, 2, 19, 30)
AFTER_FIRST_MEETING = utc(2027, 3, 3, 12)


def log_in(client, user):
    client.login(email=user.email, password=PASSWORD)
    return client


def page(client, name, *args) -> str:
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def cohort():
    with time_machine.travel(BEFORE_ROUND, tick=False):
        return published_cohort(members=3, name="Evening owls")


def join(cohort, **user_fields) -> Enrollment:
    """Place a new participant (with the given user fields) in the cohort."""
    user = UserFactory(**user_fields)
    enrollment = PlacementFactory(cohort=cohort, enrollment__user=user).enrollment
    enrollment.status = Enrollment.Status.ACTIVE
    enrollment.save()
    return enrollment


# My cohort ---------------------------------------------------------------------------


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_my_cohort_shows_the_people_by_display_name(client, cohort):
    me = join(cohort, display_name="Mina Berlin", time_zone="Europe/Berlin")
    lead = cohort.facilitators.get().user

    html = page(log_in(client, me.user), "cohorts:mine")

    assert "<h1>My cohort</h1>" in html and "Evening owls" in html
    for other in member_enrollments(cohort):
        assert other.user.name in html
    assert "Mina Berlin</li>" not in html and "Mina Berlin (you)" in html
    assert f'{lead.name} <span class="badge">Facilitator</span>' in html
    # Other members' email addresses are not shown to participants.
    assert member_enrollments(cohort)[0].user.email not in html


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_my_cohort_shows_the_next_meeting_and_the_slot_in_the_viewers_zone(client, cohort):
    me = join(cohort, time_zone="Europe/Berlin")

    html = page(log_in(client, me.user), "cohorts:mine")

    # Tuesday 19:00 in London is 20:00 in Berlin.
    assert "Tuesday 2 March 2027, 20:00" in html
    assert "Tuesdays 20:00 (Europe/Berlin)" in html
    assert "(Europe/Berlin), Session 1: Topic 1" in html


def test_when_only_one_zone_has_changed_to_summer_time_the_page_says_so(client, cohort):
    # New York moves to summer time on 14 March, London on 28 March: in between
    # the cohort's 19:00 London is 15:00 in New York, then 14:00 again.
    me = join(cohort, time_zone="America/New_York")

    with time_machine.travel(utc(2027, 3, 17, 12), tick=False):
        html = page(log_in(client, me.user), "cohorts:mine")
    assert "Tuesday 23 March 2027, 15:00" in html
    assert "Tuesdays 15:00 (America/New_York)" in html

    with time_machine.travel(utc(2027, 3, 24, 12), tick=False):
        html = page(log_in(client, me.user), "cohorts:mine")
    assert "Tuesday 30 March 2027, 14:00" in html
    assert "Tuesdays 14:00 (America/New_York)" in html


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_my_cohort_links_the_video_call_and_the_session_to_prepare(client, cohort):
    me = join(cohort)
    unit = cohort.meetings.select_related("unit__course").order_by("starts_at").first().unit

    html = page(log_in(client, me.user), "cohorts:mine")

    assert 'href="https://meet.example.com/abc-defg-hij"' in html
    assert f'Prepare for it: <a href="{unit.get_absolute_url()}">Session 1: Topic 1</a>' in html


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_my_cohort_lists_every_meeting(client, cohort):
    me = join(cohort, time_zone="Europe/London")

    html = page(log_in(client, me.user), "cohorts:mine")

    for number in range(1, 7):
        assert f"Session {number}: Topic {number}" in html
    assert "Tue 2 Mar 2027, 19:00" in html and "Tue 6 Apr 2027, 19:00" in html


def test_a_meeting_under_way_is_still_the_next_one_and_held_ones_are_not(client, cohort):
    me = join(cohort)

    with time_machine.travel(DURING_FIRST_MEETING, tick=False):
        html = page(log_in(client, me.user), "cohorts:mine")
    assert "Tuesday 2 March 2027, 19:00" in html and ">Session 1: Topic 1</a>" in html
    with time_machine.travel(AFTER_FIRST_MEETING, tick=False):
        html = page(log_in(client, me.user), "cohorts:mine")
    assert "Tuesday 9 March 2027, 19:00" in html and ">Session 2: Topic 2</a>" in html


@time_machine.travel(AFTER_FIRST_MEETING, tick=False)
def test_a_cancelled_meeting_is_skipped_as_the_next_one(client, cohort):
    me = join(cohort)
    cancelled = cohort.meetings.order_by("starts_at")[1]
    cancelled.is_cancelled = True
    cancelled.save()

    html = page(log_in(client, me.user), "cohorts:mine")

    assert "Tuesday 16 March 2027, 19:00" in html
    assert '<span class="badge">Cancelled</span>' in html


@time_machine.travel(utc(2027, 5, 1), tick=False)
def test_after_the_last_meeting_the_page_says_there_are_no_more(client, cohort):
    me = join(cohort)

    html = page(log_in(client, me.user), "cohorts:mine")

    assert "There are no more meetings for this cohort." in html


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_a_draft_cohort_is_invisible_to_its_members(client):
    draft = CohortFactory(round=scheduled_round(), published_at=None, name="Secret draft")
    me = join(draft)

    html = page(log_in(client, me.user), "cohorts:mine")

    assert "Secret draft" not in html
    assert "You are not in a cohort yet." in html


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_a_person_in_two_courses_sees_both_cohorts(client, cohort):
    me = join(cohort)
    other = published_cohort(members=1, name="Weekend readers")
    PlacementFactory(cohort=other, enrollment__user=me.user)

    html = page(log_in(client, me.user), "cohorts:mine")

    assert "Evening owls" in html and "Weekend readers" in html
    assert cohort.round.course.title in html and other.round.course.title in html


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_dropped_members_are_no_longer_listed(client, cohort):
    me = join(cohort)
    gone = member_enrollments(cohort)[0]
    enrollment_drop(enrollment=gone, by=None)

    html = page(log_in(client, me.user), "cohorts:mine")

    assert gone.user.name not in html


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_a_dropped_participant_no_longer_sees_the_cohort(client, cohort):
    me = join(cohort)
    enrollment_drop(enrollment=me, by=None)

    html = page(log_in(client, me.user), "cohorts:mine")

    assert "Evening owls" not in html


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_a_facilitator_finds_their_cohort_on_my_cohort_too(client, cohort):
    lead = cohort.facilitators.get().user

    html = page(log_in(client, lead), "cohorts:mine")

    assert "You facilitate this cohort." in html
    assert f'href="{cohort.get_absolute_url()}"' in html


# Facilitator pages -------------------------------------------------------------------


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_a_facilitator_lists_only_the_cohorts_they_lead(client, cohort):
    other = published_cohort(round=cohort.round, members=1, name="Early birds")
    lead = cohort.facilitators.get().user

    html = page(log_in(client, lead), "cohorts:list")

    assert "Cohorts I facilitate" in html
    assert "Evening owls" in html and "Early birds" not in html
    assert "Tuesdays 19:00 (Europe/London)" in html
    assert "3 of 4" in html
    assert other.pk  # listed for staff below


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_staff_see_all_cohorts_and_can_narrow_them_to_one_round(client, staff, cohort):
    published_cohort(round=cohort.round, members=1, name="Early birds")
    elsewhere = published_cohort(members=1, name="Another round's cohort")
    log_in(client, staff)

    html = page(client, "cohorts:list")
    assert all(n in html for n in ["Evening owls", "Early birds", "Another round&#x27;s cohort"])

    narrowed = client.get(reverse("cohorts:list"), {"round": cohort.round_id}).content.decode()
    assert "Evening owls" in narrowed and "Early birds" in narrowed
    assert "Another round" not in narrowed
    assert str(elsewhere.round) in narrowed  # still offered in the round filter


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_the_staff_list_is_paginated(client, staff):
    round = scheduled_round(units=1)
    for number in range(30):
        CohortFactory(round=round, name=f"Cohort {number:02}")

    first = page(log_in(client, staff), "cohorts:list")
    second = client.get(reverse("cohorts:list"), {"page": 2}).content.decode()

    assert "Cohort 00" in first and "Cohort 29" not in first and "Page 1 of 2" in first
    assert "Cohort 29" in second and "Cohort 00" not in second


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_a_participant_sees_no_cohorts_in_the_facilitator_list(client, cohort):
    me = join(cohort)

    html = page(log_in(client, me.user), "cohorts:list")

    assert "Evening owls" not in html
    assert "You do not facilitate any cohorts" in html


@time_machine.travel(AFTER_FIRST_MEETING, tick=False)
def test_the_cohort_page_shows_members_with_status_and_meetings_with_attendance(client, cohort):
    ada, bo, cy = member_enrollments(cohort)
    lead = cohort.facilitators.get().user
    first = cohort.meetings.order_by("starts_at").first()
    attendance_record(meeting=first, statuses={ada.pk: "present", bo.pk: "absent"}, by=lead)
    enrollment_drop(enrollment=cy, by=lead)

    html = page(log_in(client, lead), "cohorts:detail", cohort.pk)

    assert "<h1>Evening owls" in html
    assert "Participants (2 of at most 4)" in html
    assert ada.user.email in html and "Active" in html
    assert "Dropped out" in html and f"{cy.user.name} <span" in html
    assert "1 present of 2 recorded" in html
    assert f'href="{reverse("cohorts:attendance", args=[cohort.pk, first.pk])}"' in html
    assert f'href="{reverse("cohorts:move", args=[cohort.pk, ada.pk])}"' in html
    assert f'href="{reverse("cohorts:move", args=[cohort.pk, cy.pk])}"' not in html


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_a_participant_following_a_link_to_their_cohort_lands_on_my_cohort(client, cohort):
    me = join(cohort)

    response = log_in(client, me.user).get(cohort.get_absolute_url())

    assert response.status_code == 302 and response.url == reverse("cohorts:mine")


# Attendance --------------------------------------------------------------------------


def attendance_url(cohort, meeting):
    return reverse("cohorts:attendance", args=[cohort.pk, meeting.pk])


def field(enrollment):
    return f"status_{enrollment.pk}"


@pytest.fixture
def first_meeting(cohort):
    return cohort.meetings.order_by("starts_at").first()


@time_machine.travel(AFTER_FIRST_MEETING, tick=False)
def test_the_attendance_form_has_a_labelled_group_of_choices_per_member(
    client, cohort, first_meeting
):
    lead = cohort.facilitators.get().user
    members = member_enrollments(cohort)

    html = log_in(client, lead).get(attendance_url(cohort, first_meeting)).content.decode()

    assert html.count("<fieldset") == 3
    for member in members:
        assert f"<legend>{member.user.name}</legend>" in html
        for value in ("present", "absent", "excused"):
            assert f'name="{field(member)}" value="{value}"' in html
    # Saving is the form's first button, so pressing Enter never marks everyone present.
    assert html.index(">Save attendance<") < html.index(">Mark everyone present<")


@time_machine.travel(AFTER_FIRST_MEETING, tick=False)
def test_the_attendance_form_starts_from_what_was_recorded(client, cohort, first_meeting):
    lead = cohort.facilitators.get().user
    ada = member_enrollments(cohort)[0]
    attendance_record(meeting=first_meeting, statuses={ada.pk: "excused"}, by=lead)

    response = log_in(client, lead).get(attendance_url(cohort, first_meeting))

    html = response.content.decode()
    assert f'name="{field(ada)}" value="excused" id="id_{field(ada)}_2" checked>' in html
    assert html.count(" checked>") == 1  # the others have nothing recorded yet


@time_machine.travel(AFTER_FIRST_MEETING, tick=False)
def test_attendance_is_saved_for_everyone_in_one_post(client, cohort, first_meeting):
    lead = cohort.facilitators.get().user
    ada, bo, cy = member_enrollments(cohort)

    response = log_in(client, lead).post(
        attendance_url(cohort, first_meeting),
        {field(ada): "present", field(bo): "absent", field(cy): "excused"},
    )

    assert response.status_code == 302 and response.url == cohort.get_absolute_url()
    assert dict(first_meeting.attendance.values_list("enrollment_id", "status")) == {
        ada.pk: "present",
        bo.pk: "absent",
        cy.pk: "excused",
    }
    assert set(first_meeting.attendance.values_list("recorded_by", flat=True)) == {lead.pk}


@time_machine.travel(AFTER_FIRST_MEETING, tick=False)
def test_mark_everyone_present_records_all_members_in_one_click(client, cohort, first_meeting):
    lead = cohort.facilitators.get().user

    log_in(client, lead).post(attendance_url(cohort, first_meeting), {"everyone_present": "1"})

    assert list(first_meeting.attendance.values_list("status", flat=True)) == ["present"] * 3


@time_machine.travel(AFTER_FIRST_MEETING, tick=False)
def test_dropped_members_are_left_out_of_the_attendance_form(client, cohort, first_meeting):
    lead = cohort.facilitators.get().user
    gone = member_enrollments(cohort)[0]
    enrollment_drop(enrollment=gone, by=lead)
    log_in(client, lead)

    html = client.get(attendance_url(cohort, first_meeting)).content.decode()
    client.post(attendance_url(cohort, first_meeting), {"everyone_present": "1"})

    assert gone.user.name not in html and html.count("<fieldset") == 2
    assert not first_meeting.attendance.filter(enrollment=gone).exists()
    assert first_meeting.attendance.count() == 2


@time_machine.travel(AFTER_FIRST_MEETING, tick=False)
def test_a_bad_attendance_choice_is_a_form_error(client, cohort, first_meeting):
    lead = cohort.facilitators.get().user
    ada = member_enrollments(cohort)[0]

    response = log_in(client, lead).post(attendance_url(cohort, first_meeting), {field(ada): "zzz"})

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Attendance.objects.exists()


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_before_the_meeting_only_excused_is_accepted_and_the_page_says_so(
    client, cohort, first_meeting
):
    lead = cohort.facilitators.get().user
    ada, bo, _ = member_enrollments(cohort)
    log_in(client, lead)

    html = client.get(attendance_url(cohort, first_meeting)).content.decode()
    refused = client.post(attendance_url(cohort, first_meeting), {field(ada): "present"})
    accepted = client.post(attendance_url(cohort, first_meeting), {field(bo): "excused"})

    assert "has not started yet" in html and "Mark everyone present" not in html
    assert refused.status_code == 200
    assert "until it does you can only mark people excused" in refused.content.decode()
    assert accepted.status_code == 302
    assert dict(first_meeting.attendance.values_list("enrollment_id", "status")) == {
        bo.pk: "excused"
    }


@time_machine.travel(AFTER_FIRST_MEETING, tick=False)
def test_a_meeting_of_another_cohort_under_this_cohorts_address_is_404(client, cohort):
    other = published_cohort(round=cohort.round, members=1, facilitator=cohort.facilitators.get())
    lead = cohort.facilitators.get().user
    theirs = other.meetings.first()

    response = log_in(client, lead).get(reverse("cohorts:attendance", args=[cohort.pk, theirs.pk]))

    assert response.status_code == 404


# Moving and dropping -----------------------------------------------------------------


@pytest.fixture
def two_cohorts(cohort):
    with time_machine.travel(BEFORE_ROUND, tick=False):
        thursdays = published_cohort(
            round=cohort.round,
            members=1,
            name="Thursday club",
            weekday=3,
            slot_start=THURSDAY_1900_UTC,
        )
    return cohort, thursdays


def move_url(cohort, enrollment):
    return reverse("cohorts:move", args=[cohort.pk, enrollment.pk])


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_the_move_form_shows_fit_and_size_for_each_other_cohort(client, two_cohorts):
    cohort, thursdays = two_cohorts
    full = published_cohort(round=cohort.round, members=4, name="Full house")
    ada = member_enrollments(cohort)[0]
    available(ada, (THURSDAY_1900_UTC, THURSDAY_1900_UTC + 90))
    lead = cohort.facilitators.get().user

    html = page(log_in(client, lead), "cohorts:move", cohort.pk, ada.pk)

    assert "Thursday club" in html and "Full house" in html
    assert 'id="move-to-' + str(cohort.pk) + '"' not in html
    thursday_info = html[html.index(f"move-to-{thursdays.pk}-info") :]
    assert "Thursdays 19:00 (Europe/London)" in thursday_info
    assert "Fits" in thursday_info.split("</span>")[0]
    assert "2 of 4 participants after the move" in thursday_info
    full_info = html[html.index(f"move-to-{full.pk}-info") :].split("</span>")[0]
    assert "Outside" in full_info and "Full: 4 of 4" in full_info


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_moving_someone_who_is_free_at_the_new_time_takes_one_post(client, two_cohorts):
    cohort, thursdays = two_cohorts
    ada = member_enrollments(cohort)[0]
    available(ada, (THURSDAY_1900_UTC, THURSDAY_1900_UTC + 90))

    response = log_in(client, cohort.facilitators.get().user).post(
        move_url(cohort, ada), {"to": thursdays.pk}
    )

    assert response.status_code == 302 and response.url == cohort.get_absolute_url()
    assert Placement.objects.get(enrollment=ada).cohort == thursdays


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_moving_into_a_slot_they_cannot_attend_needs_move_anyway(client, two_cohorts):
    cohort, thursdays = two_cohorts
    ada = member_enrollments(cohort)[0]
    log_in(client, cohort.facilitators.get().user)

    refused = client.post(move_url(cohort, ada), {"to": thursdays.pk})
    assert refused.status_code == 200
    assert "does not cover" in refused.content.decode()
    assert Placement.objects.get(enrollment=ada).cohort == cohort

    confirmed = client.post(move_url(cohort, ada), {"to": thursdays.pk, "move_anyway": "on"})
    assert confirmed.status_code == 302
    assert Placement.objects.get(enrollment=ada).cohort == thursdays


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_moving_into_a_full_cohort_is_refused_with_a_clear_message(client, two_cohorts):
    cohort, thursdays = two_cohorts
    PlacementFactory.create_batch(3, cohort=thursdays)
    ada = member_enrollments(cohort)[0]

    response = log_in(client, cohort.facilitators.get().user).post(
        move_url(cohort, ada), {"to": thursdays.pk, "move_anyway": "on"}
    )

    assert response.status_code == 200
    assert "would take it past the maximum of 4" in response.content.decode()
    assert Placement.objects.get(enrollment=ada).cohort == cohort


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_a_cohort_of_another_round_is_not_a_choice(client, two_cohorts):
    cohort, _ = two_cohorts
    elsewhere = published_cohort(members=0)
    ada = member_enrollments(cohort)[0]

    response = log_in(client, cohort.facilitators.get().user).post(
        move_url(cohort, ada), {"to": elsewhere.pk, "move_anyway": "on"}
    )

    assert response.status_code == 200
    assert "choose from the list" in response.content.decode()
    assert Placement.objects.get(enrollment=ada).cohort == cohort


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_marking_a_drop_out_asks_first_then_records_it(client, cohort):
    ada = member_enrollments(cohort)[0]
    url = reverse("cohorts:drop", args=[cohort.pk, ada.pk])
    log_in(client, cohort.facilitators.get().user)

    assert "Mark" in page(client, "cohorts:drop", cohort.pk, ada.pk)
    ada.refresh_from_db()
    assert ada.status == Enrollment.Status.ACTIVE

    response = client.post(url)

    assert response.status_code == 302
    ada.refresh_from_db()
    assert ada.status == Enrollment.Status.DROPPED
    assert client.get(url).status_code == 404  # no longer a member to act on


# Query budgets -----------------------------------------------------------------------

# Session and user (2), then the page's own reads.
# navigation (2), cohorts, members, facilitators, meetings, calendar feed, visits to other
# cohorts
MY_COHORT_QUERIES = 10
# navigation (2), cohort, members, meetings, facilitators, history, requests to join
COHORT_PAGE_QUERIES = 10
# navigation (2), meeting with its cohort, whether the viewer runs the cohort (or covers only
# this meeting), members, visitors, recorded attendance
ATTENDANCE_PAGE_QUERIES = 9


def grown_cohort(*, members: int, meetings: int, other_cohorts: int):
    with time_machine.travel(BEFORE_ROUND, tick=False):
        round = scheduled_round(units=meetings)
        cohort = published_cohort(round=round, members=members)
        for _ in range(other_cohorts):
            published_cohort(round=round, members=3)
    return cohort


SIZES = [(3, 2, 0), (8, 12, 0), (8, 12, 5)]


@pytest.mark.parametrize("members, meetings, other_cohorts", SIZES)
@time_machine.travel(AFTER_FIRST_MEETING, tick=False)
def test_my_cohort_costs_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, members, meetings, other_cohorts
):
    cohort = grown_cohort(members=members, meetings=meetings, other_cohorts=other_cohorts)
    me = member_enrollments(cohort)[0]
    log_in(client, me.user)
    client.get(reverse("cohorts:mine"))  # creates the calendar feed once

    with django_assert_max_num_queries(MY_COHORT_QUERIES):
        response = client.get(reverse("cohorts:mine"))
    assert response.status_code == 200
    assert len(response.context["cohorts"][0].meetings) == meetings


@pytest.mark.parametrize("members, meetings, other_cohorts", SIZES)
@time_machine.travel(AFTER_FIRST_MEETING, tick=False)
def test_the_cohort_page_costs_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, members, meetings, other_cohorts
):
    cohort = grown_cohort(members=members, meetings=meetings, other_cohorts=other_cohorts)
    lead = cohort.facilitators.get().user
    first = cohort.meetings.order_by("starts_at").first()
    attendance_record(
        meeting=first,
        statuses={e.pk: "present" for e in member_enrollments(cohort)},
        by=lead,
    )
    log_in(client, lead)

    with django_assert_max_num_queries(COHORT_PAGE_QUERIES):
        response = client.get(cohort.get_absolute_url())
    assert response.status_code == 200
    assert response.content.decode().count("Attendance for Session") == meetings


@pytest.mark.parametrize("members, meetings, other_cohorts", SIZES)
@time_machine.travel(AFTER_FIRST_MEETING, tick=False)
def test_the_attendance_page_costs_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, members, meetings, other_cohorts
):
    cohort = grown_cohort(members=members, meetings=meetings, other_cohorts=other_cohorts)
    lead = cohort.facilitators.get().user
    first = cohort.meetings.order_by("starts_at").first()
    attendance_record(meeting=first, statuses={member_enrollments(cohort)[0].pk: "absent"}, by=lead)
    log_in(client, lead)

    with django_assert_max_num_queries(ATTENDANCE_PAGE_QUERIES):
        response = client.get(attendance_url(cohort, first))
    assert response.status_code == 200
    assert response.content.decode().count("<fieldset") == members


@pytest.mark.parametrize("members, meetings, other_cohorts", SIZES)
@time_machine.travel(BEFORE_ROUND, tick=False)
def test_the_move_page_costs_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, members, meetings, other_cohorts
):
    cohort = grown_cohort(members=members, meetings=meetings, other_cohorts=other_cohorts)
    ada = member_enrollments(cohort)[0]
    available(ada, (0, 600), (1440, 2040))
    log_in(client, cohort.facilitators.get().user)

    # Session, user, navigation (2), cohort, the person with availability (2), the other
    # cohorts.
    with django_assert_max_num_queries(8):
        response = client.get(move_url(cohort, ada))
    assert response.status_code == 200
    assert len(response.context["candidates"]) == other_cohorts


@pytest.mark.parametrize("members, meetings, other_cohorts", SIZES)
@time_machine.travel(BEFORE_ROUND, tick=False)
def test_the_cohort_list_costs_a_fixed_number_of_queries(
    client, staff, django_assert_max_num_queries, members, meetings, other_cohorts
):
    grown_cohort(members=members, meetings=meetings, other_cohorts=other_cohorts)
    log_in(client, staff)

    # Session, user, navigation (2), rounds for the filter, count and page of cohorts, their
    # facilitators, meetings the viewer covers as a substitute.
    with django_assert_max_num_queries(9):
        response = client.get(reverse("cohorts:list"))
    assert response.status_code == 200


def test_saving_attendance_costs_the_same_for_a_bigger_cohort(
    client, django_assert_max_num_queries
):
    cohort = grown_cohort(members=8, meetings=2, other_cohorts=0)
    lead = cohort.facilitators.get().user
    first = cohort.meetings.order_by("starts_at").first()

    with time_machine.travel(datetime(2027, 3, 3, tzinfo=UTC), tick=False):
        log_in(client, lead)
        # The sheet (members, visitors, who is away visiting) is read for the form, and
        # again by the service to refuse anyone no longer due.
        with django_assert_max_num_queries(14):
            response = client.post(attendance_url(cohort, first), {"everyone_present": "1"})
    assert response.status_code == 302
    assert first.attendance.count() == 8


# Admin -------------------------------------------------------------------------------


@time_machine.travel(AFTER_FIRST_MEETING, tick=False)
def test_admin_lists_cohorts_meetings_and_attendance(client, staff, cohort, first_meeting):
    lead = cohort.facilitators.get()
    attendance_record(
        meeting=first_meeting, statuses={member_enrollments(cohort)[0].pk: "present"}, by=staff
    )
    log_in(client, staff)

    cohorts = page(client, "admin:cohorts_cohort_changelist")
    assert "Evening owls" in cohorts and "Tuesday 19:00 Europe/London" in cohorts
    assert lead.user.name in cohorts
    assert "Session 1: Topic 1" in page(client, "admin:cohorts_meeting_changelist")
    assert "Present" in page(client, "admin:cohorts_attendance_changelist")
    change = page(client, "admin:cohorts_cohort_change", cohort.pk)
    assert member_enrollments(cohort)[0].user.email in change  # the placements inline
    assert client.get(reverse("admin:cohorts_attendance_add")).status_code == 403


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_changing_the_time_in_the_admin_moves_the_meetings_to_come(client, staff, cohort):
    lead = cohort.facilitators.get()
    placements = list(cohort.placements.order_by("pk"))
    data = {
        "name": cohort.name,
        "facilitators": [lead.pk],
        "weekday": "3",
        "local_time": "18:00",
        "time_zone": "Europe/London",
        "video_call_url": cohort.video_call_url,
        "placements-TOTAL_FORMS": str(len(placements)),
        "placements-INITIAL_FORMS": str(len(placements)),
        "placements-MIN_NUM_FORMS": "0",
        "placements-MAX_NUM_FORMS": "1000",
    }
    for index, placement in enumerate(placements):
        data[f"placements-{index}-id"] = str(placement.pk)
        data[f"placements-{index}-cohort"] = str(cohort.pk)
        data[f"placements-{index}-enrollment"] = str(placement.enrollment_id)

    response = log_in(client, staff).post(
        reverse("admin:cohorts_cohort_change", args=[cohort.pk]), data
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    cohort.refresh_from_db()
    assert cohort.slot_start == 3 * 1440 + 18 * 60
    assert cohort.meetings.order_by("starts_at").first().starts_at == utc(2027, 3, 4, 18)


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_a_cohort_added_in_the_admin_gets_its_grouping_slot(client, staff):
    round = scheduled_round(units=2)
    lead = FacilitatorEnrollmentFactory(round=round)
    data = {
        "round": round.pk,
        "name": "Made by hand",
        "facilitators": [lead.pk],
        "weekday": "1",
        "local_time": "19:00",
        "time_zone": "Europe/Berlin",
        "video_call_url": "",
        "placements-TOTAL_FORMS": "0",
        "placements-INITIAL_FORMS": "0",
        "placements-MIN_NUM_FORMS": "0",
        "placements-MAX_NUM_FORMS": "1000",
    }

    response = log_in(client, staff).post(reverse("admin:cohorts_cohort_add"), data)

    assert response.status_code == 302, response.content.decode()[:2000]
    made = round.cohorts.get(name="Made by hand")
    assert made.slot_start == 1 * 1440 + 18 * 60  # 19:00 CET is 18:00 UTC
    assert not made.is_published and list(made.facilitators.all()) == [lead]


def test_a_stored_javascript_video_link_is_never_shown_as_a_link(client):
    cohort = CohortFactory(
        published_at=datetime.now(UTC), video_call_url="javascript:alert(document.cookie)"
    )
    member = PlacementFactory(cohort=cohort).enrollment
    facilitator = FacilitatorEnrollmentFactory(round=cohort.round)
    cohort.facilitators.add(facilitator)

    for person, page in (
        (member.user, reverse("cohorts:mine")),
        (facilitator.user, cohort.get_absolute_url()),
    ):
        client.force_login(person)
        html = client.get(page).content.decode()
        assert "javascript:" not in html, page
