"""A participant writes the career plan: autosave, reloads, two tabs, a failing server, submit.

Also: item bounds read as suggestions or rules, and a reload after a refused submit.
"""

import re
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from apps.courses.coursefiles import read_course
from apps.courses.models import Exercise
from apps.courses.services import course_import
from apps.rounds.models import Enrollment, RoundUnit
from apps.submissions.models import Revision, Submission
from tests.browser.conftest import CHROMIUM_ARGS, chromium_path, expect_signed_in
from tests.factories import PASSWORD, EnrollmentFactory, RoundFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO_COURSE = settings.BASE_DIR / "demo" / "ai-alignment-fundamentals"
WHY_FIRST = "Which of these roles would you most like to try out first, and why?"
ROLES = re.compile(r"What roles could you hold")
CHEAP_TESTS = re.compile(r"What cheap tests could tell you")
ASSETS = re.compile(r"What assets do you bring")
SAVE_TIMEOUT = 15_000


@pytest.fixture
def career_plan():
    course = course_import(spec=read_course(DEMO_COURSE))
    exercise = Exercise.objects.get(unit__course=course, slug="career-plan")
    user = UserFactory(email="pat@example.com", display_name="Pat")
    enrollment = EnrollmentFactory(
        round=RoundFactory(course=course), user=user, status=Enrollment.Status.ACTIVE
    )
    RoundUnit.objects.create(
        round=enrollment.round,
        unit=exercise.unit,
        week_starts_on=date(2027, 3, 1),
        due_at=timezone.now() + timedelta(days=3),
    )
    return user, enrollment, exercise


def log_in(page, live_server, user):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect_signed_in(page)


def answer_url(live_server, enrollment, exercise):
    return f"{live_server.url}/work/{enrollment.round.slug}/exercises/{exercise.pk}/"


def save_status(page):
    return page.locator("#save-status")


def saved_answers(enrollment, exercise):
    return Submission.objects.get(enrollment=enrollment, exercise=exercise).answers


def test_drafts_survive_reloads_and_other_tabs_and_a_double_click_submits_once(
    live_server, browser_page, career_plan
):
    user, enrollment, exercise = career_plan
    page = browser_page
    log_in(page, live_server, user)

    page.goto(f"{live_server.url}/work/")
    page.get_by_role("link", name="Plan your career in AI safety").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Plan your career in AI safety")
    expect(save_status(page)).to_have_text("Nothing saved yet.")

    # Type an answer and some roles, one of them in a row added with "Add item".
    page.get_by_label(WHY_FIRST).fill("Research engineering, to test my fit quickly.")
    roles = page.get_by_role("group", name=ROLES)
    roles.get_by_label("Item 1", exact=True).fill("Research engineer")
    roles.get_by_label("Item 2", exact=True).fill("Evaluations engineer")
    roles.get_by_label("Item 3", exact=True).fill("Field builder")
    roles.get_by_role("button", name="Add item").click()
    expect(roles.get_by_label("Item 4", exact=True)).to_be_focused()
    page.keyboard.type("Policy analyst")
    expect(save_status(page)).to_contain_text("All changes saved at", timeout=SAVE_TIMEOUT)

    page.reload()
    expect(page.get_by_label(WHY_FIRST)).to_have_value(
        "Research engineering, to test my fit quickly."
    )
    roles = page.get_by_role("group", name=ROLES)
    expect(roles.get_by_label("Item 4", exact=True)).to_have_value("Policy analyst")

    # A second tab saves first...
    other = page.context.new_page()
    other.goto(page.url)
    other.get_by_label(WHY_FIRST).fill("Written in the second tab.")
    expect(save_status(other)).to_contain_text("All changes saved at", timeout=SAVE_TIMEOUT)

    # ...so the first tab's save is refused and both texts are shown.
    page.bring_to_front()
    page.get_by_label(WHY_FIRST).fill("Written in the first tab.")
    expect(save_status(page)).to_have_text("Saved elsewhere — see below", timeout=SAVE_TIMEOUT)
    panel = page.get_by_role("region", name="Saved elsewhere")
    expect(panel).to_contain_text("Written in the second tab.")
    expect(panel).to_contain_text("Written in the first tab.")
    assert saved_answers(enrollment, exercise)["most-exciting-role"] == (
        "Written in the second tab."
    )

    panel.get_by_role("button", name="Keep mine").click()
    expect(panel).to_be_hidden()
    expect(save_status(page)).to_contain_text("All changes saved at", timeout=SAVE_TIMEOUT)
    assert saved_answers(enrollment, exercise)["most-exciting-role"] == "Written in the first tab."

    # The last required prompt, then a double click on Submit.
    tests = page.get_by_role("group", name=CHEAP_TESTS)
    tests.get_by_label("Item 1", exact=True).fill("Reproduce one interpretability paper")
    page.get_by_role("button", name="Submit").dblclick()

    expect(page.get_by_text("Submitted. Your facilitator can now read it.")).to_be_visible()
    expect(page.get_by_text(re.compile(r"^Submitted on"))).to_be_visible()
    expect(page.get_by_role("heading", name="What you submitted")).to_be_visible()
    assert Revision.objects.count() == 1
    revision = Revision.objects.get()
    assert revision.answers["cheap-tests"] == ["Reproduce one interpretability paper"]
    assert revision.answers["future-roles"][-1] == "Policy analyst"


