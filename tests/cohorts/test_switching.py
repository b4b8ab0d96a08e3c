"""Participants switching cohort, for one meeting or for good: what is offered, the rules a
switch keeps, approval and its 48-hour escalation, and what follows the person."""

import threading
import time
from datetime import date, timedelta

import pytest
import time_machine
from django.db import connections
from django.urls import reverse
from icalendar import Calendar

from apps.cohorts import services
from apps.cohorts.models import Change, Placement, Switch
from apps.cohorts.reminders import plan_meeting_tomorrow, plan_switch_overdue
from apps.cohorts.selectors import (
    attendance_sheet,
    meeting_people,
    own_placement,
    switch_options,
)
from apps.cohorts.services import (
    CohortError,
    attendance_record,
    calendar_feed_ensure,
    switch_decide,
    switch_request,
)
from apps.reminders.models import Reminder
from apps.reminders.registry import Window
from apps.rounds.models import Enrollment
from tests.cohorts.test_services import (
    BEFORE_ROUND,
    available,
    member_enrollments,
    published_cohort,
    scheduled_round,
)
from tests.factories import (
    PASSWORD,
    FacilitatorEnrollmentFactory,
    PlacementFactory,
    UserFactory,
)
from tests.reminders.support import skip_unless_postgresql

pytestmark = pytest.mark.django_db

ALL_WEEK = (0, 7 * 1440)


def log_in(client, user):
    client.login(email=user.email, password=PASSWORD)
    return client


def two_cohorts(*, members=(2, 2), max_size=4, approval=False):
    """Two published cohorts of one round, Tuesdays and Thursdays 19:00 London; everyone
    is free all week."""
    round = scheduled_round(
        cohort_max_size=max_size,
        cohort_target_size=min(3, max_size),
        cohort_min_size=1,
        switches_need_approval=approval,
    )
    home = published_cohort(round=round, members=members[0], name="Tuesday owls")
    away = published_cohort(
        round=round,
        members=members[1],
        name="Thursday larks",
        weekday=3,
        slot_start=3 * 1440 + 19 * 60,
    )
    for enrollment in Enrollment.objects.filter(round=round):
        available(enrollment, ALL_WEEK)
    return home, away


def first_meeting(cohort):
    return cohort.meetings.order_by("starts_at").first()


def me_in(cohort) -> Enrollment:
    return member_enrollments(cohort)[0]


# What is offered ---------------------------------------------------------------------


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_only_cohorts_with_room_that_fit_the_availability_are_offered_and_others_say_why(
    client,
):
    home, away = two_cohorts(members=(2, 4))
    third = published_cohort(
        round=home.round, members=1, name="Friday foxes", weekday=4, slot_start=4 * 1440 + 19 * 60
    )
    me = me_in(home)
    available(me, (1 * 1440, 2 * 1440))  # Tuesdays only

    page = log_in(client, me.user).get(reverse("cohorts:switch")).content.decode()

    options = {o.cohort.name: o for o in switch_options(placement=own_placement(user=me.user))}
    assert not options["Thursday larks"].is_offered and not options["Friday foxes"].is_offered
    assert "it is full (4 of 4)" in page
    assert "a time your availability does not cover" in page
    assert third.name in page and 'name="to"' not in page


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_the_offer_is_in_the_participants_own_zone(client):
    home, away = two_cohorts()
    me = me_in(home)
    me.user.time_zone = "Asia/Tokyo"
    me.user.save()

    page = log_in(client, me.user).get(reverse("cohorts:switch")).content.decode()

    # Thursdays 19:00 in London in March is Fridays 04:00 in Tokyo.
    assert "Fridays 04:00" in page


# One meeting -------------------------------------------------------------------------


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_a_one_week_switch_puts_the_visitor_on_the_hosts_sheet_for_that_meeting_only(client):
    home, away = two_cohorts()
    me = me_in(home)
    host_meeting, own_meeting = first_meeting(away), first_meeting(home)

    log_in(client, me.user)
    response = client.post(
        reverse("cohorts:switch") + f"?meeting={own_meeting.pk}",
        {"to": host_meeting.pk, "reason": "Working late on Tuesday"},
    )

    assert response.status_code == 302
    visit = Switch.objects.get()
    assert (visit.status, visit.meeting) == (Switch.Status.APPROVED, host_meeting)
    assert Placement.objects.get(enrollment=me).cohort == home  # still in their own cohort
    host_sheet, _ = attendance_sheet(meeting=host_meeting)
    assert [r.visitor_from for r in host_sheet if r.enrollment_id == me.pk] == [home]
    own_sheet, _ = attendance_sheet(meeting=own_meeting)
    assert me.pk not in {r.enrollment_id for r in own_sheet}
    later_sheet, _ = attendance_sheet(meeting=home.meetings.order_by("starts_at")[1])
    assert me.pk in {r.enrollment_id for r in later_sheet}


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_both_facilitators_are_told_and_the_history_keeps_the_visit(client):
    home, away = two_cohorts()
    me = me_in(home)

    switch_request(enrollment=me, to=away, meeting=first_meeting(away), by=me.user)

    told = set(Reminder.objects.filter(kind="cohort_change").values_list("user_id", flat=True))
    assert told == {home.facilitators.get().user_id, away.facilitators.get().user_id}
    change = Change.objects.get()
    assert (change.kind, change.cohort, change.other_cohort, change.enrollment) == (
        Change.Kind.VISIT,
        away,
        home,
        me,
    )


