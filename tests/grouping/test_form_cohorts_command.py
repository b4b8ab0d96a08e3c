"""``manage.py form_cohorts``: the file interface to the grouping algorithm."""

import copy
import json

import pytest
from django.core.management import call_command, execute_from_command_line

from apps.grouping.solver import load_problem, validate
from apps.grouping.solver.io import parse_problem, problem_to_dict
from apps.grouping.solver.problem import Cohort, Result, Unplaced

EVENING = [1080, 1320]

PROBLEM = {
    "slot_minutes": 30,
    "meeting_minutes": 90,
    "min_size": 4,
    "max_size": 8,
    "target_size": 6,
    "time_limit_seconds": 5,
    "participants": [
        {"id": "p1", "availability": [EVENING, [2520, 2760]], "experience": 2},
        {"id": "p2", "availability": [EVENING]},
        {"id": "p3", "availability": [EVENING], "experience": 0},
        {"id": "p4", "availability": [[1140, 1440]], "experience": 1},
        {"id": "p5", "availability": []},
    ],
    "facilitators": [{"id": "f1", "availability": [[1080, 1440]], "max_cohorts": 2}],
}


def write(tmp_path, data) -> str:
    path = tmp_path / "problem.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return str(path)


def run(*argv: str) -> int:
    """Run the command as ``manage.py`` would; returns the exit status."""
    try:
        execute_from_command_line(["manage.py", "form_cohorts", *argv])
    except SystemExit as exit:
        return exit.code
    return 0


def test_it_writes_the_result_file(tmp_path):
    output = tmp_path / "result.json"
    call_command("form_cohorts", "--input", write(tmp_path, PROBLEM), "--output", str(output))
    written = json.loads(output.read_text())
    [cohort] = written["cohorts"]
    assert cohort["facilitator"] == "f1"
    assert cohort["start"] in {1140, 1170, 1200, 1230}
    assert sorted(cohort["participants"]) == ["p1", "p2", "p3", "p4"]
    assert written["unplaced"] == [{"id": "p5", "reason": "no availability given"}]
    assert written["stats"]["placed"] == 4
    assert written["stats"]["participants"] == 5
    result = Result(
        cohorts=[Cohort(**c) for c in written["cohorts"]],
        unplaced=[Unplaced(**u) for u in written["unplaced"]],
    )
    assert validate(parse_problem(PROBLEM), result) == []


def test_it_writes_to_standard_output_given_a_dash(tmp_path, capsys):
    assert run("--input", write(tmp_path, PROBLEM), "--output", "-") == 0
    assert json.loads(capsys.readouterr().out)["stats"]["placed"] == 4


def test_it_reports_progress_on_standard_error_when_asked(tmp_path, capsys):
    output = str(tmp_path / "result.json")
    assert run("--input", write(tmp_path, PROBLEM), "--output", output, "--progress") == 0
    assert "[100%] done: 4 placed" in capsys.readouterr().err


def change(path: str, value):
    """A copy of the good problem with the field at ``path`` (dotted) set, or removed."""
    data = copy.deepcopy(PROBLEM)
    *parents, last = path.split(".")
    target = data
    for key in parents:
        target = target[int(key)] if key.isdigit() else target[key]
    key = int(last) if last.isdigit() else last
    if value is REMOVE:
        del target[key]
    else:
        target[key] = value
    return data


