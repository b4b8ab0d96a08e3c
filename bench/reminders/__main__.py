"""Benchmark reminder delivery end to end: ``python -m bench.reminders``.

Run it through ``scripts/with-services .venv/bin/python -m bench.reminders``:
it needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL). It creates a
database of its own on that server, migrates it, fills it with participants
who each have one "meeting tomorrow" reminder due, and then for each worker
set-up starts real ``celery -A courseplatform worker`` processes on production
settings, mailing over loopback to an SMTP sink in this process. The clock
starts when ``reminders.tick`` is sent and stops when the sink has accepted a
message for every reminder (or at the timeout). The database is dropped at
the end, whatever happens.

The Markdown table goes to stdout, progress to stderr. ``--profile N`` instead
profiles ``reminders_send_batch`` in this process on N reminders with Django's
in-memory email backend, to see where a batch spends its time.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import sys
import time
from dataclasses import dataclass
from urllib.parse import urlparse, urlunparse

from bench.reminders import CeleryWorker, create_due_meeting_reminders
from bench.reminders.smtp_sink import SmtpSink

TARGET_REMINDERS = 10_000
TARGET_SECONDS = 60.0


@dataclass(frozen=True)
class Setup:
    """How many worker processes, each with how many pool processes."""

    processes: int
    concurrency: int

    @classmethod
    def parse(cls, text: str) -> Setup:
        processes, _, concurrency = text.partition("x")
        return cls(int(processes), int(concurrency or 1))

    def __str__(self) -> str:
        workers = "1 worker" if self.processes == 1 else f"{self.processes} workers"
        return f"{workers} × concurrency {self.concurrency}"


@dataclass(frozen=True)
class Row:
    setup: Setup
    reminders: int
    seconds: float
    duplicates: int
    lost: int
    finished: bool
    worker_cpu_seconds: float

    @property
    def per_second(self) -> float:
        return (self.reminders - self.lost) / self.seconds if self.seconds else 0.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.reminders", description=__doc__)
    parser.add_argument(
        "--reminders", type=int, default=TARGET_REMINDERS, help="how many (default: 10000)"
    )
    parser.add_argument(
        "--setups",
        type=lambda text: [Setup.parse(part) for part in text.split(",")],
        default=[Setup(1, 1), Setup(1, 2), Setup(2, 1)],
        help="comma-separated PROCESSESxCONCURRENCY worker set-ups (default: 1x1,1x2,2x1)",
    )
    parser.add_argument(
        "--timeout", type=float, default=180.0, help="seconds to wait per set-up (default: 180)"
    )
    parser.add_argument(
        "--profile",
        type=int,
        metavar="N",
        help="profile reminders_send_batch in-process on N reminders instead",
    )
    args = parser.parse_args(argv)

    database_url, redis_url = os.environ.get("DATABASE_URL", ""), os.environ.get("REDIS_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")) or not redis_url:
        print(
            "This benchmark needs PostgreSQL and Redis; run it as\n"
            "  scripts/with-services .venv/bin/python -m bench.reminders",
            file=sys.stderr,
        )
        return 2

    with _database(database_url) as bench_url, SmtpSink() as sink:
        env = {
            "DJANGO_SETTINGS_MODULE": "courseplatform.settings.base",
            "DATABASE_URL": bench_url,
            "REDIS_URL": redis_url,
            "SECRET_KEY": "bench-only-secret-key-not-used-anywhere-else-0123456789",
            "DEBUG": "0",
            "DEMO_MODE": "0",
            "LOG_LEVEL": "WARNING",
            **sink.email_env(),
        }
        os.environ.update(env)
        _django_setup()
        if args.profile:
            _profile(args.profile)
            return 0
        _say(f"load average {_load()}; creating {args.reminders:,} participants")
        ids = create_due_meeting_reminders(args.reminders)
        rows = []
        for setup in args.setups:
            _reset(ids)
            sink.reset()
            rows.append(_measure(setup, len(ids), sink, env, args.timeout))
        print(_table(rows))
        print()
        print(
            f"{os.cpu_count()} CPUs; load average {_load()} at the end "
            "(other work on the machine slows every number above)."
        )
        verdict = _verdict(rows)
        if verdict:
            print()
            print(verdict)
        return 0 if all(r.finished and not r.duplicates and not r.lost for r in rows) else 1


@contextlib.contextmanager
def _database(server_url: str):
    """A fresh database on the server of DATABASE_URL, dropped on the way out."""
    import psycopg

    name = f"bench_reminders_{os.getpid()}"
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    _say(f"created database {name}")
    try:
        yield urlunparse(urlparse(server_url)._replace(path=f"/{name}"))
    finally:
        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()
        with psycopg.connect(server_url, autocommit=True) as admin:
            # FORCE: a worker killed at the timeout may have left its connection behind.
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        _say(f"dropped database {name}")


def _django_setup() -> None:
    import django
    from django.core.management import call_command

    django.setup()
    _say("migrating")
    call_command("migrate", verbosity=0, interactive=False)


def _reset(ids: list[int]) -> None:
    """Every reminder pending again, as after planning, and the table tidy for the next run."""
    from django.db import connection

    from apps.reminders.models import Notification, Reminder

    Notification.objects.all().delete()
    Reminder.objects.filter(pk__in=ids).update(
        status=Reminder.Status.PENDING, claimed_at=None, sent_at=None, attempts=0
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def _measure(setup: Setup, count: int, sink: SmtpSink, env: dict, timeout: float) -> Row:
    from apps.reminders.models import Reminder
    from courseplatform.celery import app

    workers = [CeleryWorker(env=env, concurrency=setup.concurrency) for _ in range(setup.processes)]
    # The workers' CPU time, their pool processes' included, is added to ours once they are reaped.
    cpu_before = _children_cpu()
    try:
        for worker in workers:
            worker.start()
        _say(f"{setup}: sending reminders.tick")
        started = time.monotonic()
        app.send_task("reminders.tick")
        finished = sink.wait_for(distinct=count, timeout=timeout)
        seconds = time.monotonic() - started
        # A duplicate would arrive after the last new message; give it a moment to show.
        time.sleep(1.0)
    finally:
        for worker in workers:
            worker.close()
    worker_cpu = _children_cpu() - cpu_before
    sent = Reminder.objects.filter(status=Reminder.Status.SENT).count()
    _say(f"{setup}: {sink.distinct:,} of {count:,} in {seconds:.1f} s, {sent:,} rows marked sent")
    return Row(
        setup=setup,
        reminders=count,
        seconds=seconds,
        duplicates=sink.accepted - sink.distinct,
        lost=count - sink.distinct,
        finished=finished,
        worker_cpu_seconds=worker_cpu,
    )


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _profile(count: int) -> None:
    import cProfile
    import pstats

    from django.test.utils import override_settings

    from apps.reminders.services import reminders_send_batch

    create_due_meeting_reminders(count)
    profile = cProfile.Profile()
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        started = time.monotonic()
        profile.enable()
        sent = 0
        while batch := reminders_send_batch(batch_size=200).sent:
            sent += batch
        profile.disable()
    seconds = time.monotonic() - started
    print(f"{sent:,} reminders in {seconds:.2f} s ({sent / seconds:,.0f}/s, profiler on)")
    pstats.Stats(profile).sort_stats("cumulative").print_stats(40)


def _table(rows: list[Row]) -> str:
    lines = [
        "| workers | reminders | seconds | emails/second | duplicates | lost "
        "| worker CPU ms/email |",
        "|:---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        seconds = f"{row.seconds:.1f}" if row.finished else f"> {row.seconds:.0f} (timeout)"
        lines.append(
            f"| {row.setup} | {row.reminders:,} | {seconds} | {row.per_second:,.0f} "
            f"| {row.duplicates} | {row.lost} "
            f"| {row.worker_cpu_seconds * 1000 / max(row.reminders - row.lost, 1):.1f} |"
        )
    return "\n".join(lines)


def _verdict(rows: list[Row]) -> str:
    for row in rows:
        if row.setup == Setup(1, 1) and row.reminders == TARGET_REMINDERS:
            met = (
                row.finished
                and row.seconds <= TARGET_SECONDS
                and not row.duplicates
                and not row.lost
            )
            return (
                f"Target ({TARGET_REMINDERS:,} reminders sent once each in at most "
                f"{TARGET_SECONDS:g} s by one worker with concurrency 1): "
                f"{'met' if met else 'NOT met'}."
            )
    return ""


def _load() -> str:
    return " ".join(f"{load:.1f}" for load in os.getloadavg())


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
