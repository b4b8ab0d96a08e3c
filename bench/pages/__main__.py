"""Benchmark six pages on a 5,000-participant round: ``python -m bench.pages``.

Run it as ``scripts/with-services .venv/bin/python -m bench.pages``. It creates
a database ``bench_pages`` next to the one in DATABASE_URL, migrates it, fills
it with bulk inserts (bench.pages.data), then times each page through Django's
test Client (signed in with force_login) and counts its queries, and does the
same for the page's floor (bench.pages.floor: one hand-written SELECT of what
the page shows, as a bare table inside the site's layout). Prints a Markdown
table; the database is dropped at the end.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from urllib.parse import urlsplit, urlunsplit

import psycopg

BENCH_DB = "bench_pages"
TARGET_RATIO = 3.0


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _admin_conninfo(url: str) -> str:
    return url.replace("postgres://", "postgresql://", 1)


def _with_db(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _recreate(url: str, name: str, *, drop_only: bool = False) -> None:
    with psycopg.connect(_admin_conninfo(url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            conn.execute(f'CREATE DATABASE "{name}"')


def _time(client, urls: tuple[str, str], *, warmup: int, runs: int) -> list[list[float]]:
    """Server times in ms for each URL, requested in turn.

    Alternating the page with its floor means a burst of load from elsewhere on
    the machine slows both alike instead of skewing their ratio.
    """
    for _ in range(warmup):
        for url in urls:
            _get(client, url)
    samples: list[list[float]] = [[] for _ in urls]
    for _ in range(runs):
        for times, url in zip(samples, urls, strict=True):
            start = time.perf_counter()
            _get(client, url)
            times.append((time.perf_counter() - start) * 1000)
    return samples


def _get(client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)


def _queries(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return len(captured.captured_queries)


def _p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20, method="inclusive")[-1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.pages", description=__doc__)
    parser.add_argument("--runs", type=int, default=60, help="timed requests per page (60)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests first (3)")
    parser.add_argument("--profile", metavar="PAGE", help="also cProfile this page (e.g. round)")
    parser.add_argument("--only", metavar="PAGE", help="measure only this page (e.g. analytics)")
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    parser.add_argument(
        "--participants",
        type=int,
        help="participants in the round (5,000; 2,000 measures the round the earlier runs did)",
    )
    args = parser.parse_args(argv)

    server_url = os.environ.get("DATABASE_URL", "")
    if not server_url.startswith(("postgres://", "postgresql://")):
        _log("DATABASE_URL must point at PostgreSQL; run through scripts/with-services.")
        return 2
    _recreate(server_url, BENCH_DB)
    os.environ["DATABASE_URL"] = _with_db(server_url, BENCH_DB)
    os.environ["DJANGO_SETTINGS_MODULE"] = "courseplatform.settings.test"
    try:
        return _run(args)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            _recreate(server_url, BENCH_DB, drop_only=True)


def _run(args) -> int:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import clear_url_caches, reverse

    from bench.pages import data

    setup_test_environment()
    settings.ROOT_URLCONF = "bench.pages.floor"
    clear_url_caches()

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    _log(f"migrated in {time.perf_counter() - started:.1f}s")
    started = time.perf_counter()
    bench = data.build(people=args.participants or data.PARTICIPANTS)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    _log(f"built data in {time.perf_counter() - started:.1f}s: {bench.counts}")

    course, round_slug = bench.course.slug, bench.round.slug
    number, exercise, cohort = bench.unit.number, bench.draft_exercise.pk, bench.cohort.pk
    pages = [
        (
            "Session page (participant)",
            bench.participant,
            reverse("courses:unit", args=[course, number]),
            reverse("floor-unit", args=[course, number]),
        ),
        (
            "Submission form (participant, draft)",
            bench.participant,
            reverse("submissions:answer", args=[round_slug, exercise]),
            reverse("floor-answer", args=[round_slug, exercise]),
        ),
        (
            "Grading queue (facilitator)",
            bench.facilitator,
            reverse("grading:queue", args=[cohort]),
            reverse("floor-queue", args=[cohort]),
        ),
        (
            "Cohort dashboard (facilitator)",
            bench.facilitator,
            reverse("progress:cohort", args=[cohort]),
            reverse("floor-cohort", args=[cohort]),
        ),
        (
            "Round dashboard (staff)",
            bench.staff,
            reverse("progress:round", args=[round_slug]),
            reverse("floor-round", args=[round_slug]),
        ),
        (
            "Round analytics (staff)",
            bench.staff,
            reverse("analytics:round", args=[round_slug]),
            reverse("floor-analytics", args=[round_slug]),
        ),
    ]

    if args.only:
        pages = [page for page in pages if args.only in page[2]]
    rows = []
    for title, user, url, floor_url in pages:
        client = Client()
        client.force_login(user)
        page_ms, floor_ms = _time(client, (url, floor_url), warmup=args.warmup, runs=args.runs)
        row = {
            "page": title,
            "queries": _queries(client, url),
            "median": statistics.median(page_ms),
            "p95": _p95(page_ms),
            "floor_queries": _queries(client, floor_url),
            "floor": statistics.median(floor_ms),
            "floor_p95": _p95(floor_ms),
        }
        row["ratio"] = row["median"] / row["floor"]
        rows.append(row)
        _log(f"{title}: {row['median']:.1f} ms vs floor {row['floor']:.1f} ms")
        if args.profile and args.profile in url:
            _profile(client, url)

    print(_table(rows, runs=args.runs, warmup=args.warmup))
    over = [row["page"] for row in rows if row["ratio"] > TARGET_RATIO]
    print()
    if over:
        print(f"Over {TARGET_RATIO:g}x the floor: {', '.join(over)}.")
    else:
        print(f"Every page is within {TARGET_RATIO:g}x its floor.")
    return 0


def _profile(client, url: str) -> None:
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(5):
        client.get(url)
    profiler.disable()
    # PROFILE_SORT=tottime shows where the time is spent rather than what calls it;
    # PROFILE_LINES=400 shows more of it.
    stats = pstats.Stats(profiler, stream=sys.stderr)
    stats.sort_stats(os.environ.get("PROFILE_SORT", "cumulative"))
    stats.print_stats(int(os.environ.get("PROFILE_LINES", "40")))


def _table(rows: list[dict], *, runs: int, warmup: int) -> str:
    lines = [
        f"Server time through django.test.Client, {runs} requests after {warmup} warm-ups, "
        "alternating each page with its floor. "
        "Floor: one hand-written SELECT of what the page and the menu show, as a bare table "
        "inside the site's layout, same client and middleware (its query count includes the "
        "session and user lookups).",
        "",
        "| page | queries | median ms | p95 ms | floor queries | floor median ms "
        "| floor p95 ms | ratio |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['page']} | {row['queries']} | {row['median']:.1f} | {row['p95']:.1f} "
            f"| {row['floor_queries']} | {row['floor']:.1f} | {row['floor_p95']:.1f} "
            f"| {row['ratio']:.2f}× |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
