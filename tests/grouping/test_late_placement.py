"""Accepting an applicant after cohorts are published: proposals, reasons, one-click placing."""

import pytest
import time_machine
from django.urls import reverse

from apps.admissions.models import Decision
from apps.cohorts.models import Change, Cohort, Placement
from apps.cohorts.services import CohortError, participant_place_late
from apps.grouping.selectors import late_applicants
from apps.grouping.services import GroupingError, grouping_run_execute, grouping_run_start
from apps.reminders.models import Reminder
from apps.rounds.models import Enrollment
from tests.cohorts.test_services import BEFORE_ROUND, available, published_cohort, scheduled_round
from tests.factories import PASSWORD, EnrollmentFactory, FacilitatorEnrollmentFactory, UserFactory

pytestmark = pytest.mark.django_db

TUESDAY = (1 * 1440 + 18 * 60, 1 * 1440 + 22 * 60)
THURSDAY = (3 * 1440 + 18 * 60, 3 * 1440 + 22 * 60)


def log_in(client, user):
    client.login(email=user.email, password=PASSWORD)
    return client


@pytest.fixture
def round_with_cohorts():
    with time_machine.travel(BEFORE_ROUND, tick=False):
        round = scheduled_round(cohort_max_size=3, cohort_target_size=3, cohort_min_size=1)
        tuesday = published_cohort(round=round, members=2, name="Tuesday owls")
        full = published_cohort(
            round=round, members=3, name="Thursday larks", weekday=3, slot_start=3 * 1440 + 1140
        )
    return round, tuesday, full


def applicant(round, *intervals, status=Enrollment.Status.APPLIED):
    person = EnrollmentFactory(round=round, status=status)
    available(person, *intervals)
    return person


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_cohorts_with_room_that_fit_are_proposed_and_otherwise_the_reason_given(
    round_with_cohorts,
):
    round, tuesday, full = round_with_cohorts
    fits = applicant(round, TUESDAY)
    only_full = applicant(round, THURSDAY)
    nowhere = applicant(round, (0, 60))
    silent = applicant(round)

    found = {a.enrollment.pk: a for a in late_applicants(round=round)}

    assert [p.cohort for p in found[fits.pk].proposals] == [tuesday]
    assert "full: Thursday larks (3 of 3)" in found[only_full.pk].why_none
    assert found[nowhere.pk].why_none == "No published cohort meets at a time they gave."
    assert found[silent.pk].why_none == "They gave no times they can meet."


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_an_admin_accepts_and_places_an_applicant_in_one_click(client, round_with_cohorts):
    round, tuesday, _ = round_with_cohorts
    person = applicant(round, TUESDAY)
    admin = UserFactory(is_staff=True)

    response = log_in(client, admin).post(
        reverse("grouping:late", args=[round.slug]),
        {"enrollment": person.pk, "cohort": tuesday.pk},
    )

    assert response.status_code == 302
    person.refresh_from_db()
    assert person.status == Enrollment.Status.ACTIVE
    assert Placement.objects.get(enrollment=person).cohort == tuesday
    assert Change.objects.get().kind == Change.Kind.LATE
    assert Reminder.objects.get(kind="cohort_change").user == tuesday.facilitators.get().user
    assert Reminder.objects.get(kind="cohort_placed").user == person.user


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_a_late_placement_never_overfills_a_cohort(round_with_cohorts):
    round, _, full = round_with_cohorts
    person = applicant(round, THURSDAY, status=Enrollment.Status.ACCEPTED)
    with pytest.raises(CohortError, match="full"):
        participant_place_late(enrollment=person, cohort=full, by=UserFactory())


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_a_lead_facilitator_handles_late_applicants_of_their_round_only(client, round_with_cohorts):
    round, tuesday, _ = round_with_cohorts
    url = reverse("grouping:late", args=[round.slug])
    lead = FacilitatorEnrollmentFactory(round=round, is_lead=True, status="active").user
    lead_elsewhere = FacilitatorEnrollmentFactory(is_lead=True, status="active").user
    facilitator = tuesday.facilitators.get().user

    for user, status in [(lead, 200), (lead_elsewhere, 404), (facilitator, 404)]:
        assert log_in(client, user).get(url).status_code == status
    person = applicant(round, TUESDAY)
    log_in(client, lead_elsewhere).post(url, {"enrollment": person.pk, "cohort": tuesday.pk})
    assert not Placement.objects.filter(enrollment=person).exists()


