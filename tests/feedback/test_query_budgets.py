"""The feedback pages, and the feedback part of the session page, cost the same at any size."""

import pytest
from django.urls import reverse

from apps.feedback.models import MeetingNote, ResourceRating, SessionRating
from tests.courses.test_views import SESSION_PAGE_QUERIES
from tests.factories import PlacementFactory, ResourceFactory
from tests.feedback.conftest import log_in

pytestmark = pytest.mark.django_db

# Every signed-in page: the session and the user (2), the navigation bar (1).
LAYOUT = 4


def grow(world, *, members: int, resources: int) -> None:
    """More members, all of whom rated the session and every resource, and more resources."""
    for n in range(resources):
        ResourceFactory(unit=world.unit, position=10 + n)
    people = [world.participant] + [
        PlacementFactory(cohort=world.mine.cohort, enrollment__status="active").enrollment
        for _ in range(members)
    ]
    for person in people:
        SessionRating.objects.create(enrollment=person, unit=world.unit, rating=4, comment="Ok")
        ResourceRating.objects.bulk_create(
            ResourceRating(enrollment=person, resource=r, worth_it=True, note="Fine")
            for r in world.unit.resources.all()
        )
    MeetingNote.objects.create(
        meeting=world.mine.meeting, author=world.mine.facilitator, text="Notes"
    )


SIZES = [{"members": 1, "resources": 1}, {"members": 12, "resources": 15}]


@pytest.mark.parametrize("size", SIZES, ids=["small", "large"])
def test_the_session_page_of_a_participant_costs_one_query_more(
    client, world, django_assert_max_num_queries, size
):
    grow(world, **size)
    log_in(client, world.participant)

    # Their own ratings of the session's resources.
    with django_assert_max_num_queries(SESSION_PAGE_QUERIES + 1):
        response = client.get(world.unit.get_absolute_url())

    assert response.content.decode().count('class="feedback-form resource-rating"') == (
        2 + size["resources"]
    )


@pytest.mark.parametrize("size", SIZES, ids=["small", "large"])
def test_the_session_page_of_a_facilitator_costs_one_query_more(
    client, world, django_assert_max_num_queries, size
):
    grow(world, **size)
    log_in(client, world.mine.facilitator)

    # Their cohorts' meetings of the session.
    with django_assert_max_num_queries(SESSION_PAGE_QUERIES + 1):
        response = client.get(world.unit.get_absolute_url())

    assert "Facilitator guide" in response.content.decode()


@pytest.mark.parametrize("size", SIZES, ids=["small", "large"])
def test_a_meetings_feedback_page_costs_the_same_at_any_size(
    client, world, django_assert_max_num_queries, size
):
    grow(world, **size)
    log_in(client, world.mine.facilitator)

    # The meeting, the note author, their note, the notes, ratings, members, resources,
    # resource ratings.
    with django_assert_max_num_queries(LAYOUT + 8):
        response = client.get(
            reverse("feedback:meeting", args=[world.mine.cohort.pk, world.mine.meeting.pk])
        )

    assert response.content.decode().count("feedback-comment") == size["members"] + 1


@pytest.mark.parametrize("size", SIZES, ids=["small", "large"])
def test_a_cohorts_feedback_page_costs_the_same_at_any_size(
    client, world, django_assert_max_num_queries, size
):
    grow(world, **size)
    log_in(client, world.mine.facilitator)

    # The cohort, whether the viewer runs it, its meetings with their figures.
    with django_assert_max_num_queries(LAYOUT + 3):
        response = client.get(reverse("feedback:cohort", args=[world.mine.cohort.pk]))

    assert response.status_code == 200


@pytest.mark.parametrize("size", SIZES, ids=["small", "large"])
def test_a_rounds_feedback_page_costs_the_same_at_any_size(
    client, world, django_assert_max_num_queries, size
):
    grow(world, **size)
    log_in(client, world.lead)

    # The round, session ratings, units (twice), resources, resource ratings, cohorts.
    with django_assert_max_num_queries(LAYOUT + 7):
        response = client.get(reverse("feedback:round", args=[world.round.slug]))

    assert response.status_code == 200
