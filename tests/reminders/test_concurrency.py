"""Two dispatchers at once never send a reminder twice, and a slow one steps aside in time."""

import threading
from collections import Counter

import pytest
from django.db import connections

from apps.reminders.models import Notification, Reminder
from apps.reminders.services import DispatchResult, reminders_send_batch
from bench.reminders import create_due_meeting_reminders
from bench.reminders.smtp_sink import SmtpSink
from tests.reminders.support import message_id, skip_unless_postgresql


@pytest.mark.django_db(transaction=True)
def test_two_dispatchers_at_once_send_every_reminder_exactly_once(settings):
    skip_unless_postgresql("two dispatchers need row locks (SKIP LOCKED), which SQLite lacks")
    ids = create_due_meeting_reminders(300)
    sent_by: list[list[int]] = [[], []]
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def dispatch(number: int) -> None:
        """Claim and send batches until one comes back empty, on this thread's own connection."""
        try:
            start.wait(timeout=10)
            while (result := reminders_send_batch(batch_size=25)) != DispatchResult():
                sent_by[number].append(result.sent)
        except BaseException as error:  # noqa: BLE001 - reported by the test below
            errors.append(error)
        finally:
            connections.close_all()

    # A few milliseconds per message, so both are mid-batch at the same time.
    with SmtpSink(delay=0.003) as sink:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = sink.host, sink.port
        settings.EMAIL_USE_TLS, settings.EMAIL_TIMEOUT = False, 10
        threads = [threading.Thread(target=dispatch, args=(n,)) for n in (0, 1)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        counts = sink.counts()

    assert not errors, errors
    assert not any(thread.is_alive() for thread in threads)
    assert all(sent_by), f"one dispatcher sent nothing: {sent_by}"
    assert sum(map(sum, sent_by)) == 300
    assert counts == Counter({message_id(pk): 1 for pk in ids})
    assert Counter(Reminder.objects.values_list("status", flat=True)) == {"sent": 300}
    assert Notification.objects.count() == 300


@pytest.mark.django_db
def test_a_batch_slower_than_half_its_claim_timeout_hands_the_rest_back(settings, mailoutbox):
    # Past the claim timeout another dispatcher may claim these rows too; this one must
    # have stopped sending them by then. A claim of 2 s stops sending after 1 s: at 0.3 s
    # a message, at most four can start in time.
    settings.REMINDER_CLAIM_TIMEOUT_SECONDS = 2
    settings.EMAIL_BACKEND = "tests.reminders.support.SlowEmailBackend"
    settings.SLOW_EMAIL_SECONDS = 0.3
    ids = create_due_meeting_reminders(12)
    rows = Reminder.objects.filter(pk__in=ids)

    first = reminders_send_batch()

    assert first.sent <= 4 and first.sent + first.released == 12
    assert rows.filter(status="sent").count() == first.sent
    released = rows.filter(status="pending")
    assert released.count() == first.released
    assert set(released.values_list("claimed_at", "attempts")) == {(None, 0)}

    for _ in range(10):
        if not reminders_send_batch().released:
            break
    assert Counter(rows.values_list("status", flat=True)) == {"sent": 12}
    assert sorted(m.extra_headers["Message-ID"] for m in mailoutbox) == sorted(
        message_id(pk) for pk in ids
    )
