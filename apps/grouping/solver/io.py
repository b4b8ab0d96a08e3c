"""The JSON file format: reading and checking problems, writing results.

Every mistake in a problem raises ``ProblemError`` naming the offending field with a path
such as ``participants[3].availability[0]``, so whoever wrote the file can find it. The
same checks (``check_problem``) guard ``solve`` against problems built in Python.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from apps.rounds.cyclic_week import MINUTES_PER_WEEK

from .problem import Cohort, Facilitator, Participant, Problem, Result, SoftMember, SoftTier
from .soft import is_known_zone

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
    "soft",
    "seed",
}
_SOFT_FIELDS = {"members_per_cohort", "missed_minutes", "default_window", "week_of"}


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
        soft=_soft(data["soft"], "soft") if data.get("soft") is not None else None,
        seed=_whole(data, "seed", "", default=0),
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
        if person.time_zone is not None and not is_known_zone(person.time_zone):
            raise ProblemError(f"participants[{i}].time_zone", f"unknown zone {person.time_zone!r}")
    for i, person in enumerate(problem.facilitators):
        if person.max_cohorts < 1:
            raise ProblemError(f"facilitators[{i}].max_cohorts", "must be at least 1")
        size = person.preferred_size
        if size is not None and not problem.min_size <= size <= problem.max_size:
            raise ProblemError(
                f"facilitators[{i}].preferred_size", "must be between min_size and max_size"
            )
        _check_intervals(person.preferred_times, f"facilitators[{i}].preferred_times")
    _check_soft(problem.soft)
    _check_fixed(problem)


def _check_people(people: list[Participant] | list[Facilitator], kind: str) -> None:
    seen: set[str] = set()
    for i, person in enumerate(people):
        if not person.id:
            raise ProblemError(f"{kind}[{i}].id", "must not be empty")
        if person.id in seen:
            raise ProblemError(f"{kind}[{i}].id", f"duplicate id {person.id!r}")
        seen.add(person.id)
        _check_intervals(person.availability, f"{kind}[{i}].availability")


def _check_intervals(intervals: list[tuple[int, int]], path: str) -> None:
    for j, (start, end) in enumerate(intervals):
        where = f"{path}[{j}]"
        if not 0 <= start < MINUTES_PER_WEEK:
            raise ProblemError(where, f"start must be between 0 and {MINUTES_PER_WEEK - 1}")
        if end <= start:
            raise ProblemError(where, "end must be greater than start")
        if end - start > MINUTES_PER_WEEK:
            raise ProblemError(where, f"cannot be longer than a week ({MINUTES_PER_WEEK} minutes)")


def _check_soft(tier: SoftTier | None) -> None:
    if tier is None:
        return
    if tier.members_per_cohort < 1:
        raise ProblemError("soft.members_per_cohort", "must be at least 1")
    if tier.missed_minutes < 0:
        raise ProblemError("soft.missed_minutes", "must not be negative")
    if tier.default_window and tier.week_of is None:
        raise ProblemError(
            "soft.week_of", "is required with default_window, to know each zone's offset"
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
        for j, soft in enumerate(cohort.soft_members):
            if soft.id not in cohort.participants:
                raise ProblemError(
                    f"{where}.soft_members[{j}].id", f"{soft.id!r} is not among its participants"
                )


def _participant(item: Any, path: str) -> Participant:
    _object(item, path, {"id", "availability", "experience", "priority", "time_zone"})
    experience = item.get("experience")
    if experience is not None:
        experience = _whole(item, "experience", path)
    zone = item.get("time_zone")
    if zone is not None:
        zone = _string(item, "time_zone", path)
    return Participant(
        id=_string(item, "id", path),
        availability=_intervals(item, "availability", path),
        experience=experience,
        priority=_flag(item, "priority", default=False, parent=path),
        time_zone=zone,
    )


def _facilitator(item: Any, path: str) -> Facilitator:
    _object(item, path, {"id", "availability", "max_cohorts", "preferred_times", "preferred_size"})
    size = item.get("preferred_size")
    if size is not None:
        size = _whole(item, "preferred_size", path)
    return Facilitator(
        id=_string(item, "id", path),
        availability=_intervals(item, "availability", path),
        max_cohorts=_whole(item, "max_cohorts", path, default=1),
        preferred_times=_intervals(item, "preferred_times", path, default=[]),
        preferred_size=size,
    )


def _soft(item: Any, path: str) -> SoftTier:
    _object(item, path, _SOFT_FIELDS)
    week_of = item.get("week_of")
    if week_of is not None:
        text = _string(item, "week_of", path)
        try:
            week_of = date.fromisoformat(text)
        except ValueError:
            raise ProblemError(f"{path}.week_of", "must be a date such as 2027-01-11") from None
    return SoftTier(
        members_per_cohort=_whole(item, "members_per_cohort", path),
        missed_minutes=_whole(item, "missed_minutes", path),
        default_window=_flag(item, "default_window", default=False, parent=path),
        week_of=week_of,
    )


def _cohort(item: Any, path: str) -> Cohort:
    _object(item, path, {"facilitator", "start", "participants", "soft_members"})
    members = _list(item, "participants", path)
    for j, member in enumerate(members):
        if not isinstance(member, str):
            raise ProblemError(f"{path}.participants[{j}]", "must be a string")
    soft_members = []
    for j, soft in enumerate(_list(item, "soft_members", path, default=[])):
        where = f"{path}.soft_members[{j}]"
        _object(soft, where, {"id", "missed_minutes", "assumed_window"})
        soft_members.append(
            SoftMember(
                id=_string(soft, "id", where),
                missed_minutes=_whole(soft, "missed_minutes", where),
                assumed_window=_flag(soft, "assumed_window", default=False, parent=where),
            )
        )
    return Cohort(
        facilitator=_string(item, "facilitator", path),
        start=_whole(item, "start", path),
        participants=list(members),
        soft_members=soft_members,
    )


def _intervals(
    item: dict[str, Any], key: str, path: str, default: Any = None
) -> list[tuple[int, int]]:
    intervals = []
    pairs = _list(item, key, path) if default is None else _list(item, key, path, default)
    for j, pair in enumerate(pairs):
        if (
            not isinstance(pair, list)
            or len(pair) != 2
            or not all(isinstance(x, int) and not isinstance(x, bool) for x in pair)
        ):
            raise ProblemError(f"{path}.{key}[{j}]", "must be a [start, end] pair of whole minutes")
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


def _flag(item: dict[str, Any], key: str, default: bool, parent: str = "") -> bool:
    value, path = _field(item, key, parent, default)
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
        "participants": [_participant_dict(p) for p in problem.participants],
        "facilitators": [_facilitator_dict(f) for f in problem.facilitators],
        "fixed_cohorts": [_cohort_dict(c) for c in problem.fixed_cohorts],
        "fill_fixed_cohorts": problem.fill_fixed_cohorts,
        "soft": _soft_dict(problem.soft) if problem.soft is not None else None,
        "seed": problem.seed,
    }


def _participant_dict(person: Participant) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": person.id,
        "availability": [list(i) for i in person.availability],
        "experience": person.experience,
    }
    if person.priority:
        data["priority"] = True
    if person.time_zone is not None:
        data["time_zone"] = person.time_zone
    return data


def _facilitator_dict(person: Facilitator) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": person.id,
        "availability": [list(i) for i in person.availability],
        "max_cohorts": person.max_cohorts,
    }
    if person.preferred_times:
        data["preferred_times"] = [list(i) for i in person.preferred_times]
    if person.preferred_size is not None:
        data["preferred_size"] = person.preferred_size
    return data


def _soft_dict(tier: SoftTier) -> dict[str, Any]:
    return {
        "members_per_cohort": tier.members_per_cohort,
        "missed_minutes": tier.missed_minutes,
        "default_window": tier.default_window,
        "week_of": tier.week_of.isoformat() if tier.week_of else None,
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
    data: dict[str, Any] = {
        "facilitator": cohort.facilitator,
        "start": cohort.start,
        "participants": list(cohort.participants),
    }
    if cohort.soft_members:
        data["soft_members"] = [
            {"id": m.id, "missed_minutes": m.missed_minutes, "assumed_window": m.assumed_window}
            for m in cohort.soft_members
        ]
    return data
