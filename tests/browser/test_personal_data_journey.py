"""A person downloads their data, watching a large file being built, then deletes their account.

The file counts as large so that it goes to the background task; the task is not
queued but run from the test once the page has shown some progress, as a worker
would run it, while the page keeps polling by itself.
"""

import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from apps.accounts import selectors
from apps.accounts.models import DataExport, User
from apps.accounts.tasks import build_data_export
from tests.accounts import history as h
from tests.browser.conftest import open_menu
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_person_downloads_their_data_then_deletes_their_account(
    browser_page, live_server, monkeypatch
):
    monkeypatch.setattr(selectors, "IMMEDIATE_EXPORT_MAX_ROWS", 0)
    monkeypatch.setattr(build_data_export, "delay", lambda export_id: None)
    history = h.build_history()
    page = browser_page

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(h.EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    open_menu(page, "Account")
    page.get_by_role("link", name="Profile").click()
    page.get_by_role("link", name="Download your data").click()
    page.get_by_role("button", name="Download your data").click()

    expect(page.get_by_text("Your data is being gathered")).to_be_visible()
    export = DataExport.objects.get(user=history.user)
    DataExport.objects.filter(pk=export.pk).update(status="building", progress=40)
    progress = page.get_by_role("progressbar", name="Progress of your data file")
    expect(progress).to_have_attribute("value", "40")
    DataExport.objects.filter(pk=export.pk).update(status="queued")
    build_data_export(export.pk)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the file").click()
    data = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert data["rounds"][0]["motivation"] == h.MOTIVATION

    page.get_by_role("link", name="Your profile").click()
    page.get_by_role("link", name="Delete your account").click()
    page.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_role("alert")).to_contain_text("This field is required")
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Delete my account").click()

    expect(page.get_by_role("heading", name="Your account is deleted")).to_be_visible()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()
    assert User.objects.get(pk=history.user.pk).is_deleted
