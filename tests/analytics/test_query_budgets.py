"""A round's analytics cost the same number of queries however big the round is."""

import pytest
from django.urls import reverse

from apps.analytics.exports import TABLES
from tests.analytics.conftest import build_world, log_in

pytestmark = pytest.mark.django_db

# The session and the user (2), the navigation bar (2), the round (1), the schedule (1),
# participants taking part (1), the funnel (1), resources (3), sessions (4), cohorts (6).
PAGE_QUERIES = 21

# Signing in and the round (3), then each table's own: the schedule and the funnel (2); the
# schedule, participants taking part, resources (3) and sessions (4); the schedule,
# participants taking part and resources (3); the cohorts (6); the notes (2).
FILE_QUERIES = {
    "funnel": 3 + 2,
    "sessions": 3 + 9,
    "resources": 3 + 5,
    "cohorts": 3 + 6,
    "facilitators": 3 + 6,
    "notes": 3 + 2,
}

SIZES = [{"cohorts": 0, "size": 0}, {"cohorts": 5, "size": 6}]


@pytest.mark.parametrize("size", SIZES, ids=["two cohorts", "seven cohorts"])
def test_the_page_costs_the_same_at_any_size(client, django_assert_max_num_queries, size):
    world = build_world(**size)
    log_in(client, world.lead)

    with django_assert_max_num_queries(PAGE_QUERIES):
        response = client.get(reverse("analytics:round", args=[world.round.slug]))

    assert response.content.decode().count('<th scope="row">Extra ') == size["cohorts"]


@pytest.mark.parametrize("size", SIZES, ids=["two cohorts", "seven cohorts"])
@pytest.mark.parametrize("table", list(TABLES))
def test_each_file_costs_the_same_at_any_size(client, django_assert_max_num_queries, size, table):
    world = build_world(**size)
    log_in(client, world.lead)

    with django_assert_max_num_queries(FILE_QUERIES[table]):
        response = client.get(reverse("analytics:csv", args=[world.round.slug, table]))
        b"".join(response.streaming_content)
