"""Each page and export reads the same few queries however big the cohort or round."""

import pytest
from django.urls import reverse

from apps.progress.selectors import round_export
from tests.factories import CohortFactory, FacilitatorEnrollmentFactory
from tests.progress.conftest import build_course, log_in, populate

pytestmark = pytest.mark.django_db

# Session and user (2), the cohort (1), the schedule (1), the grid's facts (5).
COHORT_EXPORT_QUERIES = 9
# The same, and the layout's navigation bar (2).
COHORT_PAGE_QUERIES = COHORT_EXPORT_QUERIES + 2
# Session and user (2), the navigation (2), the round (1), the schedule (1), and the
# cohorts, their people, meetings held, completions, handed-in work and attendance (6).
ROUND_PAGE_QUERIES = 12
# Session and user (2), the round (1), the schedule (1), the cohorts (1), then five
# queries for each batch of cohorts (one batch up to round_export.COHORTS_PER_BATCH).
ROUND_EXPORT_QUERIES = 2 + 1 + 1 + 1 + 5


@pytest.fixture
def course(db):
    return build_course()


def lead_of(cohort):
    lead = FacilitatorEnrollmentFactory(round=cohort.round)
    cohort.facilitators.add(lead)
    return lead.user


@pytest.mark.parametrize("size", [8, 200])
@pytest.mark.parametrize("name", ["progress:cohort", "progress:cohort_csv"])
def test_a_cohort_costs_the_same_queries_at_any_size(
    client, course, django_assert_max_num_queries, size, name
):
    cohort = CohortFactory(round=course.round)
    populate(cohort, course, size=size)
    log_in(client, lead_of(cohort))

    budget = COHORT_PAGE_QUERIES if name == "progress:cohort" else COHORT_EXPORT_QUERIES
    with django_assert_max_num_queries(budget):
        response = client.get(reverse(name, args=[cohort.pk]))

    assert response.status_code == 200
    assert response.content.decode().count("@example.com") >= size


@pytest.mark.parametrize("cohorts", [3, 30])
def test_a_round_costs_the_same_queries_at_any_size(
    staff_client, course, django_assert_max_num_queries, cohorts
):
    for number in range(cohorts):
        populate(CohortFactory(round=course.round), course, size=6, start=number * 6)

    with django_assert_max_num_queries(ROUND_PAGE_QUERIES):
        response = staff_client.get(reverse("progress:round", args=[course.round.slug]))

    assert response.status_code == 200
    assert response.content.decode().count('href="/progress/cohorts/') == cohorts


@pytest.mark.parametrize("cohorts", [3, 30])
def test_the_round_export_reads_a_batch_of_cohorts_at_a_time(
    staff_client, course, django_assert_max_num_queries, cohorts
):
    for number in range(cohorts):
        populate(CohortFactory(round=course.round), course, size=6, start=number * 6)

    with django_assert_max_num_queries(ROUND_EXPORT_QUERIES):
        response = staff_client.get(reverse("progress:round_csv", args=[course.round.slug]))
        lines = b"".join(response.streaming_content).decode().splitlines()

    assert len(lines) == 1 + cohorts * 6 * len(course.units)


def test_a_round_bigger_than_a_batch_costs_five_queries_more_per_batch(
    staff_client, course, django_assert_num_queries, monkeypatch
):
    monkeypatch.setattr(round_export, "COHORTS_PER_BATCH", 4)
    for number in range(10):
        populate(CohortFactory(round=course.round), course, size=3, start=number * 3)

    # Ten cohorts, four at a time: three batches.
    with django_assert_num_queries(ROUND_EXPORT_QUERIES + 5 * 2):
        response = staff_client.get(reverse("progress:round_csv", args=[course.round.slug]))
        lines = b"".join(response.streaming_content).decode().splitlines()

    assert len(lines) == 1 + 10 * 3 * len(course.units)
