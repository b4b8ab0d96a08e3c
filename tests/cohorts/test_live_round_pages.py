"""The pages for changes to a running round: fixed query budgets as cohorts grow, times in
each viewer's zone across the change to summer time, and in-app news at once."""

import pytest
import time_machine
from django.urls import reverse

from apps.cohorts.services import meeting_move, switch_request
from apps.reminders.models import Notification
from tests.cohorts.test_services import (
    BEFORE_ROUND,
    available,
    member_enrollments,
    published_cohort,
    scheduled_round,
    utc,
)
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def log_in(client, user):
    client.login(email=user.email, password=PASSWORD)
    return client


def grown_round(*, members: int, cohorts: int):
    """A round whose cohorts all have `members` and room for more; everyone free all week."""
    round = scheduled_round(cohort_max_size=12, cohort_target_size=6, cohort_min_size=1)
    made = [
        published_cohort(round=round, members=members, name=f"Cohort {n}") for n in range(cohorts)
    ]
    for cohort in made:
        for member in member_enrollments(cohort):
            available(member, (0, 7 * 1440))
    return made


SIZES = [(2, 2), (8, 6)]


@pytest.mark.parametrize("members, cohorts", SIZES)
@time_machine.travel(BEFORE_ROUND, tick=False)
def test_the_switch_pages_cost_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, members, cohorts
):
    made = grown_round(members=members, cohorts=cohorts)
    me = member_enrollments(made[0])[0]
    own = made[0].meetings.order_by("starts_at").first()
    log_in(client, me.user)
    # Session, user, navigation (2), placement, meetings ahead, cohorts, visitors, availability,
    # own requests. For one week: the meetings of the unit, visitors and those away, in
    # place of cohorts and visitors. Leaving: the enrollment, cohorts, visitors,
    # availability, the round's last week.
    for url, budget in [
        (reverse("cohorts:switch"), 10),
        (reverse("cohorts:switch") + f"?meeting={own.pk}", 11),
        (reverse("cohorts:leave", args=[made[0].round.slug]), 7),
    ]:
        with django_assert_max_num_queries(budget):
            assert client.get(url).status_code == 200


@pytest.mark.parametrize("members, cohorts", SIZES)
@time_machine.travel(BEFORE_ROUND, tick=False)
def test_the_meeting_and_answer_pages_cost_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, members, cohorts
):
    made = grown_round(members=members, cohorts=cohorts)
    made[1].round.switches_need_approval = True
    made[1].round.save()
    # Every member of the first cohort asks, so the list of requests grows with the cohort.
    switch, *_ = [
        switch_request(enrollment=member, to=made[1], by=member.user)
        for member in member_enrollments(made[0])
    ]
    meeting = made[0].meetings.order_by("starts_at").first()
    log_in(client, UserFactory(is_staff=True))
    # Session, user, navigation (2), the meeting, substitutes to choose from; the check reads
    # members, those away, visitors, facilitators and availability instead of navigation;
    # the answer page reads the request, members and visitors; the list of requests, the
    # requests and navigation.
    for url, budget in [
        (reverse("cohorts:meeting", args=[made[0].pk, meeting.pk]), 6),
        (
            reverse("cohorts:meeting_check", args=[made[0].pk, meeting.pk])
            + "?starts_at=2027-03-04T18:00",
            8,
        ),
        (reverse("cohorts:switch_decide", args=[switch.pk]), 7),
        (reverse("cohorts:switch_requests"), 5),
    ]:
        with django_assert_max_num_queries(budget):
            assert client.get(url).status_code == 200


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_a_meeting_moved_into_the_week_the_clocks_change_shows_right_for_every_member(client):
    # London changes to summer time on Sunday 28 March 2027, New York on 14 March, Sydney
    # leaves summer time on 4 April. The meeting moves to Monday 29 March, 18:00 UTC.
    cohort = published_cohort(members=3)
    london, new_york, sydney = member_enrollments(cohort)
    for enrollment, zone in [(london, "Europe/London"), (new_york, "America/New_York"),
                             (sydney, "Australia/Sydney")]:  # fmt: skip
        enrollment.user.time_zone = zone
        enrollment.user.save()
    meeting = cohort.meetings.get(starts_at=utc(2027, 3, 30, 18))

    meeting_move(meeting=meeting, starts_at=utc(2027, 3, 29, 18), by=None)

    for enrollment, shown in [
        (london, "Mon 29 Mar 2027, 19:00"),
        (new_york, "Mon 29 Mar 2027, 14:00"),
        (sydney, "Tue 30 Mar 2027, 05:00"),
    ]:
        page = log_in(client, enrollment.user).get(reverse("cohorts:mine")).content.decode()
        assert shown in page, enrollment.user.time_zone


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_members_see_a_change_in_the_app_at_once():
    cohort = published_cohort(members=2)
    meeting = cohort.meetings.order_by("starts_at").first()

    meeting_move(meeting=meeting, starts_at=utc(2027, 3, 4, 18), by=None, reason="Holiday")

    notices = Notification.objects.filter(user__in=[e.user for e in member_enrollments(cohort)])
    assert notices.count() == 2
    assert all("moves to Thursday 4 March" in n.title for n in notices)
