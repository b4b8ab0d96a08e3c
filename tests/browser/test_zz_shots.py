import pytest
from playwright.sync_api import expect

from apps.cohorts.models import Placement
from tests.browser.test_grouping_journey import log_in
from tests.grouping.test_services import fast_grouping, small_round, run_now, draft_with  # noqa
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_shots(live_server, browser_page):
    round, people = small_round()
    run_now(round)
    Placement.objects.filter(enrollment=people["Ada"]).update(cohort=draft_with(round, "Dan"))
    admin = UserFactory(is_staff=True, time_zone="America/New_York")
    page = browser_page
    page.set_viewport_size({"width": 1100, "height": 900})
    log_in(page, live_server, admin)
    page.goto(f"{live_server.url}/grouping/rounds/{round.slug}/")
    page.screenshot(path="/tmp/shot-round.png", full_page=True)
    page.get_by_role("link", name="Change the time or facilitator of Cohort 1").click()
    page.get_by_label("Day").select_option("Tuesday")
    page.get_by_label("Time").fill("19:00")
    page.get_by_label("Time").press("Tab")
    expect(page.locator("#time-check")).to_contain_text("could not attend")
    page.get_by_label("New facilitator").select_option(label=page.get_by_label("New facilitator").locator("option").nth(2).inner_text())
    expect(page.locator("#lead-check")).to_contain_text("With")
    page.screenshot(path="/tmp/shot-cohort.png", full_page=True)
    page.goto(f"{live_server.url}/grouping/rounds/{round.slug}/publish/")
    page.screenshot(path="/tmp/shot-publish.png", full_page=True)
