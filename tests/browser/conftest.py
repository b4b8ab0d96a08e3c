"""Fixtures for browser tests: Debian's Chromium driven by Playwright.

Playwright's own browser downloads are not used (and cannot be fetched on
machines without general internet access); we point it at the system Chromium
that scripts/ensure-system-packages installs.  Modules that use `browser_page`
mark themselves with ``pytestmark = pytest.mark.browser``.

Every page of every test runs under the site's Content Security Policy, and a
test fails when the browser reports a violation of it, however the test made
its browser: see `CspWatch`.
"""

import functools
import os
import shutil
import tempfile

import pytest
import time_machine
from django.conf import settings
from playwright.sync_api import Browser, BrowserContext, BrowserType, expect

from tests.every_page import DURING_REVIEWS, build_site
from tests.factories import PASSWORD

# Playwright's sync API runs an asyncio event loop in the calling thread.
# Django sees that loop and refuses ORM calls from the same thread
# (SynchronousOnlyOperation), which would break any browser test that also
# touches the database.  The loop is Playwright's, not ours; the ORM calls are
# really synchronous, so lifting the check is safe here.  Done at import time
# so it is in place before any test runs.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--headless",
    # Running as root (containers, CI) Chromium refuses to start with its
    # sandbox on.
    "--no-sandbox",
    "--disable-gpu",
    # The machines have no general network access; without these Chromium
    # keeps trying to reach Google services, slowing startup and spamming logs.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


def chromium_path():
    return os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium"


# Runs in every document before its own scripts. Chromium also logs each
# violation to the console itself, but only the event carries the page's
# address and the blocked sample, which make the failure easy to trace.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", function (event) {
  console.error(
    "Content Security Policy violation: " + event.effectiveDirective +
    " blocked " + (event.blockedURI || "?") + " on " + event.documentURI +
    " (" + (event.sourceFile || "") + ":" + event.lineNumber + ") " + event.sample
  );
}, true);
"""


class CspWatch:
    """Collects Content Security Policy violations from every browser context.

    Browser tests make their browsers in several ways (a persistent profile, a
    browser per module, contexts with JavaScript off), so instead of each test
    remembering to listen, the three Playwright calls that create a context
    are wrapped once for the session: each new context gets the reporting
    script and a console listener, and asking for `bypass_csp` is an error.
    """

    def __init__(self):
        self.seen: list[str] = []

    def watch(self, context: BrowserContext) -> BrowserContext:
        context.add_init_script(REPORT_VIOLATIONS)
        context.on("console", self._console)
        return context

    def _console(self, message) -> None:
        if "content security policy" in message.text.lower():
            self.seen.append(message.text)

    def wrap(self, create, context_of):
        @functools.wraps(create)
        def created(*args, **kwargs):
            if kwargs.get("bypass_csp"):
                raise AssertionError("Browser tests run under the site's CSP: no bypass_csp.")
            made = create(*args, **kwargs)
            self.watch(context_of(made))
            return made

        return created


@pytest.fixture(scope="session")
def csp_watch():
    watch = CspWatch()
    patches = pytest.MonkeyPatch()
    same = lambda made: made  # noqa: E731
    patches.setattr(Browser, "new_context", watch.wrap(Browser.new_context, same))
    patches.setattr(Browser, "new_page", watch.wrap(Browser.new_page, lambda page: page.context))
    patches.setattr(
        BrowserType,
        "launch_persistent_context",
        watch.wrap(BrowserType.launch_persistent_context, same),
    )
    yield watch
    patches.undo()


@pytest.fixture(autouse=True)
def no_csp_violations(csp_watch):
    """Fails the test (at teardown, once its browsers have closed) on any CSP violation."""
    csp_watch.seen.clear()
    yield csp_watch
    seen, csp_watch.seen = csp_watch.seen, []
    assert not seen, "The browser reported Content Security Policy violations:\n" + "\n".join(seen)


@pytest.fixture(scope="session")
def playwright_instance():
    """One Playwright driver process for the whole session (it is slow to start)."""
    path = chromium_path()
    if not os.access(path, os.X_OK):
        pytest.fail(
            f"Chromium not found at {path}; run the tests through scripts/with-services "
            "or install Debian's `chromium` package (or set CHROMIUM_PATH)."
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture
def browser_page(playwright_instance):
    """A fresh Chromium (new empty profile) per test, yielding one Page."""
    # A persistent context with a brand-new user-data-dir keeps every test
    # isolated: no cookies, storage or cache leak from one test to the next.
    user_data_dir = tempfile.mkdtemp(prefix="chromium-profile-")
    context = None
    try:
        context = playwright_instance.chromium.launch_persistent_context(
            user_data_dir,
            executable_path=chromium_path(),
            headless=True,
            args=CHROMIUM_ARGS,
        )
        # A persistent context opens with one blank tab; reuse it.
        page = context.pages[0] if context.pages else context.new_page()
        page.set_default_timeout(15_000)
        yield page
    finally:
        if context is not None:
            context.close()
        shutil.rmtree(user_data_dir, ignore_errors=True)


@pytest.fixture
def site(settings, tmp_path):
    """Every page of tests/every_page.py, with its data, for tests that open them all."""
    settings.DEMO_MODE = True
    settings.EMAIL_FILE_PATH = tmp_path
    # Ticking, so that the live server's clock moves as the pages load.
    with time_machine.travel(DURING_REVIEWS):
        yield build_site(outbox=tmp_path)


def sign_in(context, client, live_server, user) -> None:
    """Puts a session for `user` (or none) into the browser, as logging in would."""
    context.clear_cookies()
    client.logout()
    if user is None:
        return
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )


def url_of(live_server, site, name) -> str:
    return live_server.url + next(page.url for page in site.pages if page.name == name)


def expect_signed_in(page) -> None:
    """Waits for the header's Account menu, which only someone signed in has."""
    expect(page.locator(".nav-group summary", has_text="Account")).to_be_attached()


def open_menu(page, group: str) -> None:
    """Opens a group of the navigation (Facilitate, Admin, Account), as a click on it does."""
    page.locator(".nav-group summary", has_text=group).click()


def log_out(page) -> None:
    open_menu(page, "Account")
    page.get_by_role("button", name="Log out").click()


@pytest.fixture
def browser(playwright_instance):
    """A browser of its own, for tests where several people are signed in at once."""
    browser = playwright_instance.chromium.launch(
        executable_path=chromium_path(), args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


def signed_in(browser, live_server, user):
    """A new window of `browser` in which `user` has signed in through the login page."""
    page = browser.new_context().new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect_signed_in(page)
    return page
