from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from apps.rounds.models import Enrollment, RoundUnit
from apps.rounds.services import (
    AlreadyEnrolled,
    RoundError,
    availability_save,
    enrollment_apply,
    enrollments_accept,
    enrollments_decline,
    round_schedule_units,
)
from tests.factories import (
    EnrollmentFactory,
    FacilitatorEnrollmentFactory,
    RoundFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def apply(round, user, **kwargs):
    return enrollment_apply(
        round=round, user=user, motivation="  I want to help.  ", experience=1, **kwargs
    )


def test_applying_to_an_open_round_creates_an_application_as_a_participant():
    round, user = RoundFactory(), UserFactory()

    enrollment = apply(round, user)

    assert enrollment.status == Enrollment.Status.APPLIED
    assert enrollment.role == Enrollment.Role.PARTICIPANT
    assert enrollment.motivation == "I want to help."
    assert enrollment.experience == Enrollment.Experience.SOME


def test_applying_before_applications_open_is_refused_with_the_opening_date():
    opens = timezone.now() + timedelta(days=3)
    round = RoundFactory(applications_open_at=opens, applications_close_at=opens + timedelta(7))

    with pytest.raises(RoundError, match="open on"):
        apply(round, UserFactory())

    assert not Enrollment.objects.exists()


def test_applying_after_applications_close_is_refused():
    closed = timezone.now() - timedelta(minutes=1)
    round = RoundFactory(applications_open_at=closed - timedelta(7), applications_close_at=closed)

    with pytest.raises(RoundError, match="closed"):
        apply(round, UserFactory())

    assert not Enrollment.objects.exists()


def test_applying_twice_keeps_one_application():
    round, user = RoundFactory(), UserFactory()
    apply(round, user)

    with pytest.raises(AlreadyEnrolled, match="already applied"):
        apply(round, user)

    assert Enrollment.objects.filter(round=round, user=user).count() == 1


def test_a_second_application_that_races_the_first_is_refused_by_the_database(monkeypatch):
    round, user = RoundFactory(), UserFactory()
    apply(round, user)
    # Pretend the first application was not there yet when the check ran.
    monkeypatch.setattr(
        "apps.rounds.services.Enrollment.objects.filter",
        lambda **kwargs: Enrollment.objects.none(),
    )

    with pytest.raises(AlreadyEnrolled):
        apply(round, user)


def test_accepting_moves_only_applications_still_waiting():
    round = RoundFactory()
    waiting = EnrollmentFactory.create_batch(3, round=round, status=Enrollment.Status.APPLIED)
    declined = EnrollmentFactory(round=round, status=Enrollment.Status.DECLINED)
    active = EnrollmentFactory(round=round, status=Enrollment.Status.ACTIVE)

    change = enrollments_accept(enrollments=Enrollment.objects.filter(round=round))

    assert (change.changed, change.skipped) == (3, 2)
    for enrollment in waiting:
        enrollment.refresh_from_db()
        assert enrollment.status == Enrollment.Status.ACCEPTED
    declined.refresh_from_db()
    active.refresh_from_db()
    assert declined.status == Enrollment.Status.DECLINED
    assert active.status == Enrollment.Status.ACTIVE


def test_declining_moves_only_applications_still_waiting_and_records_when():
    before = timezone.now()
    waiting = EnrollmentFactory(status=Enrollment.Status.APPLIED)
    accepted = EnrollmentFactory(round=waiting.round, status=Enrollment.Status.ACCEPTED)

    change = enrollments_decline(enrollments=Enrollment.objects.all())

    assert (change.changed, change.skipped) == (1, 1)
    waiting.refresh_from_db()
    accepted.refresh_from_db()
    assert waiting.status == Enrollment.Status.DECLINED
    assert waiting.status_changed_at >= before
    assert accepted.status == Enrollment.Status.ACCEPTED


def test_accepting_twice_changes_nothing_the_second_time():
    EnrollmentFactory.create_batch(2, status=Enrollment.Status.APPLIED)
    enrollments_accept(enrollments=Enrollment.objects.all())

    change = enrollments_accept(enrollments=Enrollment.objects.all())

    assert (change.changed, change.skipped) == (0, 2)


def test_the_default_schedule_runs_one_session_a_week_from_the_start():
    round = RoundFactory(starts_on=date(2027, 3, 1))
    for number in (1, 2, 3):
        UnitFactory(course=round.course, number=number)

    entries = round_schedule_units(round=round)

    assert [e.unit.number for e in entries] == [1, 2, 3]
    assert [e.week_starts_on for e in entries] == [
        date(2027, 3, 1),
        date(2027, 3, 8),
        date(2027, 3, 15),
    ]
    assert entries[0].due_at == datetime(2027, 3, 8, tzinfo=UTC)


def test_filling_in_the_schedule_again_keeps_what_an_admin_changed():
    round = RoundFactory(starts_on=date(2027, 3, 1))
    first = UnitFactory(course=round.course, number=1)
    round_schedule_units(round=round)
    RoundUnit.objects.filter(unit=first).update(week_starts_on=date(2027, 3, 22))
    UnitFactory(course=round.course, number=2)

    entries = round_schedule_units(round=round)

    assert [e.week_starts_on for e in entries] == [date(2027, 3, 22), date(2027, 3, 8)]
    assert RoundUnit.objects.filter(round=round).count() == 2


def test_saving_availability_stores_utc_intervals_and_the_zone_it_was_entered_in():
    enrollment = EnrollmentFactory(round__starts_on=date(2027, 6, 7))

    intervals = availability_save(
        enrollment=enrollment, cells={(0, 18 * 60)}, time_zone="Europe/London"
    )

    assert intervals == [(17 * 60, 17 * 60 + 30)]
    assert list(enrollment.availability.values_list("start", "end")) == [(1020, 1050)]
    enrollment.refresh_from_db()
    assert enrollment.availability_time_zone == "Europe/London"
    assert enrollment.availability_updated_at is not None


def test_facilitators_say_how_many_cohorts_they_can_run():
    enrollment = FacilitatorEnrollmentFactory(max_cohorts=1)

    availability_save(enrollment=enrollment, cells=set(), time_zone="UTC", max_cohorts=3)

    enrollment.refresh_from_db()
    assert enrollment.max_cohorts == 3


@pytest.mark.parametrize("max_cohorts", [0, 6])
def test_facilitators_cannot_offer_an_unlikely_number_of_cohorts(max_cohorts):
    enrollment = FacilitatorEnrollmentFactory(max_cohorts=2)

    with pytest.raises(RoundError, match="between 1 and 5"):
        availability_save(
            enrollment=enrollment, cells=set(), time_zone="UTC", max_cohorts=max_cohorts
        )

    enrollment.refresh_from_db()
    assert enrollment.max_cohorts == 2


def test_participants_do_not_set_a_number_of_cohorts():
    with pytest.raises(RoundError, match="Only facilitators"):
        availability_save(
            enrollment=EnrollmentFactory(), cells=set(), time_zone="UTC", max_cohorts=2
        )


def test_availability_cannot_change_after_a_declined_application():
    enrollment = EnrollmentFactory(status=Enrollment.Status.DECLINED)

    with pytest.raises(RoundError, match="can no longer be changed"):
        availability_save(enrollment=enrollment, cells={(0, 0)}, time_zone="UTC")

    assert not enrollment.availability.exists()


@pytest.mark.parametrize("status", [Enrollment.Status.WAITLISTED, Enrollment.Status.OFFERED])
def test_people_waiting_for_a_place_can_still_say_when_they_can_meet(status):
    enrollment = EnrollmentFactory(status=status)

    availability_save(enrollment=enrollment, cells={(0, 36)}, time_zone="UTC")

    assert enrollment.availability.exists()


@pytest.mark.parametrize("status", [Enrollment.Status.LEFT, Enrollment.Status.DEFERRED])
def test_people_who_left_or_deferred_cannot_change_their_availability(status):
    with pytest.raises(RoundError, match="can no longer be changed"):
        availability_save(
            enrollment=EnrollmentFactory(status=status), cells={(0, 0)}, time_zone="UTC"
        )
