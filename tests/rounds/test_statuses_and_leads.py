"""Enrollment status groups and the per-round lead facilitator."""

import pytest
from django.db import IntegrityError

from apps.rounds.models import Enrollment
from apps.rounds.selectors import can_lead, rounds_led_by
from tests.factories import (
    EnrollmentFactory,
    FacilitatorEnrollmentFactory,
    RoundFactory,
    UserFactory,
)

Status = Enrollment.Status


def test_every_status_belongs_to_exactly_one_stage():
    stages = [Enrollment.AWAITING_DECISION, Enrollment.TAKING_PART, Enrollment.GONE]
    for status in Status:
        assert sum(status in stage for stage in stages) == 1, status


def test_eligible_people_are_taking_part_and_not_yet_completed():
    assert Enrollment.ELIGIBLE < Enrollment.TAKING_PART
    assert Status.COMPLETED in Enrollment.TAKING_PART - Enrollment.ELIGIBLE


@pytest.mark.parametrize("status", [Status.LEFT, Status.DEFERRED, Status.DROPPED, Status.DECLINED])
@pytest.mark.django_db
def test_people_who_left_or_deferred_no_longer_count(status):
    enrollment = EnrollmentFactory(status=status)

    assert enrollment.is_gone and not enrollment.is_taking_part
    assert not Enrollment.objects.current().exists()
    assert not Enrollment.objects.taking_part().exists()


@pytest.mark.django_db
def test_only_a_facilitator_can_be_a_lead():
    with pytest.raises(IntegrityError):
        EnrollmentFactory(is_lead=True)


@pytest.mark.django_db
def test_a_lead_facilitator_leads_their_own_round_only():
    mine, other = RoundFactory(), RoundFactory()
    lead = FacilitatorEnrollmentFactory(round=mine, is_lead=True).user
    FacilitatorEnrollmentFactory(round=other, user=lead)

    assert list(rounds_led_by(lead)) == [mine]
    assert can_lead(lead, mine) and not can_lead(lead, other)


@pytest.mark.django_db
def test_plain_facilitators_participants_and_former_leads_lead_nothing():
    round = RoundFactory()
    facilitator = FacilitatorEnrollmentFactory(round=round).user
    participant = EnrollmentFactory(round=round).user
    former = FacilitatorEnrollmentFactory(round=round, is_lead=True, status=Status.DROPPED).user

    for person in (facilitator, participant, former):
        assert not can_lead(person, round)


@pytest.mark.django_db
def test_staff_lead_every_round():
    staff = UserFactory(is_staff=True)
    rounds = RoundFactory.create_batch(2)

    assert set(rounds_led_by(staff)) == set(rounds)
    assert all(can_lead(staff, round) for round in rounds)
