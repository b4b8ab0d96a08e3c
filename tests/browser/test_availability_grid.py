"""A participant gives their availability on the weekly grid: by click, drag and keyboard."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from apps.rounds.models import Enrollment
from tests.browser.conftest import CHROMIUM_ARGS, chromium_path, expect_signed_in
from tests.factories import PASSWORD, EnrollmentFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SUMMER_ROUND = date(2027, 6, 7)  # London is on BST (UTC+1) all that week
MONDAY = 0


def log_in(page, live_server, user):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect_signed_in(page)


def open_grid(page, live_server, zone="Europe/London", **enrollment):
    user = UserFactory(time_zone=zone)
    enrollment = EnrollmentFactory(user=user, round__starts_on=SUMMER_ROUND, **enrollment)
    log_in(page, live_server, user)
    page.goto(f"{live_server.url}/rounds/{enrollment.round.slug}/availability/")
    expect(page.get_by_role("heading", level=1)).to_have_text("When can you meet?")
    return enrollment


def cell(page, name):
    return page.get_by_role("checkbox", name=name, exact=True)


def drag(page, start, end):
    start.scroll_into_view_if_needed()
    a, b = start.bounding_box(), end.bounding_box()
    page.mouse.move(a["x"] + a["width"] / 2, a["y"] + a["height"] / 2)
    page.mouse.down()
    page.mouse.move(b["x"] + b["width"] / 2, b["y"] + b["height"] / 2, steps=8)
    page.mouse.up()


def checked_names(page) -> set[str]:
    return set(
        page.locator("table.week-grid input:checked").evaluate_all(
            "boxes => boxes.map(b => b.getAttribute('aria-label'))"
        )
    )


def test_a_participant_ticks_times_by_click_drag_and_keyboard_and_they_are_kept(
    live_server, browser_page
):
    page = browser_page
    enrollment = open_grid(page, live_server)
    expect(page.get_by_text("Europe/London").first).to_be_visible()
    status = page.locator("#hours-selected")
    expect(status).to_have_text("0 hours a week selected")

    # Click one time.
    cell(page, "Monday 18:00–18:30").click()
    expect(cell(page, "Monday 18:00–18:30")).to_be_checked()
    expect(page.get_by_text("Unsaved changes")).to_be_visible()
    expect(status).to_have_text("0.5 hours a week selected")

    # Drag down a column: Monday 19:00 to 20:30.
    drag(page, cell(page, "Monday 19:00–19:30"), cell(page, "Monday 20:30–21:00"))
    for time in ["19:00–19:30", "19:30–20:00", "20:00–20:30", "20:30–21:00"]:
        expect(cell(page, f"Monday {time}")).to_be_checked()
    expect(cell(page, "Monday 18:30–19:00")).not_to_be_checked()

    # Drag a rectangle: Saturday and Sunday, 10:00 to 11:00.
    drag(page, cell(page, "Saturday 10:00–10:30"), cell(page, "Sunday 10:30–11:00"))
    for day in ["Saturday", "Sunday"]:
        for time in ["10:00–10:30", "10:30–11:00"]:
            expect(cell(page, f"{day} {time}")).to_be_checked()

    # Keyboard: from Monday 18:00, the arrow keys move, Space ticks, Shift+arrows extend.
    cell(page, "Monday 18:30–19:00").focus()
    page.keyboard.press("Space")
    expect(cell(page, "Monday 18:30–19:00")).to_be_checked()
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    expect(cell(page, "Monday 17:30–18:00")).to_be_focused()
    page.keyboard.press("Space")
    page.keyboard.press("Shift+ArrowUp")
    page.keyboard.press("Shift+ArrowUp")
    expect(cell(page, "Monday 16:30–17:00")).to_be_focused()
    for time in ["16:30–17:00", "17:00–17:30", "17:30–18:00"]:
        expect(cell(page, f"Monday {time}")).to_be_checked()
    page.keyboard.press("ArrowRight")
    expect(cell(page, "Tuesday 16:30–17:00")).to_be_focused()
    expect(cell(page, "Tuesday 16:30–17:00")).not_to_be_checked()

    # Monday is now 16:30 to 21:00; give Tuesday to Friday the same.
    page.get_by_role("button", name="Copy Monday to all weekdays").click()
    expect(cell(page, "Friday 20:30–21:00")).to_be_checked()
    expect(cell(page, "Saturday 18:00–18:30")).not_to_be_checked()
    expect(status).to_have_text("24.5 hours a week selected")

    page.get_by_role("button", name="Save availability").click()
    expect(page.get_by_text("Your availability is saved.")).to_be_visible()
    expect(page.get_by_text("Unsaved changes")).to_be_hidden()

    weekdays = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
    evening = [f"{h:02d}:{m:02d}–{h + (m + 30) // 60:02d}:{(m + 30) % 60:02d}"
               for h in range(16, 21) for m in (0, 30)][1:]  # fmt: skip
    expected = {f"{day} {time}" for day in weekdays for time in evening} | {
        f"{day} {time}" for day in ["Saturday", "Sunday"] for time in ["10:00–10:30", "10:30–11:00"]
    }
    page.reload()
    assert checked_names(page) == expected

    # Stored in UTC: 16:30-21:00 London summer time is 15:30-20:00 UTC.
    stored = list(Enrollment.objects.get(pk=enrollment.pk).availability.values_list("start", "end"))
    day = 24 * 60
    assert stored == [(d * day + 930, d * day + 1200) for d in range(5)] + [
        (5 * day + 540, 5 * day + 600),
        (6 * day + 540, 6 * day + 600),
    ]


def test_dragging_from_a_ticked_time_unticks_the_block_and_clear_all_empties_the_grid(
    live_server, browser_page
):
    page = browser_page
    open_grid(page, live_server)
    drag(page, cell(page, "Wednesday 09:00–09:30"), cell(page, "Wednesday 11:30–12:00"))
    expect(page.locator("#hours-selected")).to_have_text("3 hours a week selected")

    drag(page, cell(page, "Wednesday 10:00–10:30"), cell(page, "Wednesday 10:30–11:00"))

    assert checked_names(page) == {
        "Wednesday 09:00–09:30",
        "Wednesday 09:30–10:00",
        "Wednesday 11:00–11:30",
        "Wednesday 11:30–12:00",
    }
    page.get_by_role("button", name="Clear all").click()
    assert checked_names(page) == set()
    page.get_by_role("button", name="Save availability").click()
    expect(page.get_by_text(re.compile("cannot place you in a cohort"))).to_be_visible()


def test_the_grid_is_one_stop_in_the_tab_order(live_server, browser_page):
    page = browser_page
    open_grid(page, live_server)
    boxes = page.locator("table.week-grid input[type=checkbox]")

    assert boxes.evaluate_all("bs => bs.filter(b => b.tabIndex === 0).length") == 1
    cell(page, "Thursday 12:00–12:30").click()
    assert boxes.evaluate_all("bs => bs.filter(b => b.tabIndex === 0).length") == 1
    expect(cell(page, "Thursday 12:00–12:30")).to_have_attribute("tabindex", "0")


def test_the_grid_works_without_javascript(live_server, playwright_instance):
    browser = playwright_instance.chromium.launch(
        executable_path=chromium_path(), args=CHROMIUM_ARGS
    )
    try:
        page = browser.new_context(java_script_enabled=False).new_page()
        enrollment = open_grid(page, live_server, role="facilitator", max_cohorts=1)
        expect(page.get_by_role("button", name="Copy Monday to all weekdays")).to_be_hidden()

        cell(page, "Tuesday 07:00–07:30").check()
        cell(page, "Tuesday 07:30–08:00").check()
        page.get_by_label("How many cohorts can you run?").select_option("2")
        page.get_by_role("button", name="Save availability").click()

        expect(page.get_by_text("Your availability is saved.")).to_be_visible()
        assert checked_names(page) == {"Tuesday 07:00–07:30", "Tuesday 07:30–08:00"}
        enrollment.refresh_from_db()
        assert enrollment.max_cohorts == 2
        assert list(enrollment.availability.values_list("start", "end")) == [
            (1440 + 360, 1440 + 420)
        ]
    finally:
        browser.close()
