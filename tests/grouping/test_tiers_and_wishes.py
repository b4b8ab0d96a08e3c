"""A round's soft tier, priority labels and facilitators' wishes, from the admin's rows to
the drafts and the review page; and the live figures of a run."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from apps.grouping.models import GroupingPreference, GroupingRun, GroupingSettings
from apps.grouping.selectors import can_run_grouping, problem_for_round, solver_id
from apps.grouping.services import _ProgressWriter, grouping_run_start
from apps.grouping.solver import Progress
from tests.cohorts.test_services import scheduled_round
from tests.factories import EnrollmentFactory, FacilitatorEnrollmentFactory, UserFactory
from tests.grouping.test_services import (  # noqa: F401
    DAY,
    MONDAY_LATE,
    drafts,
    facilitator,
    fast_grouping,
    members,
    participant,
    run_now,
    small_round,
)
from tests.grouping.test_views import log_in

pytestmark = pytest.mark.django_db

MONDAY_18_TO_1930 = (18 * 60, 19 * 60 + 30)
MONDAY_1830_ON = (18 * 60 + 30, 21 * 60)  # misses the first half hour of an 18:00 meeting
WEDNESDAY_18_TO_1930 = (2 * DAY + 18 * 60, 2 * DAY + 19 * 60 + 30)


def one_monday_cohort_round():
    """Three people and a facilitator who can only meet on Monday at 18:00, and one more
    person who could only come from 18:30."""
    round = scheduled_round(units=3)
    lead = facilitator(round, MONDAY_18_TO_1930, name="Mona Lead")
    people = {
        name: participant(round, MONDAY_18_TO_1930, name=name) for name in ["Ada", "Ben", "Cat"]
    }
    people["Late"] = participant(round, MONDAY_1830_ON, name="Lou Late")
    return round, lead, people


def review_page(client, round) -> str:
    return client.get(reverse("grouping:round", args=[round.slug])).content.decode()


# The soft tier ---------------------------------------------------------------------------


def test_without_the_soft_tier_someone_who_misses_part_of_the_meeting_is_left_out():
    round, _, _ = one_monday_cohort_round()
    run_now(round)
    [cohort] = drafts(round)
    assert members(cohort) == {"Ada", "Ben", "Cat"}


def test_with_the_soft_tier_they_join_and_the_page_shows_what_they_miss(staff_client):
    round, _, _ = one_monday_cohort_round()
    GroupingSettings.objects.create(
        round=round, soft_tier=True, soft_members_per_cohort=1, soft_missed_minutes=30
    )

    run = run_now(round)

    [cohort] = drafts(round)
    assert members(cohort) == {"Ada", "Ben", "Cat", "Lou Late"}
    assert run.stats["soft_placed"] == 1
    html = review_page(staff_client, round)
    assert "Soft tier on" in html
    assert "misses 30 of the 90 minutes" in html


def test_the_problem_takes_the_soft_tier_and_the_week_from_the_round():
    round, _, _ = one_monday_cohort_round()
    GroupingSettings.objects.create(
        round=round,
        soft_tier=True,
        soft_members_per_cohort=2,
        soft_missed_minutes=20,
        assume_evenings=True,
    )
    tier = problem_for_round(round=round, time_limit_seconds=3).problem.soft
    assert (tier.members_per_cohort, tier.missed_minutes, tier.default_window) == (2, 20, True)
    assert tier.week_of == round.starts_on


def test_settings_with_the_soft_tier_off_mean_strict_grouping():
    round, _, _ = one_monday_cohort_round()
    GroupingSettings.objects.create(round=round, soft_tier=False)
    assert problem_for_round(round=round, time_limit_seconds=3).problem.soft is None


def test_someone_who_gave_only_a_time_zone_joins_on_an_assumed_evening(staff_client):
    round = scheduled_round(units=3)
    # 1 March 2027: London is on UTC, so its weekday evenings are 18:00-21:00 UTC.
    facilitator(round, MONDAY_18_TO_1930, name="Mona Lead")
    for name in ["Ada", "Ben"]:
        participant(round, MONDAY_18_TO_1930, name=name)
    zone_only = EnrollmentFactory(
        round=round,
        status="accepted",
        user__display_name="Zoe Zone",
        availability_time_zone="Europe/London",
    )
    GroupingSettings.objects.create(
        round=round, soft_tier=True, soft_missed_minutes=0, assume_evenings=True
    )

    problem = problem_for_round(round=round, time_limit_seconds=3).problem
    [zoe] = [p for p in problem.participants if p.id == solver_id(zone_only.pk)]
    assert (zoe.availability, zoe.time_zone) == ([], "Europe/London")

    run_now(round)

    [cohort] = drafts(round)
    assert "Zoe Zone" in members(cohort)
    assert "Assumed free" in review_page(staff_client, round)


# Priority --------------------------------------------------------------------------------


def test_a_priority_label_wins_the_only_cohort_and_shows_on_the_page(staff_client):
    round = scheduled_round(units=3)
    facilitator(round, MONDAY_18_TO_1930, WEDNESDAY_18_TO_1930, name="Wes Lead")
    for name in ["Ada", "Ben", "Cat"]:
        participant(round, MONDAY_18_TO_1930, name=name)
    scholar = participant(round, WEDNESDAY_18_TO_1930, name="Sam Scholar")
    participant(round, WEDNESDAY_18_TO_1930, name="Dan")
    GroupingPreference.objects.create(enrollment=scholar, priority="scholarship")

    run_now(round)

    [cohort] = drafts(round)
    assert members(cohort) == {"Sam Scholar", "Dan"}
    assert "Priority: scholarship" in review_page(staff_client, round)


def test_the_problem_marks_only_labelled_people_as_priority():
    round, _, people = one_monday_cohort_round()
    GroupingPreference.objects.create(enrollment=people["Ada"], priority="returning")
    GroupingPreference.objects.create(enrollment=people["Ben"], priority="")
    problem = problem_for_round(round=round, time_limit_seconds=3).problem
    priority = {p.id for p in problem.participants if p.priority}
    assert priority == {solver_id(people["Ada"].pk)}


# Facilitators' wishes --------------------------------------------------------------------


def test_the_problem_carries_a_facilitators_preferred_times_and_a_size_within_bounds():
    round, lead, _ = one_monday_cohort_round()
    GroupingPreference.objects.create(
        enrollment=lead, preferred_times=[[1080, 1170]], preferred_size=3
    )
    [wishes] = problem_for_round(round=round, time_limit_seconds=3).problem.facilitators
    assert (wishes.preferred_times, wishes.preferred_size) == ([(1080, 1170)], 3)

    GroupingPreference.objects.filter(enrollment=lead).update(preferred_size=9)
    [wishes] = problem_for_round(round=round, time_limit_seconds=3).problem.facilitators
    assert wishes.preferred_size is None


def preferences_url(round) -> str:
    return reverse("grouping:preferences", args=[round.slug])


def test_a_facilitator_gives_their_wishes_on_their_own_page(client):
    round, _, _ = one_monday_cohort_round()
    lead = FacilitatorEnrollmentFactory(round=round, user__time_zone="Europe/London")
    client = log_in(client, lead.user)
    assert client.get(preferences_url(round)).status_code == 200

    # Wednesday 18:00-19:30 in London, which is UTC in March 2027.
    cells = ["2-1080", "2-1110", "2-1140"]
    response = client.post(preferences_url(round), {"cells": cells, "preferred_size": "3"})

    assert response.status_code == 302
    wish = GroupingPreference.objects.get(enrollment=lead)
    assert (wish.preferred_times, wish.preferred_size) == ([[2 * DAY + 1080, 2 * DAY + 1170]], 3)
    page = client.get(preferences_url(round)).content.decode()
    assert re.search(r'value="2-1110"[^>]*checked', page)
    assert not re.search(r'value="2-1200"[^>]*checked', page)


def test_a_size_outside_the_rounds_bounds_is_refused(client):
    round, lead, _ = one_monday_cohort_round()
    client = log_in(client, lead.user)
    response = client.post(preferences_url(round), {"preferred_size": "9"})
    assert response.status_code == 200
    assert not GroupingPreference.objects.filter(enrollment=lead).exists()


@pytest.mark.parametrize("who", ["participant", "facilitator elsewhere", "someone else"])
def test_only_the_rounds_own_facilitators_have_a_wishes_page(client, who):
    round, _, people = one_monday_cohort_round()
    user = {
        "participant": people["Ada"].user,
        "facilitator elsewhere": FacilitatorEnrollmentFactory().user,
        "someone else": UserFactory(),
    }[who]
    client = log_in(client, user)
    assert client.get(preferences_url(round)).status_code == 404
    assert client.post(preferences_url(round), {"preferred_size": "3"}).status_code == 404
    assert not GroupingPreference.objects.exists()


# Who may run grouping, and what they see while it runs --------------------------------------


def test_only_staff_may_run_grouping():
    round, lead, people = one_monday_cohort_round()
    assert can_run_grouping(UserFactory(is_staff=True), round)
    assert can_run_grouping(UserFactory(is_staff=True), None)
    assert not can_run_grouping(lead.user, round)
    assert not can_run_grouping(people["Ada"].user, None)


def test_the_run_shows_the_count_placed_and_the_bound_while_it_works(staff_client):
    round, _ = small_round()
    run = grouping_run_start(round=round, by=None)
    GroupingRun.objects.filter(pk=run.pk).update(status=GroupingRun.Status.RUNNING)

    _ProgressWriter(run.pk)(Progress(0.4, "6 placed; at most 6 can be", placed=6, bound=6))

    run.refresh_from_db()
    assert (run.placed, run.bound) == (6, 6)
    html = staff_client.get(reverse("grouping:run", args=[round.slug, run.pk])).content.decode()
    assert "<dt>Placed so far</dt><dd>6</dd>" in html
    assert "<dt>Most any grouping can place</dt><dd>6</dd>" in html


def test_a_finished_run_says_when_no_grouping_could_place_more(staff_client):
    round, _ = small_round()
    run = run_now(round)
    assert (run.placed, run.bound, run.stats["optimal"]) == (6, 6, True)
    assert "this is the best possible" in review_page(staff_client, round)


@pytest.mark.parametrize(
    "times, size",
    [([[1200, 1100]], None), ([[0, 60, 90]], None), ("evenings", None), ([], 9)],
)
def test_wishes_entered_by_hand_in_the_admin_are_checked(times, size):
    _, lead, _ = one_monday_cohort_round()
    wish = GroupingPreference(enrollment=lead, preferred_times=times, preferred_size=size)
    with pytest.raises(ValidationError):
        wish.full_clean()
