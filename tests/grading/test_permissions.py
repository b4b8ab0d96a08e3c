"""Who may open which grading page: every view against the whole matrix of people."""

from datetime import timedelta

import pytest
from django.urls import reverse

from apps.submissions.models import Feedback, Submission
from tests.factories import CohortFactory, FacilitatorEnrollmentFactory, UserFactory
from tests.grading import build_course, login, place, submitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    course = build_course()
    participant = place(course)
    submission = submitted(participant, course.exercise)
    other_cohort = CohortFactory(round=course.round)
    other_facilitator = FacilitatorEnrollmentFactory(round=course.round, status="active")
    other_cohort.facilitators.add(other_facilitator)
    return {
        "course": course,
        "submission": submission,
        "participant": participant.user,
        "facilitator": course.facilitator.user,
        "other_facilitator": other_facilitator.user,
        "other_cohort": other_cohort,
    }


def urls(world):
    return {
        "home": reverse("grading:home"),
        "queue": reverse("grading:queue", args=[world["course"].cohort.pk]),
        "grade": reverse("grading:grade", args=[world["submission"].pk]),
    }


@pytest.mark.parametrize("page", ["home", "queue", "grade"])
def test_anonymous_visitors_are_sent_to_log_in(client, world, page):
    response = client.get(urls(world)[page])
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_anonymous_visitors_cannot_grade(client, world):
    response = client.post(urls(world)["grade"], {"decision": "accepted"})
    assert response.status_code == 302
    assert not Feedback.objects.exists()


@pytest.mark.parametrize("page", ["home", "queue", "grade"])
def test_participant_gets_404_on_every_grading_page_even_for_their_own_work(client, world, page):
    login(client, world["participant"])
    assert client.get(urls(world)[page]).status_code == 404


def test_participant_cannot_grade_their_own_work(client, world):
    login(client, world["participant"])
    response = client.post(
        urls(world)["grade"], {"decision": "accepted", "version": world["submission"].version}
    )
    assert response.status_code == 404
    assert not Feedback.objects.exists()


def test_someone_with_no_enrollment_gets_404_on_the_grading_home(client, world):
    login(client, UserFactory())
    assert client.get(urls(world)["home"]).status_code == 404


@pytest.mark.parametrize("page", ["queue", "grade"])
def test_facilitator_of_other_cohort_gets_404(client, world, page):
    login(client, world["other_facilitator"])
    assert client.get(urls(world)[page]).status_code == 404


def test_facilitator_of_other_cohort_cannot_grade(client, world):
    login(client, world["other_facilitator"])
    response = client.post(
        urls(world)["grade"], {"decision": "accepted", "version": world["submission"].version}
    )
    assert response.status_code == 404
    assert not Feedback.objects.exists()


def test_facilitator_of_other_cohort_sees_only_their_own_cohort_on_the_home_page(client, world):
    login(client, world["other_facilitator"])
    response = client.get(urls(world)["home"])
    assert response.status_code == 200
    assert world["course"].cohort.name not in response.content.decode()


@pytest.mark.parametrize("page", ["home", "queue", "grade"])
def test_facilitator_of_the_cohort_can_open_every_page(client, world, page):
    login(client, world["facilitator"])
    assert client.get(urls(world)[page]).status_code == 200


@pytest.mark.parametrize("page", ["home", "queue", "grade"])
def test_staff_can_open_every_page(staff_client, world, page):
    assert staff_client.get(urls(world)[page]).status_code == 200


@pytest.mark.parametrize("page", ["queue", "grade"])
def test_facilitator_who_dropped_out_gets_404(client, world, page):
    world["course"].facilitator.status = "dropped"
    world["course"].facilitator.save()
    login(client, world["facilitator"])
    assert client.get(urls(world)[page]).status_code == 404


def test_participant_enrollment_in_the_facilitators_list_does_not_make_a_grader(client, world):
    """Only facilitator enrollments grant grading, even if a participant is listed by mistake."""
    world["course"].cohort.facilitators.add(world["participant"].enrollments.get())
    login(client, world["participant"])
    assert client.get(urls(world)["queue"]).status_code == 404


def test_a_draft_that_was_never_submitted_is_not_on_the_grading_page(client, world):
    draft = Submission.objects.create(
        enrollment=place(world["course"]), exercise=world["course"].exercise
    )
    login(client, world["facilitator"])
    assert client.get(reverse("grading:grade", args=[draft.pk])).status_code == 404


def test_a_submission_that_does_not_exist_is_404(client, world):
    login(client, world["facilitator"])
    missing = world["submission"].pk + 1000
    assert client.get(reverse("grading:grade", args=[missing])).status_code == 404
    assert client.get(reverse("grading:queue", args=[missing])).status_code == 404


def test_a_facilitator_of_another_round_cannot_reach_this_round_by_number(client, world):
    elsewhere = build_course()
    login(client, elsewhere.facilitator.user)
    assert client.get(urls(world)["queue"]).status_code == 404
    assert client.get(urls(world)["grade"]).status_code == 404


def save_and_next(client, world):
    """Accept the world's submission with "Save and next"; the response is the redirect."""
    course, submission = world["course"], world["submission"]
    data = {"decision": "accepted", "then": "next", "version": submission.version}
    for index, criterion in enumerate(course.criteria):
        data[f"criterion-{criterion.pk}"] = course.level(index, 1).pk
    return client.post(urls(world)["grade"], data)


def later_work(world, **place_in) -> Submission:
    return submitted(
        place(world["course"], **place_in),
        world["course"].exercise,
        at=world["submission"].submitted_at + timedelta(hours=1),
    )


def test_save_and_next_never_opens_another_cohorts_work(client, world):
    later_work(world, cohort=world["other_cohort"])
    login(client, world["facilitator"])

    response = save_and_next(client, world)

    assert response.url == urls(world)["queue"]
    assert Feedback.objects.count() == 1


def test_save_and_next_stays_in_the_cohort_even_for_a_facilitator_of_both(client, world):
    world["other_cohort"].facilitators.add(world["course"].facilitator)
    later_work(world, cohort=world["other_cohort"])
    mine = submitted(
        place(world["course"]),
        world["course"].exercise,
        at=world["submission"].submitted_at + timedelta(hours=2),
    )
    login(client, world["facilitator"])

    response = save_and_next(client, world)

    assert response.url == reverse("grading:grade", args=[mine.pk])


def test_save_and_next_skips_people_who_left_and_the_graders_own_work(staff_client, staff, world):
    gone = later_work(world)
    gone.enrollment.status = "dropped"
    gone.enrollment.save()
    own = later_work(world)
    own.enrollment.user = staff
    own.enrollment.save()

    response = save_and_next(staff_client, world)

    assert response.url == urls(world)["queue"]


def test_grading_pages_refuse_other_methods(client, world):
    login(client, world["facilitator"])
    assert client.post(urls(world)["home"]).status_code == 405
    assert client.post(urls(world)["queue"]).status_code == 405
