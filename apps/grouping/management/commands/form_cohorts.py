"""``manage.py form_cohorts``: run the grouping algorithm on a JSON file (docs/grouping.md).

A thin wrapper: reading, checking and solving all live in ``apps.grouping.solver``. It
never touches the database, so it also works on a machine with no database set up.
"""

import sys
from dataclasses import replace
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.grouping.solver import (
    ProblemError,
    Progress,
    check_problem,
    dump_result,
    load_problem,
    solve,
)

# Exit status for input that cannot be used, as argparse does for bad arguments.
BAD_INPUT = 2


class Command(BaseCommand):
    help = "Form cohorts from a problem file and write the result (see docs/grouping.md)."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--input",
            dest="input_path",
            required=True,
            help="The problem as JSON; '-' reads standard input.",
        )
        parser.add_argument(
            "--output",
            dest="output_path",
            required=True,
            help="Where to write the result; '-' for standard output.",
        )
        parser.add_argument(
            "--time-limit",
            type=float,
            help="Seconds to spend at most, instead of the file's time_limit_seconds.",
        )
        parser.add_argument(
            "--progress", action="store_true", help="Report progress on standard error."
        )

    def handle(self, *args, input_path: str, output_path: str, time_limit, progress, **options):
        try:
            text = (
                sys.stdin.read()
                if input_path == "-"
                else Path(input_path).read_text(encoding="utf-8")
            )
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {input_path}: {error}", returncode=BAD_INPUT) from None
        try:
            problem = load_problem(text)
            if time_limit is not None:
                problem = replace(problem, time_limit_seconds=time_limit)
                check_problem(problem)
        except ProblemError as error:
            raise CommandError(str(error), returncode=BAD_INPUT) from None

        def report(progress: Progress) -> None:
            self.stderr.write(f"[{progress.share:4.0%}] {progress.message}")

        result = solve(problem, progress=report if progress else None)
        text = dump_result(result)
        if output_path == "-":
            self.stdout.write(text, ending="")
        else:
            try:
                Path(output_path).write_text(text, encoding="utf-8")
            except OSError as error:
                raise CommandError(f"Cannot write {output_path}: {error}") from None
            stats = result.stats
            self.stdout.write(
                f"Placed {stats['placed']} of {stats['participants']} participants in "
                f"{stats['cohorts']} cohorts; wrote {output_path}."
            )
