"""A facilitator returns work; the participant is told at once in the app and emailed once."""

from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from apps.reminders.services import reminders_send_batch
from tests.browser.conftest import CHROMIUM_ARGS, chromium_path
from tests.factories import PASSWORD, UserFactory
from tests.grading import build_course, place, submitted

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Returned for revision: “Plan your career”"


@pytest.fixture
def browser(playwright_instance):
    browser = playwright_instance.chromium.launch(
        executable_path=chromium_path(), args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture
def demo_outbox(settings, tmp_path):
    """Demo mode: every email is kept as a file, and staff read them at /demo/outbox/."""
    settings.DEMO_MODE = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path / "mail"


def midday_zone() -> str:
    """A zone where it is about noon now, so the email is not held for the night."""
    offset = (12 - datetime.now(UTC).hour + 12) % 24 - 12
    return f"Etc/GMT{-offset:+d}"  # the Etc zones count west as positive


def signed_in(browser, live_server, user):
    """A browser of this person's own, signed in and on the home page."""
    page = browser.new_context().new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello")
    return page


def test_returned_work_reaches_the_participant_at_once_and_by_one_email(
    live_server, browser, demo_outbox
):
    course = build_course()
    pat = place(course, display_name="Pat", time_zone=midday_zone())
    work = submitted(pat, course.exercise)

    facilitator = signed_in(browser, live_server, course.facilitator.user)
    facilitator.goto(f"{live_server.url}/grading/submissions/{work.pk}/")
    facilitator.get_by_role("group", name="Specific").get_by_label("Partly").check()
    facilitator.get_by_role("group", name="Realistic").get_by_label("Partly").check()
    facilitator.get_by_role("group", name="Decision").get_by_label("Return for revision").check()
    facilitator.get_by_label("Comment").fill("Say **why** each role suits you.")
    facilitator.get_by_role("button", name="Save and next").click()
    expect(facilitator.get_by_text("That was the last submission in this queue.")).to_be_visible()

    # At once, before any dispatcher has run: on the home page and in the notifications.
    participant = signed_in(browser, live_server, pat.user)
    card = participant.get_by_role("region", name="Unread notifications")
    expect(card.get_by_role("link", name=TITLE)).to_be_visible()
    participant.goto(f"{live_server.url}/reminders/notifications/")
    participant.get_by_role("link", name=TITLE).click()
    feedback = participant.get_by_role("heading", name="Feedback: Returned for revision")
    expect(feedback).to_be_visible()
    expect(participant.get_by_text("Say why each role suits you.")).to_be_visible()

    # The email goes out through the dispatcher, once however often it runs.
    assert reminders_send_batch().sent == 1
    assert reminders_send_batch().sent == 0

    staff = signed_in(browser, live_server, UserFactory(is_staff=True))
    staff.goto(f"{live_server.url}/demo/outbox/")
    expect(staff.get_by_role("heading", name=TITLE)).to_have_count(1)
    email = staff.get_by_role("article").filter(has=staff.get_by_role("heading", name=TITLE))
    expect(email).to_contain_text(f"To Pat <{pat.user.email}>")
    email.get_by_text("Text").click()
    expect(email).to_contain_text("Say **why** each role suits you.")