def test_the_host_facilitator_records_the_visitors_attendance():
    with time_machine.travel(BEFORE_ROUND, tick=False):
        home, away = two_cohorts()
        me = me_in(home)
        host_meeting = first_meeting(away)
        switch_request(enrollment=me, to=away, meeting=host_meeting, by=me.user)

    with time_machine.travel(host_meeting.ends_at, tick=False):
        attendance_record(
            meeting=host_meeting, statuses={me.pk: "present"}, by=away.facilitators.get().user
        )
        with pytest.raises(CohortError):
            attendance_record(
                meeting=first_meeting(home),
                statuses={me.pk: "present"},
                by=home.facilitators.get().user,
            )
    assert host_meeting.attendance.get().enrollment == me


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_the_calendar_feed_and_reminders_follow_the_visitor(client):
    home, away = two_cohorts()
    me = me_in(home)
    host_meeting, own_meeting = first_meeting(away), first_meeting(home)
    switch_request(enrollment=me, to=away, meeting=host_meeting, by=me.user)

    feed = Calendar.from_ical(
        client.get(calendar_feed_ensure(user=me.user).get_absolute_url()).content
    )
    uids = {str(e["UID"]).split("@")[0] for e in feed.events}
    assert f"meeting-{host_meeting.pk}" in uids and f"meeting-{own_meeting.pk}" not in uids

    with time_machine.travel(host_meeting.starts_at - timedelta(hours=30), tick=False):
        now = host_meeting.starts_at - timedelta(hours=30)
        planned = list(
            plan_meeting_tomorrow(Window(now, now + timedelta(hours=48)), lambda round_id: 24)
        )
    mine = {p.occasion for p in planned if p.user_id == me.user_id}
    assert mine == {f"meeting:{host_meeting.pk}"}


# For good ----------------------------------------------------------------------------


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_a_switch_for_good_moves_the_placement_and_is_kept_in_both_histories(client):
    home, away = two_cohorts()
    me = me_in(home)

    switch_request(enrollment=me, to=away, by=me.user, reason="New job")

    assert Placement.objects.get(enrollment=me).cohort == away
    change = Change.objects.get()
    assert change.kind == Change.Kind.SWITCH and change.reason == "New job"
    for cohort in (home, away):
        lead = cohort.facilitators.get().user
        page = log_in(client, lead).get(cohort.get_absolute_url()).content.decode()
        assert "Switched cohort" in page and "New job" in page


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_a_facilitator_moving_someone_calls_off_their_visits_to_come(client):
    home, away = two_cohorts()
    me = me_in(home)
    host_meeting = first_meeting(away)
    visit = switch_request(enrollment=me, to=away, meeting=host_meeting, by=me.user)
    wednesday = published_cohort(
        round=home.round,
        members=0,
        name="Wednesday wrens",
        weekday=2,
        slot_start=2 * 1440 + 19 * 60,
    )

    services.cohort_move_participant(enrollment=me, to=wednesday, by=home.facilitators.get().user)

    visit.refresh_from_db()
    assert visit.status == Switch.Status.WITHDRAWN
    assert me.user not in meeting_people(meeting=host_meeting)
    feed = Calendar.from_ical(
        client.get(calendar_feed_ensure(user=me.user).get_absolute_url()).content
    )
    uids = {str(e["UID"]).split("@")[0] for e in feed.events}
    assert f"meeting-{host_meeting.pk}" not in uids
    assert f"meeting-{first_meeting(wednesday).pk}" in uids


