"""A real Celery worker, on the real Redis broker, sends due reminders once each.

The worker is a separate `celery -A courseplatform worker` process on the test
database; its email goes over SMTP to a sink in this process, which counts
messages by Message-ID. Its data must be committed to be seen, hence
transactional tests.
"""

import re
import time
from collections import Counter
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from apps.reminders.models import Notification, Reminder
from apps.reminders.tasks import send_batch
from apps.rounds.models import RoundUnit
from apps.submissions.models import Submission
from bench.reminders import CeleryWorker, create_due_meeting_reminders, daytime_zone
from bench.reminders.smtp_sink import SmtpSink
from courseplatform.celery import app
from tests.factories import (
    EnrollmentFactory,
    ExerciseFactory,
    RoundFactory,
    SubmissionFactory,
    UnitFactory,
)
from tests.reminders.support import (
    delete_queue,
    message_id,
    needs_redis,
    new_queue,
    skip_unless_postgresql,
    wait_until,
    worker_env,
)

pytestmark = [needs_redis, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def sink():
    with SmtpSink() as sink:
        yield sink


@pytest.fixture(scope="module")
def queue():
    name = new_queue()
    yield name
    delete_queue(name)


@pytest.fixture(scope="module")
def worker(django_db_setup, sink, queue):
    """One worker process for the module; stopped (and killed if need be) at the end."""
    skip_unless_postgresql("a worker process cannot reach SQLite's in-memory test database")
    with CeleryWorker(env=worker_env(sink, queue=queue)) as worker:
        yield worker


@pytest.fixture(autouse=True)
def fresh_sink(sink):
    sink.reset()


class WorkerLog:
    """What the worker logged since the test began."""

    def __init__(self, worker):
        self.worker = worker
        self.start = len(worker.log())

    def __str__(self):
        return self.worker.log()[self.start :]

    def count(self, pattern: str) -> int:
        return len(re.findall(pattern, str(self)))


@pytest.fixture
def log(worker):
    return WorkerLog(worker)


def all_done(ids) -> bool:
    return not Reminder.objects.filter(
        pk__in=ids, status__in=[Reminder.Status.PENDING, Reminder.Status.SENDING]
    ).exists()


def test_tick_queues_batches_and_the_worker_sends_every_due_reminder_once(worker, sink, queue, log):
    ids = create_due_meeting_reminders(250)  # two batches of 200

    app.send_task("reminders.tick", queue=queue)

    assert sink.wait_for(distinct=250, timeout=60), log
    assert wait_until(lambda: all_done(ids), timeout=10), log
    time.sleep(0.5)  # a duplicate would arrive after the last new message
    assert sink.duplicates() == {}
    assert set(sink.counts()) == {message_id(pk) for pk in ids}
    assert Counter(Reminder.objects.values_list("status", flat=True)) == {"sent": 250}
    assert Notification.objects.filter(reminder_id__in=ids).count() == 250
    assert log.count(r"Task reminders\.tick\[[^\]]+\] succeeded in [\d.]+s: 2\b") == 1, log
    assert log.count(r"Task reminders\.send_batch\[[^\]]+\] succeeded") == 2, log


def test_the_worker_skips_a_reminder_whose_work_is_done(worker, sink, queue, log):
    now = timezone.now()
    round_ = RoundFactory()
    unit = UnitFactory(course=round_.course)
    exercise = ExerciseFactory(unit=unit)
    entry = RoundUnit.objects.create(
        round=round_, unit=unit, week_starts_on=now.date(), due_at=now + timedelta(hours=30)
    )
    zone = daytime_zone()
    done, busy = (EnrollmentFactory(round=round_, user__time_zone=zone) for _ in range(2))
    SubmissionFactory(
        enrollment=done, exercise=exercise, status=Submission.Status.SUBMITTED, submitted_at=now
    )
    reminders = {
        enrollment: Reminder.objects.create(
            user=enrollment.user,
            round=round_,
            kind="exercise_due",
            occasion=f"due:{entry.pk}",
            due_at=now - timedelta(minutes=1),
        )
        for enrollment in (done, busy)
    }

    app.send_task("reminders.tick", queue=queue)

    assert wait_until(lambda: all_done([r.pk for r in reminders.values()]), timeout=30), log
    skipped, sent = (Reminder.objects.get(pk=reminders[e].pk) for e in (done, busy))
    assert (skipped.status, skipped.skip_reason) == ("skipped", "everything is submitted")
    assert sent.status == "sent"
    time.sleep(0.5)
    assert sink.counts() == {message_id(sent.pk): 1}


@pytest.fixture
def default_queue(queue):
    """Tasks sent without naming a queue, as request code sends them, go to the worker's."""
    before = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    yield queue
    app.conf.task_default_queue = before


def test_a_batch_queued_on_commit_reaches_the_worker_only_after_the_commit(
    worker, sink, default_queue, log
):
    received = r"Task reminders\.send_batch\[[^\]]+\] received"

    class RolledBack(Exception):
        pass

    with pytest.raises(RolledBack), transaction.atomic():
        create_due_meeting_reminders(1)
        send_batch.delay_on_commit()
        raise RolledBack
    time.sleep(1.0)
    assert log.count(received) == 0, "a rolled-back transaction queued a task"

    with transaction.atomic():
        [pk] = create_due_meeting_reminders(1)
        send_batch.delay_on_commit()
        # Queued now, the worker would run the batch before the reminder is committed,
        # find nothing to claim, and the reminder would wait for the next tick.
        time.sleep(1.0)
        assert log.count(received) == 0, "the task was queued before the commit"

    assert sink.wait_for(distinct=1, timeout=30), log
    assert wait_until(lambda: all_done([pk]), timeout=10), log
    assert sink.counts() == {message_id(pk): 1}
    assert log.count(received) == 1