def test_reloading_after_a_refused_submit_shows_the_saved_work_not_a_conflict(
    live_server, browser_page, career_plan
):
    user, enrollment, exercise = career_plan
    page = browser_page
    log_in(page, live_server, user)
    page.goto(answer_url(live_server, enrollment, exercise))

    # "At least ten assets" is a suggestion; "3-5 roles" is a rule.
    assets = page.get_by_role("group", name=ASSETS)
    expect(assets.get_by_text("Suggested: at least 10 items", exact=True)).to_be_visible()
    expect(page.get_by_text("Needs 3-5 items", exact=True)).to_be_visible()
    for number, asset in enumerate(["Python", "Writing", "Teaching"], start=1):
        assets.get_by_label(f"Item {number}", exact=True).fill(asset)
    page.get_by_label(WHY_FIRST).fill("Research engineering.")
    page.get_by_role("group", name=ROLES).get_by_label("Item 1", exact=True).fill("Engineer")
    page.get_by_role("button", name="Submit").click()

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("What roles could you hold")
    expect(summary).to_contain_text("Add at least 3 items; there is 1.")
    expect(summary).not_to_contain_text("assets")
    # Typing on, saved by autosave, then a reload.
    roles = page.get_by_role("group", name=ROLES)
    roles.get_by_label("Item 2", exact=True).fill("Evaluator")
    expect(save_status(page)).to_contain_text("All changes saved at", timeout=SAVE_TIMEOUT)
    page.reload()

    expect(page.get_by_role("region", name="Saved elsewhere")).to_have_count(0)
    expect(save_status(page)).to_contain_text("Last saved at")
    expect(page).to_have_url(answer_url(live_server, enrollment, exercise))
    roles = page.get_by_role("group", name=ROLES)
    expect(roles.get_by_label("Item 2", exact=True)).to_have_value("Evaluator")
    expect(page.get_by_label(WHY_FIRST)).to_have_value("Research engineering.")

    # Three assets of the suggested ten go in with the rest.
    roles.get_by_label("Item 3", exact=True).fill("Field builder")
    tests = page.get_by_role("group", name=CHEAP_TESTS)
    tests.get_by_label("Item 1", exact=True).fill("Talk to an evaluator")
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_text("Submitted. Your facilitator can now read it.")).to_be_visible()
    assert Revision.objects.get().answers["career-capital"] == ["Python", "Writing", "Teaching"]


