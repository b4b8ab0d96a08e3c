"""A newcomer signs up, verifies their address, and starts the demo course."""

import re

import pytest
from django.conf import settings
from django.core import mail
from playwright.sync_api import expect

from apps.courses.coursefiles import read_course
from apps.courses.services import course_import
from tests.browser.conftest import CHROMIUM_ARGS, chromium_path, log_out
from tests.factories import PASSWORD as USER_PASSWORD
from tests.factories import ResourceFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO_COURSE = settings.BASE_DIR / "demo" / "ai-alignment-fundamentals"
PASSWORD = "a long enough passphrase"


@pytest.fixture
def browser(playwright_instance):
    browser = playwright_instance.chromium.launch(
        executable_path=chromium_path(), args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


def test_sign_up_verify_log_in_and_mark_a_reading_done(live_server, browser):
    course_import(spec=read_course(DEMO_COURSE))
    page = browser.new_context(timezone_id="America/Sao_Paulo").new_page()

    page.goto(f"{live_server.url}/accounts/signup/")
    page.get_by_label("Email").fill("newcomer@example.com")
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_label("Your name").fill("Nia Newcomer")
    # The browser's own zone is preselected; this person picks another.
    expect(page.get_by_label("Time zone")).to_have_value("America/Sao_Paulo")
    page.get_by_label("Time zone").select_option("Europe/London")
    page.get_by_role("button", name="Sign Up").click()
    expect(page.get_by_role("heading", name="Verify Your Email Address")).to_be_visible()

    link = re.search(r"http://\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body)[0]
    page.goto(link)
    page.get_by_role("button", name="Confirm").click()

    log_out(page)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill("newcomer@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()

    # Sign-in lands on the home page, which points a newcomer to the courses.
    expect(page.get_by_role("heading", name="Getting started")).to_be_visible()
    page.get_by_role("link", name="Browse the courses").click()
    page.get_by_role("link", name="AI Alignment Fundamentals").click()
    page.get_by_role("link", name=re.compile(r"Contributing to AI Alignment")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        re.compile(r"Session \d+: Contributing to AI Alignment")
    )
    progress = page.get_by_role("progressbar", name="Session progress")
    expect(progress).to_have_attribute("aria-valuenow", "0")

    # From the keyboard: the button keeps focus once the card is swapped, and the result is said.
    page.get_by_role("button", name="Mark done “Become a person who Actually Does Things”").focus()
    page.keyboard.press("Enter")

    undo = page.get_by_role(
        "button", name="Mark not done “Become a person who Actually Does Things”"
    )
    expect(undo).to_be_focused()
    expect(page.get_by_role("status")).to_have_text(
        "“Become a person who Actually Does Things” marked as done."
    )
    expect(progress).not_to_have_attribute("aria-valuenow", "0")
    expect(page.locator("#session-progress")).to_contain_text("1 of")

    # The course page agrees after a reload.
    page.get_by_role("link", name="AI Alignment Fundamentals").click()
    bar = page.get_by_role("progressbar", name=re.compile("Contributing to AI Alignment"))
    expect(bar).not_to_have_attribute("aria-valuenow", "0")


def test_marking_done_works_with_javascript_switched_off(live_server, browser):
    resource = ResourceFactory(title="A reading")
    user = UserFactory()
    page = browser.new_context(java_script_enabled=False).new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(USER_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.goto(f"{live_server.url}{resource.unit.get_absolute_url()}")

    page.get_by_role("button", name="Mark done “A reading”").click()

    expect(page.get_by_role("button", name="Mark not done “A reading”")).to_be_visible()
    expect(page.locator("#session-progress")).to_contain_text("1 of 1 resource done")
