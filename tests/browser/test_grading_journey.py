"""A facilitator filters their queue and grades it submission after submission, in Chromium."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from apps.submissions.models import Feedback, Submission
from tests.browser.conftest import CHROMIUM_ARGS, chromium_path
from tests.factories import PASSWORD, ExerciseFactory
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


def log_in(page, live_server, user):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()


def test_facilitator_filters_the_queue_and_grades_it_submission_after_submission(live_server, page):
    course = build_course()
    other = ExerciseFactory(unit=course.exercise.unit, title="Reflect", rubric=None)
    oldest = submitted(place(course, display_name="Olive"), course.exercise, late=True)
    submitted(place(course, display_name="Otto"), other, at=SUBMITTED_AT + timedelta(hours=1))
    submitted(place(course, display_name="Nico"), course.exercise,
              at=SUBMITTED_AT + timedelta(hours=2))  # fmt: skip

    log_in(page, live_server, course.facilitator.user)
    page.goto(f"{live_server.url}/grading/")
    page.get_by_role("link", name=course.cohort.name).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("3 waiting for grading")

    # Filtering swaps the list in place and keeps the address in step.
    page.get_by_label("Status").select_option("accepted")
    expect(page.get_by_role("status").first).to_have_text("No submissions match these filters.")
    expect(page).to_have_url(re.compile(r"status=accepted"))
    page.get_by_label("Status").select_option("submitted")
    page.get_by_label("Exercise").select_option(str(course.exercise.pk))
    expect(page.locator("#queue-summary")).to_contain_text("Showing 1–2 of 2")

    page.get_by_role("link", name="Grade the oldest waiting submission").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("by Olive")

    total = page.locator("#rubric-total")
    page.get_by_role("group", name="Specific").get_by_label("Fully").check()
    expect(total).to_have_text("3 of 6 points")
    realistic = page.get_by_role("group", name="Realistic").get_by_label("Partly")
    realistic.check()
    expect(total).to_have_text("4 of 6 points")
    page.get_by_role("group", name="Decision").get_by_label("Return for revision").check()

    # Enter on a level must not save the decision.
    realistic.press("Enter")
    page.wait_for_timeout(300)
    assert not Feedback.objects.exists()

    page.get_by_role("button", name="Save and next").click()
    expect(page.get_by_role("alert")).to_contain_text("Say what to revise when returning work.")
    expect(page.get_by_role("group", name="Specific").get_by_label("Fully")).to_be_checked()
    expect(total).to_have_text("4 of 6 points")

    page.get_by_label("Comment").fill("Add a date to each step.")
    page.get_by_role("button", name="Save and next").click()

    # On to Nico's work, Otto's other exercise skipped as the filter says.
    expect(page.get_by_role("heading", level=1)).to_contain_text("by Nico")
    expect(page).to_have_url(re.compile(rf"exercise={course.exercise.pk}"))
    expect(page.get_by_text("Returned Olive’s “Plan your career” for revision (4 of 6 points)."))
    oldest.refresh_from_db()
    assert oldest.status == Submission.Status.RETURNED
    assert Feedback.objects.get().comment == "Add a date to each step."

    page.get_by_role("group", name="Specific").get_by_label("Partly").check()
    page.get_by_role("group", name="Realistic").get_by_label("Fully").check()
    page.get_by_role("group", name="Decision").get_by_label("Accept").check()
    page.get_by_role("button", name="Save and next").click()

    expect(page.get_by_text("That was the last submission in this queue.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("1 waiting for grading")
    expect(page.get_by_label("Exercise")).to_have_value(str(course.exercise.pk))


def box(locator) -> dict:
    found = locator.bounding_box()
    assert found is not None
    return found


def test_on_a_wide_screen_the_answers_and_the_rubric_sit_side_by_side_with_the_rubric_in_view(
    live_server, page
):
    course = build_course()
    long_answer = "\n\n".join(f"Paragraph {n}: " + "a reason that takes a while. " * 20
                               for n in range(12))  # fmt: skip
    work = submitted(place(course, display_name="Olive"), course.exercise,
                     answers={"roles": ["Engineer"], "why": long_answer})  # fmt: skip
    log_in(page, live_server, course.facilitator.user)

    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_server.url}/grading/submissions/{work.pk}/")
    answers = page.get_by_role("region", name="Answers in revision 1")
    feedback = page.get_by_role("region", name="Your feedback")
    assert box(feedback)["x"] >= box(answers)["x"] + box(answers)["width"]
    page.get_by_text("Paragraph 11:").scroll_into_view_if_needed()
    assert page.evaluate("window.scrollY") > 800
    specific = box(page.get_by_role("group", name="Specific"))
    assert 0 <= specific["y"] < 800  # still on screen

    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"{live_server.url}/grading/submissions/{work.pk}/")
    answers = page.get_by_role("region", name="Answers in revision 1")
    feedback = page.get_by_role("region", name="Your feedback")
    assert box(feedback)["y"] >= box(answers)["y"] + box(answers)["height"]
    assert box(feedback)["x"] + box(feedback)["width"] <= 390


# The text of the chosen option, measured in the select's own font, against the room it has
# (its width less its padding and the arrow Chromium draws inside it).
CHOSEN_OPTION_FITS = """select => {
  const style = getComputedStyle(select);
  const context = document.createElement("canvas").getContext("2d");
  context.font = style.font;
  const text = context.measureText(select.options[select.selectedIndex].text).width;
  const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  return text + 20 <= room;
}"""


def test_on_a_wide_screen_each_queue_filter_shows_its_whole_choice(live_server, page):
    course = build_course()
    course.exercise.unit.title = "Contributing to AI alignment in the years ahead"
    course.exercise.unit.save()
    course.exercise.title = "Plan your career in AI safety, with cheap tests of fit"
    course.exercise.save()
    submitted(place(course), course.exercise)
    log_in(page, live_server, course.facilitator.user)

    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_server.url}/grading/cohorts/{course.cohort.pk}/")
    page.get_by_label("Session").select_option(str(course.exercise.unit.pk))
    page.get_by_label("Exercise").select_option(str(course.exercise.pk))
    expect(page.locator("#queue-summary")).to_contain_text("Showing 1–1 of 1")

    for name in ("Session", "Exercise", "Status"):
        assert page.get_by_label(name).evaluate(CHOSEN_OPTION_FITS), name


def test_without_javascript_enter_on_a_level_saves_nothing_and_asks_for_a_button(
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

        page.get_by_role("group", name="Decision").get_by_label("Accept").check()
        level = page.get_by_role("group", name="Specific").get_by_label("Fully")
        level.check()
        level.press("Enter")

        expect(page.get_by_role("alert")).to_contain_text(
            "Press “Save and next” or “Save and back to the queue” to save."
        )
        expect(page.get_by_role("group", name="Specific").get_by_label("Fully")).to_be_checked()
        expect(page.get_by_role("group", name="Decision").get_by_label("Accept")).to_be_checked()
        expect(page.locator("#rubric-total")).to_have_text("3 of 6 points")
        assert not Feedback.objects.exists()
    finally:
        browser.close()
