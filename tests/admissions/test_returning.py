"""Coming back after leaving is for people who had a place, and only while it is theirs."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from apps.admissions.services import decisions_make, place_give_up
from apps.rounds.models import Enrollment
from apps.rounds.services import RoundError, enrollment_leave, enrollment_return

pytestmark = pytest.mark.django_db(transaction=True)


def decide(world, people, outcome):
    decisions_make(
        round=world.round, enrollment_ids=[p.pk for p in people], outcome=outcome, by=world.staff
    )


def test_someone_who_left_the_waiting_list_cannot_come_back_as_accepted(world):
    first, second, third = world.applicants
    decide(world, [first], "waitlisted")
    first.refresh_from_db()
    enrollment_leave(enrollment=first)

    with pytest.raises(RoundError, match="never given a place"):
        enrollment_return(enrollment=first, placed=False)

    first.refresh_from_db()
    assert first.status == Enrollment.Status.LEFT


def test_an_applicant_who_withdrew_cannot_come_back_as_accepted(world):
    first = world.applicants[0]
    enrollment_leave(enrollment=first)

    with pytest.raises(RoundError, match="never given a place"):
        enrollment_return(enrollment=first, placed=False)


def test_someone_who_gave_up_their_place_cannot_take_it_back(world):
    first, second, third = world.applicants
    decide(world, [first], "accepted")
    decide(world, [second], "waitlisted")
    first.refresh_from_db()
    place_give_up(enrollment=first, by=first.user)
    first.refresh_from_db()

    with pytest.raises(RoundError, match="passed on"):
        enrollment_return(enrollment=first, placed=False)

    first.refresh_from_db()
    assert first.status == Enrollment.Status.LEFT


def test_an_accepted_participant_who_left_mid_round_may_still_come_back(world):
    first = world.applicants[0]
    decide(world, [first], "accepted")
    first.refresh_from_db()

    with time_machine.travel(world.round.starts_on + timedelta(days=1)):
        enrollment_leave(enrollment=first)
        enrollment_return(enrollment=first, placed=False)

    first.refresh_from_db()
    assert first.status == Enrollment.Status.ACCEPTED


def test_the_leave_page_says_why_instead_of_offering_a_way_back_that_would_be_refused(
    client, world
):
    first = world.applicants[0]
    decide(world, [first], "waitlisted")
    first.refresh_from_db()
    enrollment_leave(enrollment=first)
    client.force_login(first.user)

    page = client.get(reverse("cohorts:leave", args=[world.round.slug])).content.decode()

    assert "never given a place" in page
    assert 'value="return"' not in page
