"""Facilitators who lead cohorts in two rounds at once: grouping keeps them from being
double-booked, counts their own limit across rounds, and the review page says why."""

from datetime import date, time

import pytest
import time_machine
from django.urls import reverse

from apps.grouping.selectors import problem_for_round, review, round_state
from apps.grouping.solver import solve
from apps.rounds.cyclic_week import covers
from apps.rounds.models import AvailabilitySlot
from tests.cohorts.test_services import BEFORE_ROUND, available, published_cohort, scheduled_round
from tests.factories import PASSWORD, EnrollmentFactory, FacilitatorEnrollmentFactory, UserFactory

pytestmark = pytest.mark.django_db

TUESDAY_EVENING = (1 * 1440 + 18 * 60, 1 * 1440 + 21 * 60 + 30)  # UTC, 18:00-21:30
TUESDAY_19_LONDON = 1 * 1440 + 19 * 60


def round_with_people(*, starts_on, participants=3, **fields):
    round = scheduled_round(
        starts_on=starts_on, cohort_min_size=2, cohort_target_size=3, cohort_max_size=4, **fields
    )
    for _ in range(participants):
        available(EnrollmentFactory(round=round, status="accepted"), TUESDAY_EVENING)
    return round


@pytest.fixture
def busy_facilitator():
    """Fay leads a published cohort Tuesdays 19:00 London in a round from 1 March 2027,
    and facilitates in a second round from 15 March that overlaps it."""
    with time_machine.travel(BEFORE_ROUND, tick=False):
        fay = UserFactory(display_name="Fay Facilitator", time_zone="Europe/London")
        first = scheduled_round()
        lead = FacilitatorEnrollmentFactory(round=first, user=fay, status="active")
        published_cohort(round=first, facilitator=lead, name="Spring owls")
        second = round_with_people(starts_on=date(2027, 3, 15))
        here = FacilitatorEnrollmentFactory(round=second, user=fay, status="accepted")
        available(here, TUESDAY_EVENING)
    return fay, second, here


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_a_meeting_in_an_overlapping_round_is_busy_time_for_grouping(busy_facilitator):
    fay, second, here = busy_facilitator

    problem = problem_for_round(round=second, time_limit_seconds=2).problem

    [facilitator] = problem.facilitators
    # 19:00-20:30 London is taken; 18:00-19:00 and 20:30-21:30 are too short for a meeting.
    assert not covers(facilitator.availability, TUESDAY_19_LONDON, 90)
    assert not any(covers(facilitator.availability, s, 90) for s in range(0, 10080, 30))


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_grouping_does_not_give_a_busy_facilitator_a_clashing_cohort(busy_facilitator):
    fay, second, here = busy_facilitator
    # Fay is this round's only facilitator and everyone is free Tuesday evening, when her
    # other round meets: without the busy time she would be given that cohort.
    result = solve(problem_for_round(round=second, time_limit_seconds=2).problem)
    assert result.cohorts == [] and len(result.unplaced) == 3

    # Another facilitator free then takes it instead.
    other = FacilitatorEnrollmentFactory(round=second, status="accepted")
    available(other, TUESDAY_EVENING)
    result = solve(problem_for_round(round=second, time_limit_seconds=2).problem)
    assert [c.facilitator for c in result.cohorts] == [str(other.pk)]


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_a_round_that_ended_before_this_one_starts_takes_no_time(busy_facilitator):
    fay, second, here = busy_facilitator
    later = round_with_people(starts_on=date(2027, 9, 6))
    away = FacilitatorEnrollmentFactory(round=later, user=fay, status="accepted")
    available(away, TUESDAY_EVENING)

    assert round_state(round=later).elsewhere == {}
    [facilitator] = problem_for_round(round=later, time_limit_seconds=2).problem.facilitators
    assert covers(facilitator.availability, TUESDAY_19_LONDON, 90)


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_the_persons_own_limit_counts_cohorts_in_other_rounds(busy_facilitator):
    fay, second, here = busy_facilitator
    AvailabilitySlot.objects.filter(enrollment=here).delete()
    available(here, (0, 7 * 1440))  # free all week: only the limit can stop them
    fay.cohort_limit = 1
    fay.save()

    assert problem_for_round(round=second, time_limit_seconds=2).problem.facilitators == []
    fay.cohort_limit = 2
    fay.save()
    [facilitator] = problem_for_round(round=second, time_limit_seconds=2).problem.facilitators
    assert facilitator.max_cohorts == 1


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_the_review_page_says_a_facilitator_was_busy_in_another_round(busy_facilitator, client):
    fay, second, here = busy_facilitator
    fay.cohort_limit = 1
    fay.save()
    client.login(email=UserFactory(is_staff=True).email, password=PASSWORD)

    html = client.get(reverse("grouping:round", args=[second.slug])).content.decode()

    assert "Facilitators busy in other rounds" in html
    assert "Fay Facilitator: unavailable when they lead Spring owls" in html
    assert "reached their limit of 1 cohorts at once" in html
    [(person, found, room)] = review(round=second).elsewhere
    assert (person, [b.cohort.name for b in found], room) == (here, ["Spring owls"], 0)


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_summer_time_in_the_other_round_is_read_at_its_local_time():
    # A cohort anchored 19:00 London in a round from 5 April (summer: 18:00 UTC) blocks
    # 18:00 UTC in a round from 29 March (summer too), not 19:00.
    fay = UserFactory()
    april = scheduled_round(starts_on=date(2027, 4, 5))
    lead = FacilitatorEnrollmentFactory(round=april, user=fay, status="active")
    published_cohort(round=april, facilitator=lead, local_time=time(19))
    march = round_with_people(starts_on=date(2027, 3, 29))
    here = FacilitatorEnrollmentFactory(round=march, user=fay, status="accepted")

    [busy] = round_state(round=march).elsewhere[here.pk]
    assert busy.start == 1 * 1440 + 18 * 60
