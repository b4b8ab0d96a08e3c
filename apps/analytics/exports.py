"""Every table of the analytics page as a CSV file, built from the same selectors.

Shares are written as whole percents, blank where a figure does not apply yet,
so a file reads like the page's table. Text people chose (names, titles, notes)
goes through the progress exports' guard against spreadsheet formulas.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from apps.analytics import selectors
from apps.progress.exports import safe_text
from apps.progress.selectors.schedule import round_schedule
from apps.rounds.models import Round


@dataclass(frozen=True)
class Table:
    title: str  # what the page's link says is in the file
    header: list[str]
    rows: Callable[[Round], Iterator[list]]


def _blank(value):
    return "" if value is None else value


def _funnel(round: Round) -> Iterator[list]:
    for stage in selectors.funnel(round=round, sessions=round_schedule(round=round)):
        yield [stage.key, stage.label, _blank(stage.people), _blank(stage.percent)]


def _resources(round: Round) -> list[selectors.ResourceFigures]:
    return selectors.resource_figures(
        round=round,
        sessions=round_schedule(round=round),
        people=selectors.people_taking_part(round=round),
    )


def _sessions(round: Round) -> Iterator[list]:
    sessions = round_schedule(round=round)
    people = selectors.people_taking_part(round=round)
    resources = selectors.resource_figures(round=round, sessions=sessions, people=people)
    for row in selectors.session_figures(
        round=round, sessions=sessions, resources=resources, people=people
    ):
        session = row.session
        yield [
            session.number,
            safe_text(session.title),
            session.week_starts_on.isoformat(),
            row.people,
            row.due,
            row.attended,
            _blank(row.attended_percent),
            session.resources_total,
            row.readings_done,
            _blank(row.readings_percent),
            len(session.exercises),
            row.handed_in,
            _blank(row.handed_in_percent),
            row.ratings,
            "" if row.rating_average is None else f"{row.rating_average:.2f}",
            row.comments,
        ]


def _resource_rows(round: Round) -> Iterator[list]:
    for item in _resources(round):
        yield [
            item.session.number,
            safe_text(item.resource.title),
            "core" if item.resource.is_core else "optional",
            item.people,
            item.done,
            _blank(item.done_percent),
            item.worth_it,
            item.not_worth_it,
            _blank(item.worth_percent),
            item.notes,
            "yes" if item.often_skipped else "",
            "yes" if item.rated_low else "",
        ]


LOAD_HEADER = [
    "placed",
    "still_in_round",
    "retention_percent",
    "meetings_held",
    "attendance_percent",
    "work_waiting",
]


def _load(load: selectors.Load) -> list:
    return [
        load.placed,
        load.staying,
        _blank(load.retention_percent),
        load.meetings_held,
        _blank(load.attendance_percent),
        load.waiting,
    ]


def _cohorts(round: Round) -> Iterator[list]:
    for row in selectors.teams(round=round).cohorts:
        yield [
            safe_text(row.cohort.name),
            safe_text("; ".join(e.user.name for e in row.facilitators)),
            *_load(row.load),
        ]


def _facilitators(round: Round) -> Iterator[list]:
    for row in selectors.teams(round=round).facilitators:
        yield [
            safe_text(row.enrollment.user.name),
            row.enrollment.user.email,
            "yes" if row.enrollment.is_lead else "",
            row.enrollment.status,
            len(row.cohorts),
            safe_text("; ".join(cohort.name for cohort in row.cohorts)),
            *_load(row.load),
        ]


def _notes(round: Round) -> Iterator[list]:
    for note in selectors.notes(round=round):
        yield [
            note.session_number,
            safe_text(note.resource),
            safe_text(note.cohort),
            safe_text(note.participant),
            note.rating,
            safe_text(note.text),
            timezone.localtime(note.updated_at).isoformat(timespec="seconds"),
        ]


TABLES = {
    "funnel": Table("the funnel", ["stage", "label", "people", "percent_of_applicants"], _funnel),
    "sessions": Table(
        "every session",
        [
            "session_number",
            "session",
            "week_starts_on",
            "participants",
            "due_at_held_meetings",
            "attended",
            "attended_percent",
            "readings",
            "readings_marked_done",
            "readings_percent",
            "exercises",
            "exercises_handed_in",
            "exercises_percent",
            "ratings",
            "rating_average",
            "comments",
        ],
        _sessions,
    ),
    "resources": Table(
        "every resource",
        [
            "session_number",
            "resource",
            "kind",
            "participants",
            "marked_done",
            "done_percent",
            "worth_it",
            "not_worth_it",
            "worth_it_percent",
            "notes",
            "often_skipped",
            "rated_low",
        ],
        _resource_rows,
    ),
    "cohorts": Table("every cohort", ["cohort", "facilitators", *LOAD_HEADER], _cohorts),
    "facilitators": Table(
        "every facilitator",
        ["facilitator", "email", "lead", "status", "cohorts", "cohort_names", *LOAD_HEADER],
        _facilitators,
    ),
    "notes": Table(
        "participants' comments and notes",
        ["session_number", "resource", "cohort", "participant", "rating", "text", "updated_at"],
        _notes,
    ),
}


def filename(round: Round, table: str, *, today: date) -> str:
    return f"analytics-{round.slug}-{table}-{today:%Y-%m-%d}.csv"
