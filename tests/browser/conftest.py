"""Fixtures for browser tests: Debian's Chromium driven by Playwright.

Playwright's own browser downloads are not used (and cannot be fetched on
machines without general internet access); we point it at the system Chromium
that scripts/ensure-system-packages installs.  Modules that use `browser_page`
mark themselves with ``pytestmark = pytest.mark.browser``.
"""

import os
import shutil
import tempfile

import pytest

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
