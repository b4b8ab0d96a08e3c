"""Helpers for the tests that send reminders through real processes and sockets.

Imported explicitly by test_worker.py, test_crash.py and test_concurrency.py;
the processes themselves (SMTP sink, Celery workers) come from bench.reminders,
so the tests exercise exactly what the benchmark measures.
"""

import os
import time
import uuid
from collections.abc import Callable
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import connection

from apps.reminders import emails
from bench.reminders.smtp_sink import SmtpSink

REDIS_URL = os.environ.get("REDIS_URL", "")

needs_redis = pytest.mark.skipif(
    not REDIS_URL,
    reason="needs a real Redis broker: set REDIS_URL, or run through scripts/with-services",
)


def skip_unless_postgresql(why: str) -> None:
    if connection.vendor != "postgresql":
        pytest.skip(f"{why}; run through scripts/with-services")


def message_id(reminder_id: int) -> str:
    """The Message-ID header emails.build_message gives a reminder's email."""
    return emails.message_id(reminder_id)


def reminder_id(message_id: str) -> int:
    return int(message_id.split("@")[0].removeprefix("<reminder-"))


def new_queue() -> str:
    """A queue of the test's own, so nothing left over from another test reaches its worker."""
    return f"reminders-test-{uuid.uuid4().hex[:12]}"


def delete_queue(queue: str) -> None:
    import redis

    with redis.Redis.from_url(REDIS_URL) as client:
        client.delete(queue)


def worker_env(sink: SmtpSink, *, queue: str, **extra: str) -> dict[str, str]:
    """Environment for a worker process: the test database, the sink, the test's queue.

    PostgreSQL only: SQLite's test database lives in the test process's memory.
    """
    db = connection.settings_dict
    assert db["NAME"].startswith("test_"), "workers must only ever see the test database"
    auth = quote(db["USER"]) + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return {
        "DJANGO_SETTINGS_MODULE": "tests.reminders.worker_settings",
        "DATABASE_URL": f"postgres://{auth}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": REDIS_URL,
        "REMINDERS_TEST_QUEUE": queue,
        **sink.email_env(),
        **extra,
    }


def wait_until(condition: Callable[[], bool], *, timeout: float, interval: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(interval)
    return True


class SlowEmailBackend(LocmemBackend):
    """The in-memory backend, taking SLOW_EMAIL_SECONDS per message like a sluggish server."""

    def send_messages(self, messages):
        time.sleep(getattr(settings, "SLOW_EMAIL_SECONDS", 0.05) * len(messages))
        return super().send_messages(messages)