@pytest.mark.parametrize("applicants", [1, 10])
@time_machine.travel(BEFORE_ROUND, tick=False)
def test_the_late_page_costs_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, round_with_cohorts, applicants
):
    round, _, _ = round_with_cohorts
    for _ in range(applicants):
        applicant(round, TUESDAY)
    log_in(client, UserFactory(is_staff=True))
    # Session, user, navigation (2), round, cohorts, visitors, people, availability.
    with django_assert_max_num_queries(9):
        assert client.get(reverse("grouping:late", args=[round.slug])).status_code == 200


# Many at once, through the solver ------------------------------------------------------


def test_a_run_places_accepted_people_in_published_cohorts_with_room_and_opens_none(
    round_with_cohorts,
):
    round, tuesday, full = round_with_cohorts
    with time_machine.travel(BEFORE_ROUND, tick=False):
        for cohort in (tuesday, full):
            lead = cohort.facilitators.get()
            available(lead, TUESDAY, THURSDAY)
            for member in cohort.placements.all():
                available(member.enrollment, TUESDAY, THURSDAY)
        fits = applicant(round, TUESDAY, status=Enrollment.Status.ACCEPTED)
        only_full = applicant(round, THURSDAY, status=Enrollment.Status.ACCEPTED)
        admin = UserFactory(is_staff=True)
        run = grouping_run_start(round=round, by=admin, fill_published=True)
        run = grouping_run_execute(run_id=run.pk)

    assert run.status == "done", run.message
    assert Placement.objects.get(enrollment=fits).cohort == tuesday
    assert not Placement.objects.filter(enrollment=only_full).exists()
    assert [item["id"] for item in run.unplaced] == [only_full.pk]
    assert Cohort.objects.filter(round=round).count() == 2
    assert Change.objects.get().enrollment == fits


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_filling_needs_published_cohorts():
    round = scheduled_round()
    EnrollmentFactory(round=round, status=Enrollment.Status.ACCEPTED)
    with pytest.raises(GroupingError, match="no published cohorts"):
        grouping_run_start(round=round, by=None, fill_published=True)


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_accepting_late_is_recorded_and_told_as_an_admissions_decision(
    client, round_with_cohorts, django_capture_on_commit_callbacks
):
    round, tuesday, _ = round_with_cohorts
    person = applicant(round, TUESDAY, status=Enrollment.Status.WAITLISTED)
    admin = UserFactory(is_staff=True)

    with django_capture_on_commit_callbacks(execute=True):
        log_in(client, admin).post(
            reverse("grouping:late", args=[round.slug]),
            {"enrollment": person.pk, "cohort": tuesday.pk},
        )

    decision = Decision.objects.get(enrollment=person)
    assert (decision.outcome, decision.decided_by) == (Decision.Outcome.ACCEPTED, admin)
    assert Reminder.objects.get(kind="admission_accepted").user == person.user
    assert Placement.objects.get(enrollment=person).cohort == tuesday


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_someone_offered_a_place_answers_their_offer_rather_than_being_placed_late(
    round_with_cohorts,
):
    round, _, _ = round_with_cohorts
    offered = applicant(round, TUESDAY, status=Enrollment.Status.OFFERED)

    assert offered.pk not in [a.enrollment.pk for a in late_applicants(round=round)]


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_a_late_placement_needs_an_accepted_participant(round_with_cohorts):
    round, tuesday, _ = round_with_cohorts
    person = applicant(round, TUESDAY)

    with pytest.raises(CohortError, match="only someone accepted"):
        participant_place_late(enrollment=person, cohort=tuesday, by=UserFactory())

    person.refresh_from_db()
    assert person.status == Enrollment.Status.APPLIED
    assert not Placement.objects.filter(enrollment=person).exists()
