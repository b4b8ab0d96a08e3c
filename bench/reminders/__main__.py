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

Each set-up is measured against a floor taken just before it, because this
machine's speed varies by half from hour to hour and even from minute to
minute: the same messages, built in advance by the dispatcher itself
(in-process, with Django's in-memory email backend), sent by a bare
``smtplib`` loop over one connection to the same sink (``floor.py``). Each
set-up is reported as a ratio to its floor.

The Markdown table goes to stdout, progress to stderr. ``--profile N`` instead
profiles ``reminders_send_batch`` in this process on N reminders with Django's
in-memory email backend, to see where a batch spends its time.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import pickle
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from urllib.parse import urlparse, urlunparse

from bench.reminders import ROOT, CeleryWorker, create_due_meeting_reminders
from bench.reminders.smtp_sink import SmtpSink

TARGET_REMINDERS = 10_000
# One worker at Celery's default concurrency: at most this many times the floor's time.
TARGET_RATIO = 3.0
# Two workers against one (both at concurrency 1): at least this many times the throughput.
TARGET_SCALING = 1.6


@dataclass(frozen=True)
class Setup:
    """How many worker processes, each with how many pool processes (None: Celery's default)."""

    processes: int
    concurrency: int | None

    @classmethod
    def parse(cls, text: str) -> Setup:
        """ "2x1" is two workers at concurrency 1; "1x" or "1" one worker at Celery's default."""
        processes, _, concurrency = text.partition("x")
        return cls(int(processes), int(concurrency) if concurrency else None)

    def __str__(self) -> str:
        workers = "1 worker" if self.processes == 1 else f"{self.processes} workers"
        if self.concurrency is None:
            # Celery's default is the number of processors.
            return f"{workers} × default concurrency ({os.cpu_count()})"
        return f"{workers} × concurrency {self.concurrency}"


@dataclass(frozen=True)
class Run:
    """One timed delivery of every message: by a worker set-up, or by the floor's loop."""

    reminders: int
    seconds: float
    duplicates: int
    lost: int
    finished: bool
    worker_cpu_seconds: float | None = None

    @property
    def per_second(self) -> float:
        return (self.reminders - self.lost) / self.seconds if self.seconds else 0.0

    @property
    def clean(self) -> bool:
        return self.finished and not self.duplicates and not self.lost


@dataclass(frozen=True)
class Row:
    setup: Setup
    run: Run
    floor: Run

    @property
    def ratio(self) -> float:
        """How many times the floor's time, the floor measured just before."""
        return self.run.seconds / self.floor.seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.reminders", description=__doc__)
    parser.add_argument(
        "--reminders", type=int, default=TARGET_REMINDERS, help="how many (default: 10000)"
    )
    parser.add_argument(
        "--setups",
        type=lambda text: [Setup.parse(part) for part in text.split(",")],
        default=[Setup(1, None), Setup(1, 1), Setup(2, 1)],
        help="comma-separated PROCESSESxCONCURRENCY worker set-ups, PROCESSESx for Celery's "
        "default concurrency (default: 1x,1x1,2x1)",
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
        _say("building the floor's messages with the dispatcher, in-process")
        with tempfile.NamedTemporaryFile(prefix="reminders-floor-", suffix=".pickle") as file:
            pickle.dump(_built_messages(), file)
            file.flush()
            rows = []
            for setup in args.setups:
                sink.reset()
                floor = _measure_floor(file.name, len(ids), sink, args.timeout)
                _reset(ids)
                sink.reset()
                rows.append(Row(setup, _measure(setup, len(ids), sink, env, args.timeout), floor))
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
        return 0 if all(row.run.clean and row.floor.clean for row in rows) else 1


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


def _built_messages() -> list[tuple[str, list[str], bytes]]:
    """Every due reminder's message as the dispatcher builds it, as Django's SMTP backend sends it.

    The dispatcher runs in this process with the in-memory email backend, so
    the messages are exactly the workers' (same checks, templates and
    headers); each becomes the envelope and the bytes that backend would hand
    to smtplib.
    """
    from django.conf import settings
    from django.core import mail
    from django.core.mail.message import sanitize_address
    from django.test.utils import override_settings

    from apps.reminders.services import reminders_send_batch

    mail.outbox = []
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        while reminders_send_batch(batch_size=200).sent:
            pass
    built = []
    for message in mail.outbox:
        encoding = message.encoding or settings.DEFAULT_CHARSET
        built.append(
            (
                sanitize_address(message.from_email, encoding),
                [sanitize_address(address, encoding) for address in message.recipients()],
                message.message().as_bytes(linesep="\r\n"),
            )
        )
    mail.outbox = []
    return built


def _measure_floor(path: str, count: int, sink: SmtpSink, timeout: float) -> Run:
    """Send the built messages from a child process (floor.py) and time it like a set-up."""
    child = subprocess.Popen(
        [sys.executable, "-m", "bench.reminders.floor", path, sink.host, str(sink.port)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        if child.stdout.readline().strip() != "ready":
            raise RuntimeError("the floor's smtplib loop did not start")
        started = time.monotonic()
        child.stdin.write("go\n")
        child.stdin.flush()
        finished = sink.wait_for(distinct=count, timeout=timeout)
        seconds = time.monotonic() - started
        child.wait(timeout=30)
    finally:
        child.kill()
        child.wait()
    _say(f"floor: {sink.distinct:,} of {count:,} in {seconds:.1f} s")
    return Run(
        reminders=count,
        seconds=seconds,
        duplicates=sink.accepted - sink.distinct,
        lost=count - sink.distinct,
        finished=finished,
    )


def _measure(setup: Setup, count: int, sink: SmtpSink, env: dict, timeout: float) -> Run:
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
    return Run(
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
        "| set-up | reminders | seconds | floor seconds | × floor | emails/second | duplicates "
        "| lost | worker CPU ms/email |",
        "|:---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        run = row.run
        seconds = f"{run.seconds:.1f}" if run.finished else f"> {run.seconds:.0f} (timeout)"
        cpu = run.worker_cpu_seconds * 1000 / max(run.reminders - run.lost, 1)
        lines.append(
            f"| {row.setup} | {run.reminders:,} | {seconds} | {row.floor.seconds:.1f} "
            f"| {row.ratio:.2f} | {run.per_second:,.0f} | {run.duplicates} | {run.lost} "
            f"| {cpu:.1f} |"
        )
    return "\n".join(lines)


def _verdict(rows: list[Row]) -> str:
    """The targets, for the set-ups that were measured."""
    by_setup = {row.setup: row for row in rows}
    said = []
    if not all(row.floor.clean for row in rows):
        said.append("A floor run lost or repeated messages: the sink is not to be trusted.")
    default = by_setup.get(Setup(1, None))
    if default is not None:
        met = default.run.clean and default.ratio <= TARGET_RATIO
        said.append(
            f"One worker at the default concurrency within {TARGET_RATIO:g}× the floor, "
            f"0 duplicates, 0 lost: {default.ratio:.2f}×, {'met' if met else 'NOT met'}."
        )
    one, two = by_setup.get(Setup(1, 1)), by_setup.get(Setup(2, 1))
    if one is not None and two is not None:
        # Throughput relative to each one's own floor, so a change in load between them cancels.
        scaling = one.ratio / two.ratio
        met = scaling >= TARGET_SCALING and two.run.clean
        said.append(
            f"Two workers at least {TARGET_SCALING:g}× the throughput of one (concurrency 1), "
            f"each against its floor: {scaling:.2f}×, {'met' if met else 'NOT met'}."
        )
    return "\n".join(said)


def _load() -> str:
    return " ".join(f"{load:.1f}" for load in os.getloadavg())


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
