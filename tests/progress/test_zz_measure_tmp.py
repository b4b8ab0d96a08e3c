import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import CohortFactory
from tests.progress.conftest import build_course, populate
from tests.progress.test_query_budgets import lead_of
from tests.progress.conftest import log_in


@pytest.mark.django_db
@pytest.mark.parametrize("size", [8, 200])
def test_measure_cohort(client, size):
    course = build_course()
    cohort = CohortFactory(round=course.round)
    populate(cohort, course, size=size)
    log_in(client, lead_of(cohort))
    for name in ["progress:cohort", "progress:cohort_csv"]:
        with CaptureQueriesContext(connection) as ctx:
            client.get(reverse(name, args=[cohort.pk]))
        print("\nMEASURE", name, size, len(ctx.captured_queries))


@pytest.mark.django_db
@pytest.mark.parametrize("cohorts", [3, 30])
def test_measure_round(staff_client, cohorts):
    course = build_course()
    for n in range(cohorts):
        populate(CohortFactory(round=course.round), course, size=6, start=n * 6)
    with CaptureQueriesContext(connection) as ctx:
        staff_client.get(reverse("progress:round", args=[course.round.slug]))
    print("\nMEASURE round", cohorts, len(ctx.captured_queries))
    with CaptureQueriesContext(connection) as ctx:
        r = staff_client.get(reverse("progress:round_csv", args=[course.round.slug]))
        b"".join(r.streaming_content)
    print("\nMEASURE round_csv", cohorts, len(ctx.captured_queries))
