"""The navigation bar: the unread count and the facilitator links, on every page."""

import pytest
from django.urls import reverse

from apps.reminders.models import Notification
from apps.rounds.models import Enrollment
from courseplatform.context_processors import navigation as navigation_context
from tests.factories import FacilitatorEnrollmentFactory, UserFactory

pytestmark = pytest.mark.django_db

HOME = reverse("courses:list")


def navigation(client, user) -> str:
    client.force_login(user)
    html = client.get(HOME).content.decode()
    return html[html.index("<nav") : html.index("</nav>")]


def test_the_badge_counts_only_unread_notifications_of_this_person(client):
    me, someone_else = UserFactory(), UserFactory()
    for title in ("One", "Two"):
        Notification.objects.create(user=me, title=title, body="")
    Notification.objects.create(user=me, title="Seen", body="", read_at="2026-01-01T00:00Z")
    Notification.objects.create(user=someone_else, title="Not mine", body="")

    assert '<span class="nav-count">2<span class="visually-hidden"> unread</span>' in navigation(
        client, me
    )


def test_no_badge_without_unread_notifications(client):
    assert 'class="nav-count"' not in navigation(client, UserFactory())


@pytest.mark.parametrize(
    "status, shown",
    [(Enrollment.Status.ACCEPTED, True), (Enrollment.Status.DROPPED, False), (None, False)],
)
def test_grading_and_cohorts_show_for_people_who_facilitate(client, status, shown):
    user = UserFactory()
    if status is not None:
        FacilitatorEnrollmentFactory(user=user, status=status)
    nav = navigation(client, user)
    assert ("Cohorts I facilitate" in nav, ">Grading<" in nav) == (shown, shown)


def test_the_navigation_costs_two_queries_and_only_when_shown(rf, django_assert_num_queries):
    request = rf.get(HOME)
    request.user = UserFactory()
    with django_assert_num_queries(0):
        nav = navigation_context(request)["nav"]
    with django_assert_num_queries(2):
        assert (nav["unread"], nav["facilitates"], nav["leads"]) == (0, False, False)


@pytest.mark.parametrize(
    "is_lead, status, shown",
    [
        (True, Enrollment.Status.ACCEPTED, True),
        (False, Enrollment.Status.ACCEPTED, False),
        (True, Enrollment.Status.DROPPED, False),
    ],
)
def test_grouping_shows_for_lead_facilitators_of_a_round(client, is_lead, status, shown):
    user = UserFactory()
    FacilitatorEnrollmentFactory(user=user, status=status, is_lead=is_lead)
    assert (">Grouping<" in navigation(client, user)) == shown