def test_a_failed_save_keeps_the_text_and_retries_until_it_is_saved(
    live_server, browser_page, career_plan
):
    user, enrollment, exercise = career_plan
    page = browser_page
    log_in(page, live_server, user)
    page.goto(answer_url(live_server, enrollment, exercise))

    failures = []

    def fail_once(route):
        if failures:
            route.continue_()
        else:
            failures.append(route.request.url)
            route.fulfill(status=500, content_type="text/html", body="<h1>Server Error</h1>")

    page.route("**/save/", fail_once)
    answer = page.get_by_label(WHY_FIRST)
    answer.fill("Words that must not be lost.")

    expect(save_status(page)).to_contain_text("Not saved — retrying", timeout=SAVE_TIMEOUT)
    expect(answer).to_have_value("Words that must not be lost.")
    expect(save_status(page)).to_contain_text("All changes saved at", timeout=SAVE_TIMEOUT)
    assert len(failures) == 1
    assert saved_answers(enrollment, exercise)["most-exciting-role"] == (
        "Words that must not be lost."
    )


def test_unsaved_words_kept_in_the_browser_are_offered_back_after_a_reload(
    live_server, browser_page, career_plan
):
    user, enrollment, exercise = career_plan
    page = browser_page
    log_in(page, live_server, user)
    page.goto(answer_url(live_server, enrollment, exercise))
    page.on("dialog", lambda dialog: dialog.accept())  # "leave with unsaved changes?"

    page.route("**/save/", lambda route: route.abort())
    page.get_by_label(WHY_FIRST).fill("Typed while the connection was down.")
    expect(save_status(page)).to_contain_text("no connection", timeout=SAVE_TIMEOUT)

    page.reload()
    expect(page.get_by_label(WHY_FIRST)).to_have_value("")
    page.unroute("**/save/")
    page.get_by_role("button", name="Restore my unsaved changes").click()

    expect(page.get_by_label(WHY_FIRST)).to_have_value("Typed while the connection was down.")
    expect(save_status(page)).to_contain_text("All changes saved at", timeout=SAVE_TIMEOUT)
    assert saved_answers(enrollment, exercise)["most-exciting-role"] == (
        "Typed while the connection was down."
    )


def test_preview_timer_and_rows_work_from_the_keyboard(live_server, browser_page, career_plan):
    user, enrollment, exercise = career_plan
    page = browser_page
    log_in(page, live_server, user)
    page.goto(answer_url(live_server, enrollment, exercise))

    # Preview is a toggle, rendered by the server and sanitised.
    page.get_by_label(WHY_FIRST).fill("Mostly **engineering** <script>window.bad = 1</script>")
    preview = page.get_by_role("button", name="Preview").first
    preview.click()
    expect(preview).to_have_attribute("aria-pressed", "true")
    shown = page.locator("#preview-most-exciting-role")
    expect(shown.locator("strong")).to_have_text("engineering")
    assert page.evaluate("window.bad") is None
    preview.click()
    expect(shown).to_be_hidden()

    # The time box: Start, Pause, Reset; typing goes on meanwhile.
    timer = page.get_by_role("group", name=re.compile("Timer for question"))
    clock = timer.get_by_role("timer")
    expect(clock).to_have_text("05:00")
    timer.get_by_role("button", name="Start").click()
    expect(clock).not_to_have_text("05:00", timeout=3_000)
    assets = page.get_by_role("group", name=re.compile("What assets do you bring"))
    assets.get_by_label("Item 1", exact=True).fill("Python")
    timer.get_by_role("button", name="Pause").click()
    paused = clock.text_content()
    page.wait_for_timeout(1_200)
    expect(clock).to_have_text(paused)
    timer.get_by_role("button", name="Reset").click()
    expect(clock).to_have_text("05:00")

    # Enter in an item starts the next one; Remove is a keyboard-reachable button.
    assets.get_by_label("Item 1", exact=True).press("Enter")
    expect(assets.get_by_label("Item 2", exact=True)).to_be_focused()
    page.keyboard.type("Writing")
    remove = assets.get_by_role("button", name="Remove item 1")
    remove.focus()
    page.keyboard.press("Enter")
    expect(assets.get_by_label("Item 1", exact=True)).to_have_value("Writing")
    expect(assets.get_by_label("Item 1", exact=True)).to_be_focused()
    expect(save_status(page)).to_contain_text("All changes saved at", timeout=SAVE_TIMEOUT)
    assert saved_answers(enrollment, exercise)["career-capital"] == ["Writing"]


