"""After their cohort has met, a participant rates the session and a reading on the session page.

With JavaScript each form is saved in place: focus stays on the button that
was pressed and a live region says what was saved. Without it the same forms
post, and the page comes back with the answers in place.
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.cohorts.models import Meeting
from apps.feedback.models import ResourceRating, SessionRating
from tests.browser.conftest import CHROMIUM_ARGS, chromium_path
from tests.factories import PASSWORD, CohortFactory, PlacementFactory, ResourceFactory, UnitFactory

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
    """A participant whose cohort met yesterday to discuss a session with two readings."""
    cohort = CohortFactory()
    unit = UnitFactory(course=cohort.round.course, number=1, title="Rewards")
    ResourceFactory(unit=unit, position=1, title=READING)
    ResourceFactory(unit=unit, position=2, title="Open problems", is_core=False)
    starts_at = timezone.now() - timedelta(days=1)
    Meeting.objects.create(
        cohort=cohort, unit=unit, starts_at=starts_at, ends_at=starts_at + timedelta(minutes=90)
    )
    return PlacementFactory(cohort=cohort, enrollment__status="active").enrollment


def open_session(browser, live_server, member, **context):
    page = browser.new_context(**context).new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(member.user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    unit = member.round.course.units.get()
    page.goto(f"{live_server.url}{unit.get_absolute_url()}")
    return page


def test_rating_a_session_and_a_reading_in_place(live_server, browser, member):
    page = open_session(browser, live_server, member, viewport={"width": 390, "height": 844})
    session = page.get_by_role("group", name="How was this session?")
    status = page.get_by_role("status").filter(has_text="Saved your")

    session.get_by_label("4 – Good").check()
    page.get_by_label("Comment (optional)").fill("The examples made it click.")
    save = page.get_by_role("button", name="Save rating")
    save.click()

    expect(page.locator("#feedback-status")).to_have_text("Saved your rating of Session 1.")
    expect(page.get_by_role("button", name="Save rating")).to_be_focused()
    expect(session.get_by_label("4 – Good")).to_be_checked()
    rating = SessionRating.objects.get()
    assert (rating.rating, rating.comment) == (4, "The examples made it click.")

    reading = page.get_by_role("group", name=f"Was “{READING}” worth your time?")
    reading.get_by_label("Yes").check()
    page.get_by_text(f"Add a note about “{READING}”").click()
    page.get_by_label("Note (optional)").first.fill("Short and vivid.")
    page.get_by_role("button", name=f"Save your answer about “{READING}”").click()

    expect(status).to_have_text(f"Saved your answer about “{READING}”.")
    expect(page.get_by_role("button", name=f"Save your answer about “{READING}”")).to_be_focused()
    answer = ResourceRating.objects.get()
    assert (answer.resource.title, answer.worth_it, answer.note) == (
        READING,
        True,
        "Short and vivid.",
    )

    # Changing one's mind changes the same answer.
    reading.get_by_label("No").check()
    with page.expect_response(lambda response: "/resources/" in response.url):
        page.get_by_role("button", name=f"Save your answer about “{READING}”").click()
    expect(reading.get_by_label("No")).to_be_checked()
    answer.refresh_from_db()
    assert (answer.worth_it, ResourceRating.objects.count()) == (False, 1)

    # Everything fits a phone's width.
    page.locator(".site-header").evaluate("header => header.remove()")
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


def test_rating_without_javascript(live_server, browser, member):
    page = open_session(browser, live_server, member, java_script_enabled=False)

    page.get_by_role("button", name="Save rating").click()  # no rating chosen
    expect(page.get_by_role("alert")).to_contain_text("Choose a rating from 1 (poor) to 5")

    page.get_by_label("2 – Not great").check()
    page.get_by_label("Comment (optional)").fill("Too rushed at the end.")
    page.get_by_role("button", name="Save rating").click()

    expect(page.get_by_text("Saved your rating of Session 1.")).to_be_visible()
    expect(page.get_by_label("2 – Not great")).to_be_checked()
    expect(page.get_by_label("Comment (optional)")).to_have_value("Too rushed at the end.")
    assert SessionRating.objects.get().rating == 2
