"""Progress as CSV: one row per participant per session, for a cohort or a whole round.

People who have left the round are exported too, with their enrollment
status, so that the file is complete; filter on `enrollment_status` to
leave them out.
"""

import csv
from collections.abc import Iterable, Iterator
from datetime import date

from django.utils.text import slugify

from apps.progress.selectors.cohort_grid import CohortGrid, ParticipantRow

HEADER = [
    "cohort",
    "participant",
    "email",
    "enrollment_status",
    "session_number",
    "session",
    "resources_done",
    "resources_total",
    "exercises_handed_in",
    "exercises_total",
    "exercise_statuses",
    "attendance",
]

# A spreadsheet runs a cell that starts with one of these as a formula; people
# choose their own display names, so such text is defused with a quote.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> str:
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def grid_rows(grid: CohortGrid) -> Iterator[list]:
    """The CSV rows of one cohort, current participants first, then those who left."""
    for row in [*grid.rows, *grid.former]:
        yield from _participant_rows(grid.cohort.name, row)


def _participant_rows(cohort_name: str, row: ParticipantRow) -> Iterator[list]:
    for cell in row.cells:
        session = cell.session
        yield [
            safe_text(cohort_name),
            safe_text(row.name),
            safe_text(row.email),
            row.status,
            session.number,
            safe_text(session.display_title),
            cell.resources_done,
            session.resources_total,
            cell.handed_in,
            len(session.exercises),
            "; ".join(f"{mark.exercise.slug}: {mark.code}" for mark in cell.exercises),
            cell.attendance.code,
        ]


class _Echo:
    """A file-like object that hands back what is written, for streaming csv output."""

    def write(self, value: str) -> str:
        return value


def csv_stream(header: list[str], rows: Iterable[list]) -> Iterator[str]:
    """The header, then each row, one CSV line at a time as the rows arrive, for a
    StreamingHttpResponse."""
    writer = csv.writer(_Echo())
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow(row)


def csv_lines(grids: Iterable[CohortGrid]) -> Iterator[str]:
    """The header, then each grid's rows, one CSV line at a time as the grids arrive."""
    return csv_stream(HEADER, (row for grid in grids for row in grid_rows(grid)))


def cohort_filename(grid: CohortGrid, *, today: date) -> str:
    cohort = grid.cohort
    return f"progress-{cohort.round.slug}-{slugify(cohort.name) or cohort.pk}-{today:%Y-%m-%d}.csv"


def round_filename(round_slug: str, *, today: date) -> str:
    return f"progress-{round_slug}-{today:%Y-%m-%d}.csv"
