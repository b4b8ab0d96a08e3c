"""A facilitator filters their queue, grades against the rubric and returns work, in Chromium."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from apps.submissions.models import Feedback, Submission
from tests.browser.conftest import CHROMIUM_ARGS, chromium_path
from tests.factories import PASSWORD
from tests.grading import SUBMITTED_AT, build_course, place, submitted

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(playwright_instance):
    browser = playwright_instance.chromium.launch(
        executable_path=chromium_path(), args=CHROMIUM_ARGS
    )
    page = browser.new_context().new_page()
    page.set_default_timeout(15_000)
    yield page
    browser.close()


def test_facilitator_filters_the_queue_and_returns_work_with_rubric_levels(live_server, page):
    course = build_course()
    oldest = submitted(place(course, display_name="Olive"), course.exercise, late=True)
    submitted(place(course, display_name="Nico"), course.exercise,
              at=SUBMITTED_AT + timedelta(hours=2))  # fmt: skip

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(course.facilitator.user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.goto(f"{live_server.url}/grading/")
    page.get_by_role("link", name=course.cohort.name).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("2 waiting for grading")

    # Filtering swaps the list in place and keeps the address in step.
    page.get_by_label("Status").select_option("accepted")
    expect(page.get_by_role("status").first).to_have_text("No submissions match these filters.")
    expect(page).to_have_url(re.compile(r"status=accepted"))
    page.get_by_label("Status").select_option("submitted")
    expect(page.locator("#queue-summary")).to_contain_text("Showing 1–2 of 2")

    page.get_by_role("link", name="Grade the oldest waiting submission").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("by Olive")

    total = page.locator("#rubric-total")
    page.get_by_role("group", name="Specific").get_by_label("Fully").check()
    expect(total).to_have_text("3 of 6 points")
    realistic = page.get_by_role("group", name="Realistic").get_by_label("Partly")
    realistic.check()
    expect(total).to_have_text("4 of 6 points")

    # Enter on a level must not accept the work.
    realistic.press("Enter")
    page.wait_for_timeout(300)
    assert not Feedback.objects.exists()

    page.get_by_role("button", name="Return for revision").click()
    expect(page.get_by_role("alert")).to_contain_text("Say what to revise when returning work.")
    expect(page.get_by_role("group", name="Specific").get_by_label("Fully")).to_be_checked()
    expect(total).to_have_text("4 of 6 points")

    page.get_by_label("Comment").fill("Add a date to each step.")
    page.get_by_role("button", name="Return for revision").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("1 waiting for grading")
    expect(page.get_by_text("Returned Olive’s “Plan your career” for revision (4 of 6 points)."))
    oldest.refresh_from_db()
    assert oldest.status == Submission.Status.RETURNED
    assert Feedback.objects.get().comment == "Add a date to each step."


def test_without_javascript_enter_on_a_level_asks_for_a_decision_instead_of_accepting(
    live_server,
    playwright_instance,
):
    course = build_course()
    work = submitted(place(course, display_name="Olive"), course.exercise)
    browser = playwright_instance.chromium.launch(
        executable_path=chromium_path(), args=CHROMIUM_ARGS
    )
    try:
        page = browser.new_context(java_script_enabled=False).new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Email").fill(course.facilitator.user.email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign In").click()
        page.goto(f"{live_server.url}/grading/submissions/{work.pk}/")

        level = page.get_by_role("group", name="Specific").get_by_label("Fully")
        level.check()
        level.press("Enter")

        expect(page.get_by_role("alert")).to_contain_text(
            "Choose “Accept” or “Return for revision”."
        )
        expect(page.get_by_role("group", name="Specific").get_by_label("Fully")).to_be_checked()
        expect(page.locator("#rubric-total")).to_have_text("3 of 6 points")
        assert not Feedback.objects.exists()
    finally:
        browser.close()
