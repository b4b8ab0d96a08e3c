"""Read a CSV file of applicants and facilitators for a round into checked import rows.

Every value is checked before anything touches the database. A problem with
the file as a whole (its encoding, its header) stops the reading at once;
problems in rows are all collected, one per cell, so that the whole file can
be fixed in one go, each reported as "Row N, column “c”: what is wrong". Rows
are counted as a spreadsheet shows them: the header is row 1.
"""

import csv
import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from apps.accounts.timezones import is_valid_timezone
from apps.rounds.models import Enrollment
from apps.rounds.services import EnrollmentImportError, EnrollmentImportProblems, ImportRow


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    meaning: str


EXPERIENCE_RANGE = range(0, len(Enrollment.Experience.choices))
MAX_COHORTS_RANGE = range(1, 11)

COLUMNS = (
    Column("email", True, "Their email address; matched to existing accounts ignoring case."),
    Column(
        "name",
        False,
        "Their name, used when the import creates their account (or theirs has none).",
    ),
    Column("role", False, "participant or facilitator. New enrollments default to participant."),
    Column(
        "time_zone",
        False,
        "An IANA zone such as Europe/London, used when the import creates their account "
        "(new accounts default to UTC). People change it on their profile.",
    ),
    Column(
        "experience",
        False,
        "A number: "
        + ", ".join(f"{value} {label.lower()}" for value, label in Enrollment.Experience.choices)
        + ". New enrollments default to 0.",
    ),
    Column(
        "max_cohorts",
        False,
        f"Facilitators: how many cohorts they can run, {MAX_COHORTS_RANGE.start} to "
        f"{MAX_COHORTS_RANGE.stop - 1}. New enrollments default to 1.",
    ),
    Column(
        "status",
        False,
        "One of "
        + ", ".join(value for value, _ in Enrollment.Status.choices)
        + ". New enrollments default to applied.",
    ),
)
COLUMN_NAMES = tuple(column.name for column in COLUMNS)
ROLES = tuple(value for value, _ in Enrollment.Role.choices)
STATUSES = tuple(value for value, _ in Enrollment.Status.choices)


NUL = "\x00"


def read_enrollments_csv(data: bytes) -> list[ImportRow]:
    """Parse and check an import file; raise EnrollmentImportError with what is wrong.

    A blank optional value means "not given": the import then keeps what an
    existing enrollment has, or uses the default for a new one.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise EnrollmentImportError(
            1, "", "the file is not UTF-8 text; save it from your spreadsheet as “CSV UTF-8”."
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise EnrollmentImportError(1, "", "the file is empty; it needs a header row.") from None
    except csv.Error as error:
        raise EnrollmentImportError(1, "", f"this is not readable CSV ({error}).") from None
    columns = _check_header(header)

    rows: list[ImportRow] = []
    problems: list[EnrollmentImportError] = []
    first_row_of: dict[str, int] = {}
    number = 1
    while True:
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            # The reader cannot find where the next row starts, so reading ends here.
            problems.append(
                EnrollmentImportError(number + 1, "", f"this is not readable CSV ({error}).")
            )
            break
        number += 1
        if not any(value.strip() for value in values):
            continue
        if len(values) > len(columns):
            problems.append(
                EnrollmentImportError(
                    number,
                    "",
                    f"it has {len(values)} values but the header names {len(columns)} columns.",
                )
            )
            continue
        record = dict(zip(columns, (value.strip() for value in values), strict=False))
        email = record.get("email", "").lower()
        if email in first_row_of:
            problems.append(
                EnrollmentImportError(
                    number, "email", f"{email} already appears in row {first_row_of[email]}."
                )
            )
            continue
        if email:
            first_row_of[email] = number
        row, found = _check_row(number, record)
        problems.extend(found)
        if row is not None:
            rows.append(row)
    if problems:
        raise EnrollmentImportProblems(problems)
    if not rows:
        raise EnrollmentImportError(2, "", "the file has a header but no people in it.")
    return rows


def _check_header(header: list[str]) -> list[str]:
    columns = [name.strip().lower() for name in header]
    for position, name in enumerate(columns, start=1):
        if NUL in name:
            raise EnrollmentImportError(
                1, "", f"the header's column {position} holds a NUL character; {_NOT_TEXT}"
            )
        if not name:
            raise EnrollmentImportError(
                1, "", f"the header's column {position} has no name; remove it or name it."
            )
        if name not in COLUMN_NAMES:
            raise EnrollmentImportError(
                1,
                name,
                f"is not a column we know; the columns are {', '.join(COLUMN_NAMES)}.",
            )
        if columns.count(name) > 1:
            raise EnrollmentImportError(1, name, "appears twice in the header.")
    for column in COLUMNS:
        if column.required and column.name not in columns:
            raise EnrollmentImportError(
                1, column.name, "is missing from the header row; it is required."
            )
    return columns


_NOT_TEXT = "no text holds one, so the file may not really be CSV text."


def _check_row(number: int, record: dict[str, str]) -> tuple[ImportRow | None, list]:
    """The row's values checked, or None and one problem per cell that is wrong."""
    problems: list[EnrollmentImportError] = []

    def fail(column: str, problem: str):
        problems.append(EnrollmentImportError(number, column, problem))

    for column, value in record.items():
        if NUL in value:
            fail(column, f"holds a NUL character; {_NOT_TEXT}")
            record[column] = ""
    if problems:
        return None, problems

    email = record.get("email", "").lower()
    if not email:
        fail("email", "is empty; every row needs an email address.")
    else:
        try:
            validate_email(email)
        except ValidationError:
            fail("email", f"“{email}” is not a valid email address.")

    role = record.get("role", "").lower() or None
    if role is not None and role not in ROLES:
        fail("role", f"“{role}” is not a role; use {' or '.join(ROLES)}.")

    time_zone = record.get("time_zone") or None
    if time_zone is not None and not is_valid_timezone(time_zone):
        fail("time_zone", f"“{time_zone}” is not an IANA time zone such as Europe/London.")

    status = record.get("status", "").lower() or None
    if status is not None and status not in STATUSES:
        fail("status", f"“{status}” is not a status; use one of {', '.join(STATUSES)}.")

    name = record.get("name", "")
    if len(name) > 100:
        fail("name", f"is {len(name)} characters long; the limit is 100.")

    whole = {}
    for column, allowed in (("experience", EXPERIENCE_RANGE), ("max_cohorts", MAX_COHORTS_RANGE)):
        try:
            whole[column] = _whole(record.get(column, ""), allowed)
        except ValueError as error:
            fail(column, str(error))
    if problems:
        return None, problems
    return (
        ImportRow(
            row=number,
            email=email,
            name=name,
            role=role,
            time_zone=time_zone,
            experience=whole["experience"],
            max_cohorts=whole["max_cohorts"],
            status=status,
        ),
        [],
    )


def _whole(value: str, allowed: range) -> int | None:
    if not value:
        return None
    if not (value.isascii() and value.isdigit()):
        raise ValueError(f"“{value}” is not a whole number.")
    if int(value) not in allowed:
        raise ValueError(f"{int(value)} is outside {allowed.start} to {allowed.stop - 1}.")
    return int(value)