REMOVE = object()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ('{"slot_minutes": 30,', "input: is not valid JSON"),
        ("[1, 2]", "input: must be an object"),
        (change("meeting_minutes", REMOVE), "meeting_minutes: is required"),
        (change("min_size", "4"), "min_size: must be a whole number"),
        (change("min_size", 9), "min_size: must not be greater than max_size (8)"),
        (change("slot_minutes", 7.5), "slot_minutes: must be a whole number"),
        (change("slot_minutes", 25), "slot_minutes: must divide 10080"),
        (
            change("participants.0.availability", "evenings"),
            "participants[0].availability: must be a list",
        ),
        (
            change("participants.1.availability.0", [-30, 60]),
            "participants[1].availability[0]: start must be between 0 and 10079",
        ),
        (
            change("participants.3.availability.0", [1200, 1100]),
            "participants[3].availability[0]: end must be greater than start",
        ),
        (
            change("participants.2.availability.0", [1200]),
            "participants[2].availability[0]: must be a [start, end] pair of whole minutes",
        ),
        (change("participants.2.id", "p1"), "participants[2].id: duplicate id 'p1'"),
        (
            change("participants.4.experience", -1),
            "participants[4].experience: must not be negative",
        ),
        (
            change("facilitators.0.max_cohorts", 0),
            "facilitators[0].max_cohorts: must be at least 1",
        ),
        (change("facilitators.0.max_cohort", 2), "facilitators[0]: unknown field 'max_cohort'"),
        (
            change("fixed_cohorts", [{"facilitator": "f9", "start": 1140, "participants": []}]),
            "fixed_cohorts[0].facilitator: unknown facilitator 'f9'",
        ),
        (change("participants.0.priority", "yes"), "participants[0].priority: must be true or"),
        (
            change("participants.4.time_zone", "Mars/Olympus"),
            "participants[4].time_zone: unknown zone 'Mars/Olympus'",
        ),
        (
            change("facilitators.0.preferred_size", 9),
            "facilitators[0].preferred_size: must be between min_size and max_size",
        ),
        (
            change("facilitators.0.preferred_times", [[1200, 1100]]),
            "facilitators[0].preferred_times[0]: end must be greater than start",
        ),
        (
            change("soft", {"members_per_cohort": 0, "missed_minutes": 30}),
            "soft.members_per_cohort: must be at least 1",
        ),
        (
            change("soft", {"members_per_cohort": 1, "missed_minutes": 30, "default_window": True}),
            "soft.week_of: is required with default_window",
        ),
        (
            change("soft", {"members_per_cohort": 1, "missed_minutes": 30, "week_of": "soon"}),
            "soft.week_of: must be a date such as 2027-01-11",
        ),
        (change("seed", 1.5), "seed: must be a whole number"),
    ],
)
def test_a_malformed_problem_exits_with_status_2_naming_the_field(tmp_path, capsys, data, message):
    output = tmp_path / "result.json"
    assert run("--input", write(tmp_path, data), "--output", str(output)) == 2
    assert message in capsys.readouterr().err
    assert not output.exists()


def test_a_missing_input_file_exits_with_status_2(tmp_path, capsys):
    assert run("--input", str(tmp_path / "nowhere.json"), "--output", "-") == 2
    assert "Cannot read" in capsys.readouterr().err


def test_the_time_limit_option_is_checked_like_the_file(tmp_path, capsys):
    assert run("--input", write(tmp_path, PROBLEM), "--output", "-", "--time-limit", "0") == 2
    assert "time_limit_seconds: must be greater than 0" in capsys.readouterr().err


def test_the_file_format_reads_back_what_it_writes():
    problem = load_problem(json.dumps(PROBLEM))
    assert problem.participants[1].experience is None
    assert problem.time_limit_seconds == 5
    assert parse_problem(problem_to_dict(problem)) == problem


def test_the_file_format_carries_priorities_wishes_and_the_soft_tier():
    data = change("participants.0.priority", True)
    data["participants"][4]["time_zone"] = "Asia/Kolkata"
    data["facilitators"][0].update(preferred_times=[[1140, 1320]], preferred_size=5)
    data["soft"] = {
        "members_per_cohort": 1,
        "missed_minutes": 30,
        "default_window": True,
        "week_of": "2027-01-11",
    }
    data["seed"] = 7
    data["fixed_cohorts"] = [
        {
            "facilitator": "f1",
            "start": 1140,
            "participants": ["p1", "p2"],
            "soft_members": [{"id": "p2", "missed_minutes": 0, "assumed_window": False}],
        }
    ]
    problem = load_problem(json.dumps(data))
    assert problem.participants[0].priority
    assert problem.participants[4].time_zone == "Asia/Kolkata"
    assert problem.facilitators[0].preferred_size == 5
    assert problem.soft.week_of.isoformat() == "2027-01-11"
    assert problem.seed == 7
    assert parse_problem(problem_to_dict(problem)) == problem
