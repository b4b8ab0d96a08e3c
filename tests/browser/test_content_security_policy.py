"""Chromium opens every page under the site's Content Security Policy and reports nothing.

The conftest fails any browser test on a violation; these tests open the pages no
journey reaches, try the controls whose code moved out of the pages, and check
that the conftest's watch does catch violations.
"""

import itertools

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import CHROMIUM_ARGS, chromium_path, sign_in, url_of
from tests.every_page import AWAITING_FIX

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_every_page_opens_without_a_csp_violation(
    live_server, browser_page, client, site, no_csp_violations
):
    page, watch = browser_page, no_csp_violations
    broken = [p for p in site.pages if p.name in AWAITING_FIX]
    clean = [p for p in site.pages if p.name not in AWAITING_FIX]
    for user, pages in itertools.groupby([*clean, *broken], key=lambda p: p.user):
        sign_in(page.context, client, live_server, user)
        for each in pages:
            page.goto(live_server.url + each.url, wait_until="load")
            if each.name in AWAITING_FIX:
                assert watch.seen, f"{each} is fixed: remove it from AWAITING_FIX"
                watch.seen.clear()
            assert not watch.seen, f"{each}: {watch.seen}"


def test_the_print_button_prints(live_server, browser_page, client, site):
    page = browser_page
    sign_in(page.context, client, live_server, site.facilitator)
    page.goto(url_of(live_server, site, "plans:cohort"))
    page.evaluate("window.print = function () { document.body.dataset.printed = 'yes'; }")
    page.get_by_role("button", name="Print").click()
    expect(page.locator("body")).to_have_attribute("data-printed", "yes")


def test_the_calendar_link_is_copied(live_server, browser_page, client, site):
    page = browser_page
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    sign_in(page.context, client, live_server, site.participant)
    page.goto(url_of(live_server, site, "cohorts:mine"))
    page.get_by_role("button", name="Copy link").click()
    expect(page.get_by_text("Copied.")).to_be_visible()
    address = page.get_by_label("Calendar link").input_value()
    assert page.evaluate("navigator.clipboard.readText()") == address


def test_sessions_and_readings_are_added_in_the_admin(live_server, browser_page, client, site):
    """django-nested-admin's links have javascript: addresses, which the policy refuses to
    follow; its own script handles the clicks, so none is followed."""
    page = browser_page
    sign_in(page.context, client, live_server, site.staff)
    page.goto(url_of(live_server, site, "admin:courses_course_add"))
    page.get_by_role("link", name="Add another Unit").click()
    page.get_by_role("link", name="Add another Resource").click()
    page.get_by_role("link", name="Add another Exercise").click()
    remove = page.get_by_role("link", name="Remove")
    expect(remove).to_have_count(3)
    remove.last.click()
    expect(remove).to_have_count(2)
    expect(page).to_have_url(url_of(live_server, site, "admin:courses_course_add"))


def test_the_watch_catches_an_inline_style(live_server, browser_page, no_csp_violations):
    page = browser_page
    page.goto(f"{live_server.url}/accounts/login/")
    # Resolves once the page has heard of the violation, after the watch's own listener.
    page.evaluate("""new Promise(function (resolve) {
      document.addEventListener("securitypolicyviolation", resolve, {once: true});
      document.body.insertAdjacentHTML("beforeend", '<p style="color: red">Red</p>');
    }).then(function () {})""")
    # Chromium's own report and the one from the page's event.
    assert len(no_csp_violations.seen) == 2, no_csp_violations.seen
    assert "style-src-attr blocked inline" in no_csp_violations.seen[1]
    no_csp_violations.seen.clear()


def test_a_browser_may_not_bypass_the_policy(playwright_instance):
    browser = playwright_instance.chromium.launch(
        executable_path=chromium_path(), args=CHROMIUM_ARGS
    )
    try:
        with pytest.raises(AssertionError, match="bypass_csp"):
            browser.new_context(bypass_csp=True)
        with pytest.raises(AssertionError, match="bypass_csp"):
            browser.new_page(bypass_csp=True)
    finally:
        browser.close()