@pytest.fixture
def browser(playwright_instance):
    browser = playwright_instance.chromium.launch(
        executable_path=chromium_path(), args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


def test_without_javascript_the_form_saves_previews_and_submits(live_server, browser, career_plan):
    user, enrollment, exercise = career_plan
    page = browser.new_context(java_script_enabled=False).new_page()
    log_in(page, live_server, user)
    page.goto(answer_url(live_server, enrollment, exercise))

    roles = page.get_by_role("group", name=ROLES)
    expect(roles.get_by_role("button", name="Add item")).to_be_hidden()
    expect(page.get_by_text("Suggested time: 5 minutes")).to_be_visible()
    expect(page.get_by_role("group", name=re.compile("Timer for question"))).to_be_hidden()

    page.get_by_label(WHY_FIRST).fill("Plain *HTML* forms work too.")
    page.get_by_role("button", name="Preview").first.click()
    expect(page.locator("#preview-most-exciting-role em")).to_have_text("HTML")
    expect(page.get_by_label(WHY_FIRST)).to_have_value("Plain *HTML* forms work too.")

    roles.get_by_label("Item 1", exact=True).fill("Research engineer")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Draft saved.")).to_be_visible()
    roles = page.get_by_role("group", name=ROLES)
    expect(roles.get_by_label("Item 4", exact=True)).to_have_value("")  # 1 filled + 3 empty

    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_role("alert")).to_contain_text("Add at least 3 items; there is 1.")
    expect(page.get_by_label(WHY_FIRST)).to_have_value("Plain *HTML* forms work too.")

    roles = page.get_by_role("group", name=ROLES)
    roles.get_by_label("Item 2", exact=True).fill("Field builder")
    roles.get_by_label("Item 3", exact=True).fill("Policy analyst")
    tests = page.get_by_role("group", name=CHEAP_TESTS)
    tests.get_by_label("Item 1", exact=True).fill("Talk to a research engineer")
    page.get_by_role("button", name="Submit").click()

    expect(page.get_by_text("Submitted. Your facilitator can now read it.")).to_be_visible()
    assert Revision.objects.count() == 1


def test_a_conflict_can_be_settled_by_taking_the_saved_version(
    live_server, browser_page, career_plan
):
    user, enrollment, exercise = career_plan
    page = browser_page
    log_in(page, live_server, user)
    page.goto(answer_url(live_server, enrollment, exercise))
    other = page.context.new_page()
    other.goto(page.url)

    roles = other.get_by_role("group", name=ROLES)
    roles.get_by_label("Item 1", exact=True).fill("Saved from the other tab")
    other.get_by_role("button", name="Save draft").click()
    expect(save_status(other)).to_contain_text("All changes saved at", timeout=SAVE_TIMEOUT)

    page.bring_to_front()
    page.get_by_label(WHY_FIRST).fill("Only typed here")
    expect(save_status(page)).to_have_text("Saved elsewhere — see below", timeout=SAVE_TIMEOUT)
    page.get_by_role("link", name="Use the saved version").click()

    expect(page.get_by_role("region", name="Saved elsewhere")).to_have_count(0)
    expect(page.get_by_label(WHY_FIRST)).to_have_value("")
    roles = page.get_by_role("group", name=ROLES)
    expect(roles.get_by_label("Item 1", exact=True)).to_have_value("Saved from the other tab")
    expect(save_status(page)).to_contain_text("Showing the version saved at")

    # The page now holds the saved version, so the next save goes through.
    page.get_by_label(WHY_FIRST).fill("A fresh start")
    expect(save_status(page)).to_contain_text("All changes saved at", timeout=SAVE_TIMEOUT)
    assert saved_answers(enrollment, exercise)["future-roles"] == ["Saved from the other tab"]
    assert saved_answers(enrollment, exercise)["most-exciting-role"] == "A fresh start"
