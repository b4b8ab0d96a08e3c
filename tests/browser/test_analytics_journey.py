"""A participant rates a session and a reading; the round's analytics page shows both to staff."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from apps.cohorts.models import Meeting
from apps.rounds.models import RoundUnit
from tests.browser.conftest import CHROMIUM_ARGS, chromium_path, sign_in
from tests.factories import (
    PASSWORD,
    CohortFactory,
    PlacementFactory,
    ResourceFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

READING = "Specification gaming"


@pytest.fixture
def browser(playwright_instance):
    browser = playwright_instance.chromium.launch(
        executable_path=chromium_path(), args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture
def member():
    """A participant whose cohort met yesterday to discuss this week's session."""
    cohort = CohortFactory()
    round = cohort.round
    unit = UnitFactory(course=round.course, number=1, title="Rewards")
    ResourceFactory(unit=unit, position=1, title=READING)
    now = timezone.now()
    monday = now.date() - timedelta(days=now.weekday())
    RoundUnit.objects.create(
        round=round, unit=unit, week_starts_on=monday, due_at=now + timedelta(days=3)
    )
    starts_at = now - timedelta(days=1)
    Meeting.objects.create(
        cohort=cohort, unit=unit, starts_at=starts_at, ends_at=starts_at + timedelta(minutes=90)
    )
    return PlacementFactory(cohort=cohort, enrollment__status="active").enrollment


def test_ratings_a_participant_gives_show_on_the_rounds_analytics(
    live_server, browser, client, member
):
    page = browser.new_context().new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(member.user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.goto(live_server.url + member.round.course.units.get().get_absolute_url())

    page.get_by_role("group", name="How was this session?").get_by_label("4 – Good").check()
    page.get_by_label("Comment (optional)").fill("The examples made it click.")
    page.get_by_role("button", name="Save rating").click()
    expect(page.locator("#feedback-status")).to_have_text("Saved your rating of Session 1.")
    page.get_by_role("group", name=f"Was “{READING}” worth your time?").get_by_label("No").check()
    page.get_by_role("button", name=f"Save your answer about “{READING}”").click()
    expect(page.get_by_role("status").filter(has_text="Saved your answer")).to_have_text(
        f"Saved your answer about “{READING}”."
    )

    staff = browser.new_context(viewport={"width": 390, "height": 844})
    sign_in(staff, client, live_server, UserFactory(is_staff=True))
    admin = staff.new_page()
    admin.set_default_timeout(15_000)
    admin.goto(live_server.url + reverse("analytics:round", args=[member.round.slug]))

    expect(admin.get_by_role("heading", name="How the round is going")).to_be_visible()
    sessions = admin.get_by_role(
        "table", name="Attendance, readings, exercises and ratings per session"
    )
    session_row = sessions.get_by_role("row").filter(has_text="Session 1: Rewards")
    # One rating of 4, with its comment; no attendance recorded and no exercise to hand in.
    expect(session_row.get_by_role("cell")).to_have_text(
        ["0%0 of 1", "0%0 of 1 × 1", "–no figure", "1", "4.0", "1"]
    )
    resources = admin.get_by_role("table", name="Completion and ratings per resource")
    reading_row = resources.get_by_role("row").filter(has_text=READING)
    expect(reading_row.get_by_role("cell")).to_have_text(
        ["1", "0%0 of 1", "00% of answers", "1", "0"]
    )

    # The funnel says the one applicant was placed; its chart has a table of its own.
    funnel = admin.get_by_role("table", name="People at each stage")
    expect(funnel.get_by_role("row").filter(has_text="Placed in a cohort")).to_contain_text("100%")
    expect(admin.get_by_role("img", name="From application to certificate")).to_be_visible()

    # Everything fits a phone's width; wide tables scroll in their own boxes.
    admin.locator(".site-header").evaluate("header => header.remove()")
    assert admin.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
