"""Reviewing, deciding and the waiting list, through the services."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from apps.admissions.models import Decision, Offer, Review, Vacancy
from apps.admissions.services import (
    AdmissionsError,
    decisions_make,
    offer_confirm,
    offer_decline,
    place_give_up,
    review_submit,
    reviewers_assign,
    waitlist_advance,
)
from apps.cohorts.models import Placement
from apps.reminders.models import Reminder
from apps.rounds.models import Enrollment
from apps.rounds.services import enrollment_leave
from tests.admissions.world import applicant
from tests.factories import CohortFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def score(world, review, motivation, fit):
    return review_submit(
        review=review,
        levels={
            world.criteria[0].pk: world.level(0, motivation).pk,
            world.criteria[1].pk: world.level(1, fit).pk,
        },
    )


def decide(world, people, outcome):
    return decisions_make(
        round=world.round, enrollment_ids=[p.pk for p in people], outcome=outcome, by=world.staff
    )


def test_each_application_gets_two_reviewers_spread_evenly_and_a_rerun_adds_nothing(world):
    for n in range(4, 8):
        applicant(world, f"Applicant {n}")

    made = reviewers_assign(round=world.round)

    assert made == 14
    assert reviewers_assign(round=world.round) == 0
    loads = {
        r: Review.objects.filter(reviewer_id=r).count() for r in {world.lead.pk, world.staff.pk}
    }
    assert loads == {world.lead.pk: 7, world.staff.pk: 7}


def test_applications_are_spread_over_more_reviewers_than_are_needed(world):
    extra = UserFactory(is_staff=True)
    world.settings.reviewers_per_application = 1
    world.settings.save()

    reviewers_assign(round=world.round)

    reviewers = sorted(Review.objects.values_list("reviewer", flat=True))
    assert reviewers == sorted([world.lead.pk, world.staff.pk, extra.pk])


def test_a_score_needs_a_level_for_every_criterion_and_is_the_sum_of_points(world):
    reviewers_assign(round=world.round)
    review = Review.objects.filter(reviewer=world.lead).first()

    with pytest.raises(AdmissionsError, match="Choose a level for “Fit”"):
        review_submit(review=review, levels={world.criteria[0].pk: world.level(0, 3).pk})
    score(world, review, 3, 2)

    review.refresh_from_db()
    assert review.points == 5 and review.is_submitted


def test_a_level_of_another_criterion_is_refused(world):
    reviewers_assign(round=world.round)
    review = Review.objects.filter(reviewer=world.lead).first()

    with pytest.raises(AdmissionsError, match="Choose a level for “Motivation”"):
        review_submit(
            review=review,
            levels={world.criteria[0].pk: world.level(1, 3).pk, world.criteria[1].pk: 0},
        )


def test_bulk_decisions_move_only_open_applications_and_tell_each_person_once(world):
    first, second, third = world.applicants

    accepted = decide(world, [first], "accepted")
    waitlisted = decide(world, [third, second, first], "waitlisted")
    declined = decide(world, [first, second], "declined")

    assert (accepted.changed, accepted.skipped) == (1, 0)
    assert (waitlisted.changed, waitlisted.skipped) == (2, 1)
    assert (declined.changed, declined.skipped) == (1, 1)
    statuses = dict(Enrollment.objects.filter(round=world.round).values_list("pk", "status"))
    assert statuses[first.pk] == "accepted"
    assert statuses[second.pk] == "declined"
    assert statuses[third.pk] == "waitlisted"
    assert Decision.objects.get(enrollment=third).waitlist_position == 1
    kinds = sorted(Reminder.objects.values_list("kind", flat=True))
    assert kinds == [
        "admission_accepted",
        "admission_declined",
        "admission_waitlisted",
        "admission_waitlisted",
    ]


def test_new_people_join_the_waiting_list_after_those_already_on_it(world):
    first, second, third = world.applicants
    decide(world, [second], "waitlisted")

    decide(world, [third, first], "waitlisted")

    positions = dict(Decision.objects.values_list("enrollment_id", "waitlist_position"))
    assert positions == {second.pk: 1, third.pk: 2, first.pk: 3}


def test_someone_waitlisted_without_a_position_does_not_make_positions_repeat(world):
    first, second, third = world.applicants
    decide(world, [second], "waitlisted")
    # Put on the list by hand (an admin's change), with no decision giving a position.
    first.status = Enrollment.Status.WAITLISTED
    first.save()

    decide(world, [third], "waitlisted")

    positions = dict(Decision.objects.values_list("enrollment_id", "waitlist_position"))
    assert positions == {second.pk: 1, third.pk: 2}


def waitlist(world):
    first, second, third = world.applicants
    decide(world, [first], "accepted")
    decide(world, [second, third], "waitlisted")
    return first, second, third


def test_giving_up_a_place_offers_it_to_the_first_person_waiting_at_once(world):
    first, second, third = waitlist(world)

    place_give_up(enrollment=first, by=first.user)

    offer = Offer.objects.get()
    assert offer.enrollment == second and offer.is_open
    assert offer.expires_at - offer.offered_at == timedelta(hours=72)
    second.refresh_from_db()
    assert second.status == Enrollment.Status.OFFERED
    assert Reminder.objects.filter(kind="place_offered", user=second.user).count() == 1


def test_someone_leaving_elsewhere_frees_a_place_on_the_next_tick_and_ticks_repeat_safely(
    world,
):
    first, second, third = waitlist(world)
    enrollment_leave(enrollment=first)

    results = [waitlist_advance(), waitlist_advance()]

    assert results[0]["offered"] == 1 and results[1] == {"freed": 0, "lapsed": 0, "offered": 0}
    assert Vacancy.objects.count() == 1
    assert list(Offer.objects.values_list("enrollment", flat=True)) == [second.pk]


def test_an_offer_not_confirmed_in_time_passes_to_the_next_person(world):
    world.settings.offer_hours = 24
    world.settings.save()
    first, second, third = waitlist(world)
    place_give_up(enrollment=first, by=first.user)

    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        result = waitlist_advance()

    assert result["lapsed"] == 1 and result["offered"] == 1
    assert Offer.objects.get(enrollment=second).status == Offer.Status.LAPSED
    assert Offer.objects.get(enrollment=third).is_open
    second.refresh_from_db()
    assert second.status == Enrollment.Status.DECLINED


def test_turning_an_offer_down_passes_it_on_at_once(world):
    first, second, third = waitlist(world)
    place_give_up(enrollment=first, by=first.user)

    offer_decline(offer=Offer.objects.get(enrollment=second))

    assert Offer.objects.get(enrollment=third).is_open


def test_a_confirmed_offer_before_cohorts_waits_for_grouping(world):
    first, second, third = waitlist(world)
    place_give_up(enrollment=first, by=first.user)

    placed = offer_confirm(offer=Offer.objects.get(enrollment=second), by=second.user)

    second.refresh_from_db()
    assert placed is None and second.status == Enrollment.Status.ACCEPTED
    assert Vacancy.objects.get().filled_at is not None
    with pytest.raises(AdmissionsError, match="already answered"):
        offer_confirm(offer=Offer.objects.get(enrollment=second), by=second.user)


def test_a_confirmed_offer_after_publication_is_placed_late_in_a_cohort_with_room(world):
    first, second, third = waitlist(world)
    cohort = CohortFactory(round=world.round, name="Tuesday owls")
    Placement.objects.create(enrollment=first, cohort=cohort)
    place_give_up(enrollment=first, by=first.user)
    # Their times cover the cohort's meeting (Tuesdays 19:00 London, 18:00 UTC in March).
    second.availability.create(start=1 * 1440 + 17 * 60, end=1 * 1440 + 21 * 60)

    placed = offer_confirm(offer=Offer.objects.get(enrollment=second), by=second.user)

    assert placed.cohort == cohort
    second.refresh_from_db()
    assert second.status == Enrollment.Status.ACTIVE


def test_an_expired_offer_cannot_be_confirmed(world):
    first, second, third = waitlist(world)
    place_give_up(enrollment=first, by=first.user)
    offer = Offer.objects.get(enrollment=second)

    with pytest.raises(AdmissionsError, match="expired"):
        offer_confirm(offer=offer, by=second.user, now=offer.expires_at + timedelta(seconds=1))


def test_no_place_moves_once_the_round_has_started(world):
    first, second, third = waitlist(world)
    enrollment_leave(enrollment=first)

    with time_machine.travel(world.round.starts_on + timedelta(days=1)):
        result = waitlist_advance()

    assert result == {"freed": 0, "lapsed": 0, "offered": 0}
    assert not Offer.objects.exists()


def test_an_offer_to_someone_who_left_meanwhile_passes_on_at_the_next_tick(world):
    first, second, third = waitlist(world)
    place_give_up(enrollment=first, by=first.user)
    second.refresh_from_db()
    enrollment_leave(enrollment=second)

    waitlist_advance()

    assert Offer.objects.get(enrollment=second).status == Offer.Status.LAPSED
    assert Offer.objects.get(enrollment=third).is_open


def test_someone_who_left_while_offered_cannot_confirm_and_the_place_stays_open(world):
    first, second, third = waitlist(world)
    place_give_up(enrollment=first, by=first.user)
    second.refresh_from_db()
    enrollment_leave(enrollment=second)

    with pytest.raises(AdmissionsError, match="no longer waiting"):
        offer_confirm(offer=Offer.objects.get(enrollment=second), by=second.user)

    second.refresh_from_db()
    assert second.status == Enrollment.Status.LEFT
    assert Offer.objects.get(enrollment=second).is_open
    assert Vacancy.objects.get().filled_at is None
