"""Each grading page costs the same number of queries however large the cohort."""

from datetime import timedelta

import pytest
from django.urls import reverse

from apps.submissions.models import CriterionScore, Feedback
from tests.factories import CohortFactory, ExerciseFactory, UnitFactory
from tests.grading import SUBMITTED_AT, build_course, login, place, submitted

pytestmark = pytest.mark.django_db

# Session and user (2), then the page's own reads.
HOME_QUERIES = 7  # navigation (2), is a grader, count, cohorts with their waiting work
QUEUE_QUERIES = 9  # navigation (2), cohort, exercises, counts, page, oldest waiting (if not on it)
GRADE_QUERIES = 11  # nav (2), submission, rubric (2), revision, feedback with scores (2), prompts
# Session and user (2); submission, rubric (3); the decision (13: savepoint and release, the
# locked row, exercise, rubric, criteria, the version bump and re-read, criteria and levels for
# the maximum, revision, feedback, scores); the next submission of the queue (1).
SAVE_AND_NEXT_QUERIES = 2 + 3 + 13 + 1

SIZES = [8, 200]


def crowded(size: int):
    """A cohort of `size` participants with work in every status, beside other cohorts."""
    course = build_course()
    second = ExerciseFactory(
        unit=UnitFactory(course=course.round.course, number=2), rubric=course.exercise.rubric
    )
    statuses = ["submitted", "submitted", "returned", "accepted"]
    for n in range(size):
        participant = place(course)
        at = SUBMITTED_AT + timedelta(minutes=n)
        submitted(participant, course.exercise, at=at, status=statuses[n % 4], late=n % 3 == 0)
        submitted(participant, second, at=at, revisions=2)
    for _ in range(3):
        other = CohortFactory(round=course.round)
        other.facilitators.add(course.facilitator)
        submitted(place(course, cohort=other), course.exercise)
    build_course(participants=2)  # another round altogether
    return course


@pytest.mark.parametrize("size", SIZES)
def test_grading_home_query_count_is_fixed(client, django_assert_max_num_queries, size):
    course = crowded(size)
    login(client, course.facilitator.user)

    with django_assert_max_num_queries(HOME_QUERIES):
        response = client.get(reverse("grading:home"))

    assert response.status_code == 200
    assert response.content.decode().count("grading/cohorts/") == 4


@pytest.mark.parametrize("size", SIZES)
def test_grading_home_query_count_is_fixed_for_staff(
    staff_client, django_assert_max_num_queries, size
):
    crowded(size)

    with django_assert_max_num_queries(HOME_QUERIES - 1):  # staff need no grader check
        response = staff_client.get(reverse("grading:home"))

    assert response.status_code == 200


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("query", ["", "status=all", "status=accepted&page=2"])
def test_queue_query_count_is_fixed(client, django_assert_max_num_queries, size, query):
    course = crowded(size)
    login(client, course.facilitator.user)
    url = reverse("grading:queue", args=[course.cohort.pk])

    with django_assert_max_num_queries(QUEUE_QUERIES):
        response = client.get(f"{url}?{query}")

    assert response.status_code == 200


@pytest.mark.parametrize("size", SIZES)
def test_grading_page_query_count_is_fixed(client, django_assert_max_num_queries, size):
    course = crowded(size)
    work = submitted(place(course), course.exercise, revisions=size // 8)
    for revision in work.revisions.all():
        feedback = Feedback.objects.create(
            submission=work, revision=revision, grader=course.facilitator.user,
            decision="returned", comment="Again.", points=1, max_points=6,
        )  # fmt: skip
        CriterionScore.objects.create(
            feedback=feedback, criterion=course.criteria[0], level=course.level(0, 2)
        )
    login(client, course.facilitator.user)

    with django_assert_max_num_queries(GRADE_QUERIES):
        response = client.get(reverse("grading:grade", args=[work.pk]))

    assert response.status_code == 200
    assert response.content.decode().count('class="card feedback"') == size // 8


@pytest.mark.parametrize("size", SIZES)
def test_the_default_queue_finds_the_oldest_waiting_work_on_its_own_page(
    client, django_assert_max_num_queries, size
):
    course = crowded(size)
    login(client, course.facilitator.user)

    with django_assert_max_num_queries(QUEUE_QUERIES - 1):
        response = client.get(reverse("grading:queue", args=[course.cohort.pk]))

    assert response.status_code == 200


@pytest.mark.parametrize("size", SIZES)
def test_save_and_next_query_count_is_fixed(client, django_assert_max_num_queries, size):
    course = crowded(size)
    work = submitted(place(course), course.exercise, at=SUBMITTED_AT - timedelta(days=1))
    login(client, course.facilitator.user)
    data = {"decision": "accepted", "then": "next", "version": work.version}
    for index, criterion in enumerate(course.criteria):
        data[f"criterion-{criterion.pk}"] = course.level(index, 1).pk

    with django_assert_max_num_queries(SAVE_AND_NEXT_QUERIES):
        response = client.post(f"{reverse('grading:grade', args=[work.pk])}?status=submitted", data)

    assert response.status_code == 302
    assert response.url.startswith("/grading/submissions/")
