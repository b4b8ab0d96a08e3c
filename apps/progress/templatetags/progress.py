"""What the progress pages print for each code the selectors hand over, and chart numbers.

The selectors speak in codes (a submission's status, "upcoming" for a
meeting still to come); the symbols and words a facilitator reads for them
live here, once, so the grid and its legend cannot disagree.
"""

from django import template

from apps.cohorts.models import Attendance
from apps.progress.selectors.cohort_grid import AttendanceMark, ExerciseMark
from apps.progress.selectors.tally import Tally
from apps.rounds.models import Enrollment
from apps.submissions.models import Submission

register = template.Library()

EXERCISE_SYMBOLS = {
    ExerciseMark.NOT_STARTED: "○",
    Submission.Status.DRAFT: "✎",
    Submission.Status.SUBMITTED: "✓",
    Submission.Status.RETURNED: "↩",
    Submission.Status.ACCEPTED: "★",
}

EXERCISE_LABELS = {ExerciseMark.NOT_STARTED: "Not started", **dict(Submission.Status.choices)}

ATTENDANCE_LABELS = {
    **dict(Attendance.Status.choices),
    AttendanceMark.NOT_RECORDED: "Not recorded",
    AttendanceMark.UPCOMING: "Meeting still to come",
    AttendanceMark.CANCELLED: "Meeting cancelled",
    AttendanceMark.NO_MEETING: "No meeting scheduled",
}

ENROLLMENT_LABELS = dict(Enrollment.Status.choices)


@register.filter
def mark_symbol(status: str) -> str:
    """The symbol of an exercise status, e.g. ★ for accepted."""
    return EXERCISE_SYMBOLS[status]


@register.filter
def mark_title(mark: ExerciseMark) -> str:
    """What a mark says in words, e.g. "Essay: Submitted, late"."""
    label = EXERCISE_LABELS[mark.status]
    if mark.was_late:
        label = f"{label}, late"
    return f"{mark.exercise.title}: {label}"


@register.filter
def attendance_label(code: str) -> str:
    return ATTENDANCE_LABELS[code]


@register.filter
def enrollment_label(status: str) -> str:
    return ENROLLMENT_LABELS[status]


@register.filter
def figures(tally: Tally) -> list[tuple[str, int | None]]:
    """A tally's three shares as (label, percent or None), in the order the pages show them."""
    return [
        ("Readings", tally.readings_percent),
        ("Handed in", tally.submitted_percent),
        ("Attended", tally.attended_percent),
    ]


@register.filter
def coordinate(number: float) -> str:
    """A number as the chart's SVG writes it: one decimal, a point whatever the language."""
    return f"{number:.1f}"
