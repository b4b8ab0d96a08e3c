"""The JSON file format: reading and checking problems, writing results.

Every mistake in a problem raises ``ProblemError`` naming the offending field with a path
such as ``participants[3].availability[0]``, so whoever wrote the file can find it. The
same checks (``check_problem``) guard ``solve`` against problems built in Python.
"""

from __future__ import annotations

import json
from typing import Any

from apps.rounds.cyclic_week import MINUTES_PER_WEEK

from .problem import Cohort, Facilitator, Participant, Problem, Result

DEFAULT_TIME_LIMIT_SECONDS = 60.0

_PROBLEM_FIELDS = {
    "slot_minutes",
    "meeting_minutes",
    "min_size",
    "max_size",
    "target_size",
    "time_limit_seconds",
    "participants",
    "facilitators",
    "fixed_cohorts",
    "fill_fixed_cohorts",
}


class ProblemError(ValueError):
    """A problem that cannot be solved as given; ``path`` names the field at fault."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


def load_problem(text: str | bytes) -> Problem:
    """Parse and check a problem from JSON text."""
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ProblemError("input", f"is not valid JSON ({error})") from None
    return parse_problem(data)


def parse_problem(data: Any) -> Problem:
    """Build a problem from decoded JSON, checking types, ranges and references."""
    _object(data, "input", _PROBLEM_FIELDS)
    problem = Problem(
        slot_minutes=_whole(data, "slot_minutes", ""),
        meeting_minutes=_whole(data, "meeting_minutes", ""),
        min_size=_whole(data, "min_size", ""),
        max_size=_whole(data, "max_size", ""),
        target_size=_whole(data, "target_size", ""),
        time_limit_seconds=_number(data, "time_limit_seconds", DEFAULT_TIME_LIMIT_SECONDS),
        participants=[
            _participant(item, f"participants[{i}]")
            for i, item in enumerate(_list(data, "participants", ""))
        ],
        facilitators=[
            _facilitator(item, f"facilitators[{i}]")
            for i, item in enumerate(_list(data, "facilitators", ""))
        ],
        fixed_cohorts=[
            _cohort(item, f"fixed_cohorts[{i}]")
            for i, item in enumerate(_list(data, "fixed_cohorts", "", default=[]))
        ],
        fill_fixed_cohorts=_flag(data, "fill_fixed_cohorts", default=True),
    )
    check_problem(problem)
    return problem


def check_problem(problem: Problem) -> None:
    """Raise ``ProblemError`` for the first value out of range or reference that is wrong."""
    if not 1 <= problem.slot_minutes <= MINUTES_PER_WEEK or MINUTES_PER_WEEK % problem.slot_minutes:
        raise ProblemError("slot_minutes", f"must divide {MINUTES_PER_WEEK}, the minutes in a week")
    if not 1 <= problem.meeting_minutes <= MINUTES_PER_WEEK:
        raise ProblemError("meeting_minutes", f"must be between 1 and {MINUTES_PER_WEEK}")
    if problem.min_size < 1:
        raise ProblemError("min_size", "must be at least 1")
    if problem.min_size > problem.max_size:
        raise ProblemError("min_size", f"must not be greater than max_size ({problem.max_size})")
    if not problem.min_size <= problem.target_size <= problem.max_size:
        raise ProblemError("target_size", "must be between min_size and max_size")
    if not problem.time_limit_seconds > 0:
        raise ProblemError("time_limit_seconds", "must be greater than 0")
    _check_people(problem.participants, "participants")
    _check_people(problem.facilitators, "facilitators")
    for i, person in enumerate(problem.participants):
        if person.experience is not None and person.experience < 0:
            raise ProblemError(f"participants[{i}].experience", "must not be negative")
    for i, person in enumerate(problem.facilitators):
        if person.max_cohorts < 1:
            raise ProblemError(f"facilitators[{i}].max_cohorts", "must be at least 1")
    _check_fixed(problem)


def _check_people(people: list[Participant] | list[Facilitator], kind: str) -> None:
    seen: set[str] = set()
    for i, person in enumerate(people):
        if not person.id:
            raise ProblemError(f"{kind}[{i}].id", "must not be empty")
        if person.id in seen:
            raise ProblemError(f"{kind}[{i}].id", f"duplicate id {person.id!r}")
        seen.add(person.id)
        for j, (start, end) in enumerate(person.availability):
            where = f"{kind}[{i}].availability[{j}]"
            if not 0 <= start < MINUTES_PER_WEEK:
                raise ProblemError(where, f"start must be between 0 and {MINUTES_PER_WEEK - 1}")
            if end <= start:
                raise ProblemError(where, "end must be greater than start")
            if end - start > MINUTES_PER_WEEK:
                raise ProblemError(
                    where, f"cannot be longer than a week ({MINUTES_PER_WEEK} minutes)"
                )


def _check_fixed(problem: Problem) -> None:
    participants = {p.id for p in problem.participants}
    facilitators = {f.id for f in problem.facilitators}
    taken: dict[str, int] = {}
    for i, cohort in enumerate(problem.fixed_cohorts):
        where = f"fixed_cohorts[{i}]"
        if cohort.facilitator not in facilitators:
            raise ProblemError(
                f"{where}.facilitator", f"unknown facilitator {cohort.facilitator!r}"
            )
        if not 0 <= cohort.start < MINUTES_PER_WEEK:
            raise ProblemError(f"{where}.start", f"must be between 0 and {MINUTES_PER_WEEK - 1}")
        for j, person in enumerate(cohort.participants):
            if person not in participants:
                raise ProblemError(f"{where}.participants[{j}]", f"unknown participant {person!r}")
            if person in taken:
                raise ProblemError(
                    f"{where}.participants[{j}]",
                    f"{person!r} is already in fixed_cohorts[{taken[person]}]",
                )
            taken[person] = i


def _participant(item: Any, path: str) -> Participant:
    _object(item, path, {"id", "availability", "experience"})
    experience = item.get("experience")
    if experience is not None:
        experience = _whole(item, "experience", path)
    return Participant(
        id=_string(item, "id", path),
        availability=_availability(item, path),
        experience=experience,
    )


def _facilitator(item: Any, path: str) -> Facilitator:
    _object(item, path, {"id", "availability", "max_cohorts"})
    return Facilitator(
        id=_string(item, "id", path),
        availability=_availability(item, path),
        max_cohorts=_whole(item, "max_cohorts", path, default=1),
    )


def _cohort(item: Any, path: str) -> Cohort:
    _object(item, path, {"facilitator", "start", "participants"})
    members = _list(item, "participants", path)
    for j, member in enumerate(members):
        if not isinstance(member, str):
            raise ProblemError(f"{path}.participants[{j}]", "must be a string")
    return Cohort(
        facilitator=_string(item, "facilitator", path),
        start=_whole(item, "start", path),
        participants=list(members),
    )


def _availability(item: dict[str, Any], path: str) -> list[tuple[int, int]]:
    intervals = []
    for j, pair in enumerate(_list(item, "availability", path)):
        if (
            not isinstance(pair, list)
            or len(pair) != 2
            or not all(isinstance(x, int) and not isinstance(x, bool) for x in pair)
        ):
            raise ProblemError(
                f"{path}.availability[{j}]", "must be a [start, end] pair of whole minutes"
            )
        intervals.append((pair[0], pair[1]))
    return intervals


_MISSING = object()


def _field(item: dict[str, Any], key: str, parent: str, default: Any) -> tuple[Any, str]:
    path = f"{parent}.{key}" if parent else key
    if key not in item:
        if default is _MISSING:
            raise ProblemError(path, "is required")
        return default, path
    return item[key], path


def _object(item: Any, path: str, allowed: set[str]) -> None:
    if not isinstance(item, dict):
        raise ProblemError(path, "must be an object")
    for key in item:
        if key not in allowed:
            raise ProblemError(path, f"unknown field {key!r}")


def _whole(item: dict[str, Any], key: str, parent: str, default: Any = _MISSING) -> int:
    value, path = _field(item, key, parent, default)
    if not isinstance(value, int) or isinstance(value, bool):
        raise ProblemError(path, "must be a whole number")
    return value


def _number(item: dict[str, Any], key: str, default: float) -> float:
    value, path = _field(item, key, "", default)
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise ProblemError(path, "must be a number")
    return float(value)


def _string(item: dict[str, Any], key: str, parent: str) -> str:
    value, path = _field(item, key, parent, _MISSING)
    if not isinstance(value, str):
        raise ProblemError(path, "must be a string")
    return value


def _list(item: dict[str, Any], key: str, parent: str, default: Any = _MISSING) -> list[Any]:
    value, path = _field(item, key, parent, default)
    if not isinstance(value, list):
        raise ProblemError(path, "must be a list")
    return value


def _flag(item: dict[str, Any], key: str, default: bool) -> bool:
    value, path = _field(item, key, "", default)
    if not isinstance(value, bool):
        raise ProblemError(path, "must be true or false")
    return value


def problem_to_dict(problem: Problem) -> dict[str, Any]:
    """The JSON form of a problem (the inverse of ``parse_problem``)."""
    return {
        "slot_minutes": problem.slot_minutes,
        "meeting_minutes": problem.meeting_minutes,
        "min_size": problem.min_size,
        "max_size": problem.max_size,
        "target_size": problem.target_size,
        "time_limit_seconds": problem.time_limit_seconds,
        "participants": [
            {
                "id": p.id,
                "availability": [list(i) for i in p.availability],
                "experience": p.experience,
            }
            for p in problem.participants
        ],
        "facilitators": [
            {
                "id": f.id,
                "availability": [list(i) for i in f.availability],
                "max_cohorts": f.max_cohorts,
            }
            for f in problem.facilitators
        ],
        "fixed_cohorts": [_cohort_dict(c) for c in problem.fixed_cohorts],
        "fill_fixed_cohorts": problem.fill_fixed_cohorts,
    }


def result_to_dict(result: Result) -> dict[str, Any]:
    """The JSON form of a result."""
    return {
        "cohorts": [_cohort_dict(c) for c in result.cohorts],
        "unplaced": [{"id": u.id, "reason": u.reason} for u in result.unplaced],
        "stats": result.stats,
    }


def dump_result(result: Result) -> str:
    """A result as indented JSON text."""
    return json.dumps(result_to_dict(result), indent=2) + "\n"


def _cohort_dict(cohort: Cohort) -> dict[str, Any]:
    return {
        "facilitator": cohort.facilitator,
        "start": cohort.start,
        "participants": list(cohort.participants),
    }
