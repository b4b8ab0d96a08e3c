"""The demo outbox shows staff what the platform emailed, in demo mode only."""

import os
import time

import pytest
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.reminders.services import reminders_send_batch
from bench.reminders import create_due_meeting_reminders

pytestmark = pytest.mark.django_db

URL = "/demo/outbox/"


@pytest.fixture
def outbox_dir(settings, tmp_path):
    """Demo mode, keeping email as files in a folder of the test's own."""
    settings.DEMO_MODE = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path / "mail"
    return settings.EMAIL_FILE_PATH


def send(*messages):
    """Send over one connection, as a reminder batch does: one file, several messages."""
    with get_connection() as conn:
        conn.send_messages(list(messages))


def test_the_outbox_is_at_demo_outbox():
    assert reverse("demo:outbox") == URL


def test_outside_demo_mode_the_outbox_is_404_even_for_staff(staff_client, settings, tmp_path):
    settings.DEMO_MODE = False
    settings.EMAIL_FILE_PATH = tmp_path
    assert staff_client.get(URL).status_code == 404


@pytest.mark.parametrize("who", ["anonymous", "participant"])
def test_in_demo_mode_only_staff_see_the_outbox(who, client, participant, outbox_dir):
    if who == "participant":
        client.force_login(participant)
    send(EmailMessage("Secret link", "https://example.com/confirm/abc", to=["pat@example.com"]))
    response = client.get(URL)
    assert response.status_code == 404
    assert b"confirm/abc" not in response.content


def test_staff_see_sent_emails_newest_first_with_links_to_follow(staff_client, outbox_dir):
    send(
        EmailMessage("First", "Hello.", to=["a@example.com"]),
        EmailMessage("Second", "Confirm: https://example.com/confirm/abc", to=["b@example.com"]),
    )
    time.sleep(0.05)  # a later file, past the file system's timestamp tick
    html = EmailMultiAlternatives("Third", "Plain text.", to=["c@example.com"])
    html.attach_alternative("<p>Rich text.</p>", "text/html")
    send(html)

    page = staff_client.get(URL).content.decode()

    assert page.index("Third") < page.index("Second") < page.index("First")
    assert '<a href="https://example.com/confirm/abc"' in page
    assert "an HTML version was sent too" in page
    assert "To b@example.com" in page


def test_staff_can_filter_by_recipient(staff_client, outbox_dir):
    send(
        EmailMessage("For Ann", "Hi Ann.", to=["ann@example.com"]),
        EmailMessage("For Bob", "Hi Bob.", to=["bob@example.com"]),
    )
    page = staff_client.get(URL, {"to": "ANN@"}).content.decode()
    assert "For Ann" in page and "For Bob" not in page
    page = staff_client.get(URL, {"to": "zed"}).content.decode()
    assert "No email to an address containing “zed”." in page


def test_a_single_eml_file_is_shown_too(staff_client, outbox_dir):
    outbox_dir.mkdir()
    message = EmailMessage("Kept as eml", "Body.", to=["eml@example.com"]).message()
    (outbox_dir / "one.eml").write_bytes(message.as_bytes())
    assert "Kept as eml" in staff_client.get(URL).content.decode()


def test_what_people_wrote_is_shown_as_text_never_run(staff_client, outbox_dir):
    send(
        EmailMessage(
            "<script>alert(1)</script>",
            'Look: <img src=x onerror="alert(2)"> and javascript:alert(3)',
            to=["x@example.com"],
        )
    )
    page = staff_client.get(URL).content.decode()
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page
    assert "<img" not in page
    assert 'href="javascript:' not in page


def test_a_reminder_the_dispatcher_sent_shows_up(staff_client, outbox_dir):
    [reminder_id] = create_due_meeting_reminders(1)
    assert reminders_send_batch().sent == 1

    page = staff_client.get(URL).content.decode()

    assert "Tomorrow" in page and "Session 1: Rewards" in page
    assert f"reminder-{reminder_id}@" in page


def test_before_anything_is_sent_the_page_says_so(staff_client, outbox_dir):
    page = staff_client.get(URL).content.decode()
    assert "No email has been sent yet." in page
    assert not os.path.exists(outbox_dir)  # reading the outbox creates nothing


def test_without_an_email_folder_setting_the_page_explains(staff_client, settings):
    settings.DEMO_MODE = True
    del settings.EMAIL_FILE_PATH
    response = staff_client.get(URL)
    assert response.status_code == 200
    assert "Sent emails are not being kept" in response.content.decode()


def test_the_outbox_costs_the_same_queries_however_many_emails(staff_client, outbox_dir):
    send(EmailMessage("One", "1", to=["a@example.com"]))
    staff_client.get(URL)  # warm up the session and the user
    with CaptureQueriesContext(connection) as few:
        staff_client.get(URL)
    send(*(EmailMessage(f"Many {n}", "n", to=["a@example.com"]) for n in range(30)))
    with CaptureQueriesContext(connection) as many:
        staff_client.get(URL)
    assert len(many) == len(few)


def test_a_message_without_a_date_still_lists(staff_client, outbox_dir):
    outbox_dir.mkdir()
    (outbox_dir / "odd.log").write_bytes(
        b"To: d@example.com\nSubject: Undated\n\nNo date header.\n" + b"-" * 79 + b"\n"
    )
    send(EmailMessage("Dated", "d", to=["d@example.com"]))
    page = staff_client.get(URL).content.decode()
    assert "Undated" in page and "Dated" in page


def test_only_the_newest_emails_are_shown(staff_client, outbox_dir, monkeypatch):
    from apps.demo import views

    monkeypatch.setattr(views, "MAX_EMAILS", 3)
    for n in range(5):
        send(EmailMessage(f"Number {n}", "n", to=["a@example.com"]))
        time.sleep(0.05)  # one file each, in order: some file systems stamp times in 10 ms ticks
    page = staff_client.get(URL).content.decode()
    assert [f"Number {n}" in page for n in range(5)] == [False, False, True, True, True]
    assert "Only the newest emails are shown." in page
