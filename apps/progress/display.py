"""What the cohort dashboard prints, worked out once per page in Python.

The grid is most of the page: a cell per participant and session, each with
the readings, a mark per exercise and the attendance. Worked out in the
template, through conditions, loops, property chains and number formatting
per cell, it cost several times what reading the facts does. So, as the
Django admin does for its change list, each cell is written out here, once,
with format_html (which escapes what it is given), and the row template
only prints it; the rest of the page's text is plain strings too. The
symbols and classes are the ones the legend (progress/_legend.html) explains.
The CSV export reads the grid itself (selectors.py), not this.
"""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from apps.progress.selectors import (
    AttendanceMark,
    Cell,
    CohortGrid,
    ExerciseMark,
    ParticipantRow,
    Session,
    Tally,
)

_READINGS_HTML = (
    '<span class="cell-readings"><span>{}/{}<span class="visually-hidden"> readings done</span>'
    '</span> <span class="minibar" aria-hidden="true"><span style="width: {}%"></span></span>'
    "</span>"
)
_MARK_HTML = (
    '<li class="mark mark-{}" title="{}"><span aria-hidden="true">{}{}</span> '
    '<span class="visually-hidden">{}</span></li>'
)
_LATE_HTML = mark_safe('<span class="late">late</span>')
_ATTENDANCE_HTML = '<span class="cell-attendance attendance-{}">{}</span>'
_HIDDEN_HTML = '<span class="visually-hidden">{}</span>'


def _mark_html(mark: ExerciseMark) -> SafeString:
    said = f"{mark.exercise.title}: {mark.label}"
    late = _LATE_HTML if mark.was_late else ""
    return format_html(_MARK_HTML, mark.code, said, mark.symbol, late, said)


def _attendance_html(attendance: AttendanceMark) -> SafeString:
    # Nothing to see yet (a meeting to come): the words are for screen readers only.
    label = format_html(_HIDDEN_HTML, attendance.label) if attendance.is_blank else attendance.label
    return format_html(_ATTENDANCE_HTML, attendance.code, label)


@dataclass(frozen=True)
class RowDisplay:
    name: str
    email: str
    has_left: bool
    status_label: str
    cells: tuple[SafeString, ...]  # the inside of each session's cell
    resources_percent: str | None  # None where no session has readings (so "0" still shows)
    exercises: str  # "handed in of total"
    meetings: str  # "attended of held"
    meetings_excused: str  # "" when none


@dataclass(frozen=True)
class ColumnTotals:
    """One session's footer: how many of the cohort did each thing, as sentences."""

    readings: str
    submitted: str
    attended: str


@dataclass(frozen=True)
class SessionHeading:
    number: str
    title: str
    due: str  # the day it is due, in the viewer's time zone


@dataclass(frozen=True)
class GridDisplay:
    sessions: list[SessionHeading]
    rows: list[RowDisplay]
    former: list[RowDisplay]
    columns: list[ColumnTotals]
    resources_percent: str | None
    exercises: str
    meetings: str


def grid_display(grid: CohortGrid) -> GridDisplay:
    """The cohort grid as the dashboard prints it; the figures are the grid's, none recounted."""
    # Most marks and attendance recur from person to person: each is written once.
    marks: dict[tuple[int, str, bool], SafeString] = {}
    attendance: dict[str, SafeString] = {}

    def cell_html(cell: Cell) -> SafeString:
        parts = []
        total = cell.session.resources_total
        if total:
            # Only numbers go in, so plain formatting is enough here.
            parts.append(_READINGS_HTML.format(cell.resources_done, total, cell.readings_percent))
        if cell.exercises:
            items = []
            for mark in cell.exercises:
                key = (mark.exercise.pk, mark.status, mark.is_late)
                if key not in marks:
                    marks[key] = _mark_html(mark)
                items.append(marks[key])
            parts.append(f'<ul class="marks">{"".join(items)}</ul>')
        code = cell.attendance.code
        if code not in attendance:
            attendance[code] = _attendance_html(cell.attendance)
        parts.append(attendance[code])
        return mark_safe(" ".join(parts))

    def row_display(row: ParticipantRow) -> RowDisplay:
        excused = row.meetings_excused
        return RowDisplay(
            name=row.name,
            email=row.email,
            has_left=row.has_left,
            status_label=row.status_label,
            cells=tuple(cell_html(cell) for cell in row.cells),
            resources_percent=_percent_text(row.resources_percent),
            exercises=_number_text(f"{row.exercises_handed_in} of {row.exercises_total}"),
            meetings=_number_text(f"{row.meetings_attended} of {row.meetings_held}"),
            meetings_excused=_number_text(str(excused) if excused else ""),
        )

    return GridDisplay(
        sessions=[
            SessionHeading(
                number=_number_text(str(session.number)),
                title=session.title,
                due=date_format(timezone.localtime(session.due_at), "j M"),
            )
            for session in grid.sessions
        ],
        rows=[row_display(row) for row in grid.rows],
        former=[row_display(row) for row in grid.former],
        columns=[_column_totals(session, tally) for session, tally in grid.columns],
        resources_percent=_percent_text(grid.resources_percent),
        exercises=f"{grid.exercises_handed_in} of {grid.exercises_total}",
        meetings=f"{grid.meetings_attended} of {grid.meetings_held}",
    )


def _number_text(text: str) -> str:
    """Figures put into words by this module: digits and fixed words, nothing to escape."""
    return mark_safe(text)


def _percent_text(number: int | None) -> str | None:
    return None if number is None else _number_text(str(number))


def _column_totals(session: Session, tally: Tally) -> ColumnTotals:
    everyone = tally.participants
    return ColumnTotals(
        readings=(
            f"{tally.readings} of {everyone} did the readings"
            if session.has_readings
            else "No readings"
        ),
        submitted=(
            f"{tally.submitted} of {everyone} handed in everything"
            if session.has_exercises
            else "No exercises"
        ),
        attended=(
            f"{tally.attended} of {everyone} attended"
            if tally.attended_base
            else "No meeting held yet"
        ),
    )