# The rules ---------------------------------------------------------------------------


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_a_participant_cannot_switch_into_a_full_cohort_another_round_or_for_someone_else():
    home, away = two_cohorts(members=(2, 4))
    me, other = member_enrollments(home)
    elsewhere = published_cohort(members=1)

    with pytest.raises(CohortError, match="full"):
        switch_request(enrollment=me, to=away, by=me.user)
    with pytest.raises(CohortError, match="your own round"):
        switch_request(enrollment=me, to=elsewhere, by=me.user)
    with pytest.raises(CohortError, match="Only the participant"):
        switch_request(enrollment=other, to=elsewhere, by=me.user)
    assert not Switch.objects.exists()


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_visitors_count_towards_a_meetings_size():
    home, away = two_cohorts(members=(2, 3))
    first, second = member_enrollments(home)
    meeting = first_meeting(away)
    switch_request(enrollment=first, to=away, meeting=meeting, by=first.user)

    with pytest.raises(CohortError, match="full"):
        switch_request(enrollment=second, to=away, meeting=meeting, by=second.user)
    # For good, the busiest meeting still to come counts its visitors too.
    with pytest.raises(CohortError, match="full"):
        switch_request(enrollment=second, to=away, by=second.user)


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_the_page_acts_only_on_the_signed_in_participants_own_place(client):
    home, away = two_cohorts()
    me, other = member_enrollments(home)
    log_in(client, me.user)

    assert (
        client.get(reverse("cohorts:switch") + f"?placement={other.placement.pk}").status_code
        == 404
    )
    lead = home.facilitators.get().user
    assert log_in(client, lead).get(reverse("cohorts:switch")).status_code == 404


