"""A worker killed with SIGKILL in the middle of a batch loses nothing and sends nothing twice.

Part-way through the batch the sink stops answering, neither yes nor no, and
the worker is killed (process group, SIGKILL) while it waits for answers: the
one moment a real crash is most likely to land, inside a send. The held
messages are never accepted, so the rows behind them are still claimed but
unconfirmed. A new worker, started once the claim timeout
(shortened to a few seconds through REMINDER_CLAIM_TIMEOUT_SECONDS) has
passed, takes it up with the rest. The gap the design does not close, a kill
between the server's "250" and the UPDATE that follows it, is not what this
test aims at; it checks that everything else is exactly once.
"""

import time
from collections import Counter

import pytest

from apps.reminders.models import Notification, Reminder
from bench.reminders import CeleryWorker, create_due_meeting_reminders
from bench.reminders.smtp_sink import SmtpSink
from courseplatform.celery import app
from tests.reminders.support import (
    delete_queue,
    message_id,
    needs_redis,
    new_queue,
    reminder_id,
    skip_unless_postgresql,
    wait_until,
    worker_env,
)

pytestmark = [needs_redis, pytest.mark.django_db(transaction=True)]

CLAIM_TIMEOUT_SECONDS = 4
REMINDERS = 250
KILL_AT = 40  # the message the worker is killed while sending


@pytest.fixture
def sink():
    with SmtpSink() as sink:
        yield sink


@pytest.fixture
def queue():
    name = new_queue()
    yield name
    delete_queue(name)


@pytest.fixture
def workers(sink, queue):
    """Start workers on the test database; every one is killed at the end, pass or fail."""
    skip_unless_postgresql("a worker process cannot reach SQLite's in-memory test database")
    env = worker_env(sink, queue=queue, REMINDER_CLAIM_TIMEOUT_SECONDS=str(CLAIM_TIMEOUT_SECONDS))
    started = []

    def start():
        worker = CeleryWorker(env=env)
        started.append(worker)
        return worker.start()

    yield start
    for worker in started:
        worker.close()


def tick_until(done, *, worker, timeout=90.0):
    """Send reminders.tick every second, as beat would every minute, until done() is true.

    A batch hands back what it could not send in half the (here short) claim
    timeout, so one tick's batches may not be enough.
    """
    deadline = time.monotonic() + timeout
    while True:
        app.send_task("reminders.tick", queue=worker.env["REMINDERS_TEST_QUEUE"])
        if done():
            return
        assert time.monotonic() < deadline, worker.log()


def test_a_worker_killed_mid_send_loses_nothing_and_sends_nothing_twice(sink, queue, workers):
    ids = create_due_meeting_reminders(REMINDERS)
    held = sink.hold(at=KILL_AT)

    first = workers()
    tick_until(lambda: held.wait(timeout=1.0), worker=first)
    # The server answers nothing from here on; once the worker has recorded what it did
    # accept, the worker is stuck in sends, the moment a real crash most likely lands in.
    assert wait_until(
        lambda: Reminder.objects.filter(status=Reminder.Status.SENT).count() == KILL_AT - 1,
        timeout=10,
    ), first.log()
    first.kill()
    killed_at = time.monotonic()

    # A server that has not said "250" has not taken the message (RFC 5321, 4.1.1.4):
    # the sink drops it when the connection goes, and only then lets go of the hold.
    assert wait_until(lambda: held.message_id in sink.aborted, timeout=10)
    held.release()
    # What the sink accepted is exactly what the dead worker confirmed.
    in_flight = Reminder.objects.get(pk=reminder_id(held.message_id))
    assert in_flight.status == Reminder.Status.SENDING
    assert sink.distinct == KILL_AT - 1 and not sink.duplicates()
    assert Reminder.objects.filter(status=Reminder.Status.SENT).count() == KILL_AT - 1

    # A new worker, once the dead one's claims have timed out; beat ticks every minute,
    # the test every second.
    time.sleep(max(0.0, killed_at + CLAIM_TIMEOUT_SECONDS + 0.5 - time.monotonic()))
    second = workers()
    tick_until(lambda: sink.wait_for(distinct=REMINDERS, timeout=1.0), worker=second)
    assert wait_until(
        lambda: not Reminder.objects.exclude(status=Reminder.Status.SENT).exists(), timeout=10
    ), second.log()
    time.sleep(0.5)  # a duplicate would arrive after the last new message

    assert sink.duplicates() == {}
    assert set(sink.counts()) == {message_id(pk) for pk in ids}
    assert Counter(Reminder.objects.values_list("status", flat=True)) == {"sent": REMINDERS}
    assert Notification.objects.count() == REMINDERS
    in_flight.refresh_from_db()
    assert in_flight.attempts == 2  # claimed by the dead worker, then by the new one
