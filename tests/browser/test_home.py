"""A participant signs in on a phone and lands on a home page that fits the screen."""

import zoneinfo
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.rounds.models import Enrollment
from tests.factories import PASSWORD, PlacementFactory, UserFactory
from tests.home.conftest import build_cohort, build_course

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def participant():
    """Pat, in a cohort of a round in its second week (by London's calendar, Pat's zone)."""
    today = timezone.localdate(timezone=zoneinfo.ZoneInfo("Europe/London"))
    this_monday = today - timedelta(days=today.weekday())
    world = build_course(first_monday=this_monday - timedelta(weeks=1))
    cohort = build_cohort(world, size=3)[0]
    user = UserFactory(
        email="pat@example.com",
        display_name="Hubert Wolfeschlegelsteinhausenbergerdorff",
        time_zone="Europe/London",
    )
    PlacementFactory(
        cohort=cohort, enrollment__user=user, enrollment__status=Enrollment.Status.ACTIVE
    )
    return user


def test_signing_in_on_a_phone_lands_on_this_weeks_session(live_server, browser_page, participant):
    page = browser_page
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(participant.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Hello, Hubert Wolfeschlegelsteinhausenbergerdorff"
    )
    expect(page.get_by_role("heading", name="This week: Session 2: Topic 2")).to_be_visible()
    expect(page.get_by_role("list", name="Exercises of Session 2: Topic 2")).to_contain_text(
        "Exercise 2"
    )
    assert page.url == f"{live_server.url}/"
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px"

    # The navigation folds into a menu, which opens to show every link.
    page.get_by_text("Menu", exact=True).click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My work").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My work")