# Approval ----------------------------------------------------------------------------


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_with_approval_the_request_waits_and_the_host_facilitator_is_asked():
    home, away = two_cohorts(approval=True)
    me = me_in(home)

    switch = switch_request(enrollment=me, to=away, by=me.user)

    assert switch.is_pending and Placement.objects.get(enrollment=me).cohort == home
    assert Reminder.objects.get(kind="switch_request").user == away.facilitators.get().user
    switch_decide(switch=switch, approve=True, by=away.facilitators.get().user)
    assert Placement.objects.get(enrollment=me).cohort == away
    assert Reminder.objects.get(kind="switch_answered").user == me.user


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_approving_a_request_for_a_cohort_that_filled_up_meanwhile_is_refused():
    home, away = two_cohorts(members=(2, 3), approval=True)
    me, other = member_enrollments(home)
    switch = switch_request(enrollment=me, to=away, by=me.user)
    Switch.objects.filter(pk=switch.pk).update(status=Switch.Status.WITHDRAWN)
    late = switch_request(enrollment=other, to=away, by=other.user)
    switch_decide(switch=late, approve=True, by=None)
    Switch.objects.filter(pk=switch.pk).update(status=Switch.Status.PENDING)

    with pytest.raises(CohortError, match="full"):
        switch_decide(switch=switch, approve=True, by=None)


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_a_lead_facilitator_answers_requests_in_their_round_and_no_other(client):
    home, away = two_cohorts(approval=True)
    me = me_in(home)
    switch = switch_request(enrollment=me, to=away, by=me.user)
    url = reverse("cohorts:switch_decide", args=[switch.pk])
    lead_here = FacilitatorEnrollmentFactory(round=home.round, is_lead=True, status="active")
    lead_elsewhere = FacilitatorEnrollmentFactory(is_lead=True, status="active")

    for user, status in [
        (me.user, 404),
        (lead_elsewhere.user, 404),
        (home.facilitators.get().user, 404),
        (UserFactory(), 404),
        (lead_here.user, 200),
    ]:
        assert log_in(client, user).get(url).status_code == status
    assert log_in(client, lead_elsewhere.user).post(url, {"decision": "approve"}).status_code == 404
    waiting = log_in(client, lead_here.user).get(reverse("cohorts:switch_requests"))
    assert f"{me.user.name} asks to join {away.name}" in waiting.content.decode()
    listed = log_in(client, lead_elsewhere.user).get(reverse("cohorts:switch_requests"))
    assert me.user.name not in listed.content.decode()
    response = log_in(client, lead_here.user).post(url, {"decision": "approve"})
    assert response.status_code == 302
    assert Placement.objects.get(enrollment=me).cohort == away
    # Answering gives the lead no way into the cohort itself.
    assert log_in(client, lead_here.user).get(away.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("posted", [{}, {"decision": ""}, {"decision": "maybe"}])
@time_machine.travel(BEFORE_ROUND, tick=False)
def test_an_answer_that_is_neither_approve_nor_decline_is_refused_and_changes_nothing(
    client, posted
):
    home, away = two_cohorts(approval=True)
    me = me_in(home)
    switch = switch_request(enrollment=me, to=away, by=me.user)
    host = away.facilitators.get().user

    response = log_in(client, host).post(reverse("cohorts:switch_decide", args=[switch.pk]), posted)

    assert response.status_code == 400
    assert "Choose approve or decline" in response.content.decode()
    switch.refresh_from_db()
    assert switch.is_pending
    assert not Reminder.objects.filter(kind="switch_answered").exists()


def test_a_request_unanswered_for_48_hours_goes_to_the_lead_facilitators_and_admins():
    with time_machine.travel(BEFORE_ROUND, tick=False):
        home, away = two_cohorts(approval=True)
        me = me_in(home)
        lead = FacilitatorEnrollmentFactory(round=home.round, is_lead=True, status="active")
        admin = UserFactory(is_staff=True)
        switch = switch_request(enrollment=me, to=away, by=me.user)

    def planned_at(moment):
        window = Window(moment - timedelta(hours=6), moment + timedelta(hours=48))
        return {(p.user_id, p.due_at) for p in plan_switch_overdue(window, lambda r: 48)}

    due = BEFORE_ROUND + timedelta(hours=48)
    assert planned_at(BEFORE_ROUND + timedelta(hours=47)) == {
        (lead.user_id, due),
        (admin.pk, due),
    }
    switch_decide(switch=switch, approve=False, by=None)
    assert planned_at(BEFORE_ROUND + timedelta(hours=47)) == set()


# Withdrawing -------------------------------------------------------------------------


def withdraw(client, switch):
    return client.post(reverse("cohorts:switch_withdraw", args=[switch.pk]))


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_a_participant_withdraws_a_waiting_request_and_is_back_on_the_switch_page(client):
    home, away = two_cohorts(approval=True)
    me = me_in(home)
    switch = switch_request(enrollment=me, to=away, by=me.user)

    response = withdraw(log_in(client, me.user), switch)

    assert response.status_code == 302
    assert response.url == reverse("cohorts:switch") + f"?placement={me.placement.pk}"
    switch.refresh_from_db()
    assert switch.status == Switch.Status.WITHDRAWN
    assert Placement.objects.get(enrollment=me).cohort == home


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_a_participant_withdraws_a_visit_still_to_come(client):
    home, away = two_cohorts()
    me = me_in(home)
    visit = switch_request(enrollment=me, to=away, meeting=first_meeting(away), by=me.user)

    assert withdraw(log_in(client, me.user), visit).status_code == 302
    visit.refresh_from_db()
    assert visit.status == Switch.Status.WITHDRAWN


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_a_request_in_an_earlier_round_is_withdrawn_while_the_person_is_in_a_later_one(client):
    home, away = two_cohorts(approval=True)
    me = me_in(home)
    switch = switch_request(enrollment=me, to=away, by=me.user)
    later = published_cohort(round=scheduled_round(starts_on=date(2027, 9, 6)), members=0)
    PlacementFactory(cohort=later, enrollment__user=me.user, enrollment__status="active")

    assert withdraw(log_in(client, me.user), switch).status_code == 302
    switch.refresh_from_db()
    assert switch.status == Switch.Status.WITHDRAWN


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_withdrawing_another_participants_request_is_a_404(client):
    home, away = two_cohorts(approval=True)
    me, other = member_enrollments(home)
    switch = switch_request(enrollment=other, to=away, by=other.user)

    assert withdraw(log_in(client, me.user), switch).status_code == 404
    switch.refresh_from_db()
    assert switch.is_pending


# Two people, one last place ----------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_participants_taking_the_last_place_at_once_end_with_one_placed(monkeypatch):
    skip_unless_postgresql("the race needs row locks (SELECT ... FOR UPDATE)")
    with time_machine.travel(BEFORE_ROUND, tick=False):
        home, away = two_cohorts(members=(2, 3))
    racers = member_enrollments(home)
    start = threading.Barrier(2)
    outcomes: dict[int, str] = {}
    counted = services.seats_taken

    def slow_count(**kwargs):
        # Both have read the count before either writes, unless the lock makes one wait.
        taken = counted(**kwargs)
        time.sleep(0.3)
        return taken

    monkeypatch.setattr(services, "seats_taken", slow_count)

    def take(enrollment):
        try:
            with time_machine.travel(BEFORE_ROUND, tick=True):
                start.wait(timeout=10)
                switch_request(enrollment=enrollment, to=away, by=enrollment.user)
            outcomes[enrollment.pk] = "placed"
        except CohortError as error:
            outcomes[enrollment.pk] = str(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=take, args=(e,)) for e in racers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(o == "placed" for o in outcomes.values()) == [False, True]
    [refusal] = [o for o in outcomes.values() if o != "placed"]
    assert "full" in refusal
    assert Placement.objects.filter(cohort=away).count() == 4
