"""A participant leaves (and may come back while there is room) or defers to the next round."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from apps.cohorts.models import Attendance, Change, Placement, Switch
from apps.cohorts.services import (
    CohortError,
    participant_defer,
    participant_leave,
    participant_return,
    switch_request,
)
from apps.reminders.models import Reminder
from apps.reviews.models import PeerReviewSettings, ReviewAssignment
from apps.reviews.services import reviews_allocate, reviews_reassign
from apps.rounds.models import AvailabilitySlot, Enrollment
from tests.cohorts.test_services import (
    BEFORE_ROUND,
    available,
    member_enrollments,
    published_cohort,
    scheduled_round,
    utc,
)
from tests.cohorts.test_switching import two_cohorts
from tests.factories import PASSWORD, PlacementFactory, RoundFactory
from tests.grading import SUBMITTED_AT, build_course, place, submitted

pytestmark = pytest.mark.django_db


def log_in(client, user):
    client.login(email=user.email, password=PASSWORD)
    return client


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_leaving_with_a_reason_tells_the_facilitator_and_keeps_the_history(client):
    cohort = published_cohort(members=3)
    me = member_enrollments(cohort)[0]

    log_in(client, me.user).post(
        reverse("cohorts:leave", args=[cohort.round.slug]),
        {"action": "leave", "reason": "A new job takes my evenings"},
    )

    me.refresh_from_db()
    assert me.status == Enrollment.Status.LEFT
    change = Change.objects.get()
    assert (change.kind, change.cohort, change.reason) == (
        Change.Kind.LEAVE,
        cohort,
        "A new job takes my evenings",
    )
    lead = cohort.facilitators.get().user
    assert Reminder.objects.get(kind="cohort_change").user == lead
    page = log_in(client, lead).get(cohort.get_absolute_url()).content.decode()
    assert "Left the round" in page and "A new job takes my evenings" in page


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_leaving_stops_requests_visits_and_notes_for_meetings_to_come():
    home, away = two_cohorts()
    me = member_enrollments(home)[0]
    switch_request(enrollment=me, to=away, meeting=away.meetings.first(), by=me.user)
    Attendance.objects.create(meeting=home.meetings.last(), enrollment=me, status="excused")

    participant_leave(enrollment=me, by=me.user)

    assert Switch.objects.get().status == Switch.Status.WITHDRAWN
    assert not Attendance.objects.exists()
    assert me not in [p.enrollment for p in Placement.objects.filter(cohort=home).current()]


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_someone_who_left_comes_back_to_their_cohort_while_it_has_room(client):
    round = scheduled_round(cohort_max_size=3, cohort_target_size=3, cohort_min_size=1)
    cohort = published_cohort(round=round, members=3)
    me = member_enrollments(cohort)[0]
    participant_leave(enrollment=me, by=me.user)
    newcomer = PlacementFactory(cohort=cohort, enrollment__round=round).enrollment

    with pytest.raises(CohortError, match="full"):
        participant_return(enrollment=me, to=cohort, by=me.user)
    page = log_in(client, me.user).get(reverse("cohorts:leave", args=[round.slug]))
    assert "is full" in page.content.decode()

    newcomer.status = Enrollment.Status.LEFT
    newcomer.save()
    participant_return(enrollment=me, to=cohort, by=me.user)
    me.refresh_from_db()
    assert me.status == Enrollment.Status.ACTIVE
    assert Change.objects.filter(kind=Change.Kind.RETURN, enrollment=me).exists()


def test_there_is_no_coming_back_once_the_round_is_over():
    with time_machine.travel(BEFORE_ROUND, tick=False):
        cohort = published_cohort(members=2)
        me = member_enrollments(cohort)[0]
        participant_leave(enrollment=me, by=me.user)
    with time_machine.travel(utc(2027, 6, 1), tick=False), pytest.raises(CohortError):
        participant_return(enrollment=me, to=cohort, by=me.user)


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_deferring_keeps_the_application_and_its_local_times_in_the_next_round(client):
    cohort = published_cohort(members=2)
    me = member_enrollments(cohort)[0]
    me.motivation, me.availability_time_zone = "To work on alignment", "Europe/London"
    me.save()
    # Mondays 18:00-20:00 London in March: UTC+0.
    available(me, (18 * 60, 20 * 60))
    summer = RoundFactory(course=cohort.round.course, starts_on=date(2027, 7, 5))

    log_in(client, me.user).post(
        reverse("cohorts:leave", args=[cohort.round.slug]), {"action": "defer", "reason": ""}
    )

    me.refresh_from_db()
    later = Enrollment.objects.get(round=summer, user=me.user)
    assert me.status == Enrollment.Status.DEFERRED
    assert (later.status, later.motivation) == (Enrollment.Status.ACCEPTED, "To work on alignment")
    # Still Mondays 18:00-20:00 in London, which is 17:00-19:00 UTC in summer.
    assert list(AvailabilitySlot.objects.filter(enrollment=later).values_list("start", "end")) == [
        (17 * 60, 19 * 60)
    ]
    assert Change.objects.get().kind == Change.Kind.DEFER


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_deferring_needs_a_later_round_and_a_place_not_taken_there():
    cohort = published_cohort(members=1)
    me = member_enrollments(cohort)[0]
    with pytest.raises(CohortError, match="No later round"):
        participant_defer(enrollment=me, by=me.user)


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_nobody_leaves_on_someone_elses_behalf(client):
    cohort = published_cohort(members=2)
    me, other = member_enrollments(cohort)
    outsider_round = scheduled_round()

    log_in(client, me.user)
    assert client.get(reverse("cohorts:leave", args=[outsider_round.slug])).status_code == 404
    client.post(reverse("cohorts:leave", args=[cohort.round.slug]), {"action": "leave"})
    other.refresh_from_db()
    assert other.status == Enrollment.Status.ACTIVE


def test_the_peer_reviews_someone_leaving_still_owes_go_to_others():
    with time_machine.travel(SUBMITTED_AT, tick=False):
        course = build_course()
        members = [place(course) for _ in range(5)]
        for member in members:
            submitted(member, course.exercise)
        PeerReviewSettings.objects.create(exercise=course.exercise, reviews_per_submission=2)
        reviews_allocate(round=course.round, exercise=course.exercise)
        leaving = members[0]
        owed = ReviewAssignment.objects.filter(
            reviewer=leaving, status__in=ReviewAssignment.OUTSTANDING
        )
        assert owed.exists()

        participant_leave(enrollment=leaving, by=leaving.user)
        # What the reviews tick does for everyone gone from the round.
        reviews_reassign(round=course.round, exercise=course.exercise)

    assert not owed.exists()
    for member in members[1:]:
        work = member.submissions.get()
        assert work.review_assignments.filter(status__in=ReviewAssignment.OUTSTANDING).count() == 2


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_the_round_page_offers_leaving_to_participants_only(client):
    cohort = published_cohort(members=1)
    me = member_enrollments(cohort)[0]
    url = reverse("rounds:detail", args=[cohort.round.slug])

    assert "Leave this round, or defer" in log_in(client, me.user).get(url).content.decode()
    lead = cohort.facilitators.get().user
    assert "Leave this round" not in log_in(client, lead).get(url).content.decode()
    participant_leave(enrollment=me, by=me.user)
    assert "Come back to it" in log_in(client, me.user).get(url).content.decode()
