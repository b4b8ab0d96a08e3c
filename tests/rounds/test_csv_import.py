from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command

from apps.accounts.models import User
from apps.rounds.csv_import import read_enrollments_csv
from apps.rounds.models import Enrollment
from apps.rounds.services import (
    EnrollmentImportError,
    EnrollmentImportProblems,
    enrollments_import,
)
from tests.factories import EnrollmentFactory, RoundFactory, UserFactory

pytestmark = pytest.mark.django_db

HEADER = "email,name,role,time_zone,experience,max_cohorts,status\n"
GOOD = (
    HEADER
    + "ada@example.org,Ada Lovelace,participant,Europe/London,1,,\n"
    + "grace@example.org,Grace Hopper,facilitator,America/New_York,3,2,accepted\n"
)


def run_import(round, text: str):
    return enrollments_import(round=round, rows=read_enrollments_csv(text.encode()))


def test_a_good_file_creates_people_and_their_enrollments():
    round = RoundFactory()

    summary = run_import(round, GOOD)

    assert (summary.users_created, summary.enrollments_created) == (2, 2)
    ada = Enrollment.objects.get(round=round, user__email="ada@example.org")
    assert (ada.role, ada.status, ada.experience, ada.max_cohorts) == (
        "participant",
        "applied",
        1,
        1,
    )
    assert ada.user.display_name == "Ada Lovelace"
    assert ada.user.time_zone == "Europe/London"
    grace = Enrollment.objects.get(round=round, user__email="grace@example.org")
    assert (grace.role, grace.status, grace.max_cohorts) == ("facilitator", "accepted", 2)


def test_people_created_by_an_import_have_no_usable_password_and_an_unverified_address():
    run_import(RoundFactory(), GOOD)

    user = User.objects.get(email="ada@example.org")
    assert not user.has_usable_password()
    address = EmailAddress.objects.get(user=user)
    assert address.email == "ada@example.org" and address.primary and not address.verified


def test_only_the_email_column_is_needed():
    round = RoundFactory()

    run_import(round, "Email\nsolo@example.org\n")

    enrollment = Enrollment.objects.get(round=round)
    assert (enrollment.role, enrollment.status) == ("participant", "applied")
    assert enrollment.user.time_zone == "UTC"


def test_people_are_matched_by_email_whatever_its_case_and_keep_their_own_choices():
    person = UserFactory(email="pat@example.com", display_name="Pat", time_zone="Asia/Tokyo")
    round = RoundFactory()

    summary = run_import(round, HEADER + "PAT@Example.COM,Someone Else,,Europe/Paris,,,\n")

    assert summary.users_created == 0
    assert User.objects.count() == 1
    enrollment = Enrollment.objects.get(round=round)
    assert enrollment.user == person
    person.refresh_from_db()
    assert (person.display_name, person.time_zone) == ("Pat", "Asia/Tokyo")


def test_people_are_matched_by_another_address_on_their_account():
    person = UserFactory(email="main@example.com")
    EmailAddress.objects.create(user=person, email="other@example.com", verified=True)
    round = RoundFactory()

    run_import(round, "email\nOther@example.com\n")

    assert Enrollment.objects.get(round=round).user == person


def test_reimporting_updates_existing_enrollments_and_blank_values_keep_what_is_there():
    round = RoundFactory()
    run_import(round, GOOD)

    summary = run_import(
        round,
        HEADER
        + "ada@example.org,,facilitator,,,3,accepted\n"
        + "grace@example.org,,,,,,\n"
        + "new@example.org,,,,,,\n",
    )

    assert (summary.enrollments_created, summary.enrollments_updated) == (1, 1)
    assert (summary.enrollments_unchanged, summary.users_created) == (1, 1)
    ada = Enrollment.objects.get(round=round, user__email="ada@example.org")
    assert (ada.role, ada.status, ada.max_cohorts, ada.experience) == (
        "facilitator",
        "accepted",
        3,
        1,
    )
    grace = Enrollment.objects.get(round=round, user__email="grace@example.org")
    assert (grace.role, grace.status, grace.max_cohorts) == ("facilitator", "accepted", 2)
    assert Enrollment.objects.filter(round=round).count() == 3


def test_an_import_touches_only_its_own_round():
    other = EnrollmentFactory(user__email="ada@example.org", status=Enrollment.Status.DECLINED)

    run_import(RoundFactory(), GOOD)

    other.refresh_from_db()
    assert other.status == Enrollment.Status.DECLINED


BAD_FILES = [
    ("unknown role", HEADER + "c@example.org,,teacher,,,,\n", 3, "role", "teacher"),
    ("invalid email", HEADER + "not-an-address,,,,,,\n", 3, "email", "not a valid email"),
    ("empty email", HEADER + ",Nobody,,,,,\n", 3, "email", "needs an email"),
    ("unknown zone", HEADER + "c@example.org,,,Mars/Olympus,,,\n", 3, "time_zone", "IANA"),
    ("offset zone", HEADER + "c@example.org,,,+02:00,,,\n", 3, "time_zone", "IANA"),
    ("words for experience", HEADER + "c@example.org,,,,lots,,\n", 3, "experience", "whole"),
    ("experience too high", HEADER + "c@example.org,,,,7,,\n", 3, "experience", "outside 0 to 3"),
    ("too many cohorts", HEADER + "c@example.org,,,,,11,\n", 3, "max_cohorts", "outside 1 to 10"),
    ("unknown status", HEADER + "c@example.org,,,,,,maybe\n", 3, "status", "maybe"),
    (
        "same email twice",
        HEADER + "c@example.org,,,,,,\nC@Example.org,,,,,,\n",
        4,
        "email",
        "already appears in row 3",
    ),
]


@pytest.mark.parametrize(
    "text, row, column, words", [case[1:] for case in BAD_FILES], ids=[c[0] for c in BAD_FILES]
)
def test_a_bad_row_names_its_row_and_column_and_nothing_is_imported(text, row, column, words):
    round = RoundFactory()
    # A good row first: it must not be imported either.
    text = text.replace(HEADER, HEADER + "first@example.org,First,,,,,\n", 1)

    with pytest.raises(EnrollmentImportError) as caught:
        run_import(round, text)

    assert (caught.value.row, caught.value.column) == (row, column)
    assert f"Row {row}, column “{column}”" in str(caught.value)
    assert words in str(caught.value)
    assert not User.objects.exists()
    assert not Enrollment.objects.exists()


@pytest.mark.parametrize(
    "text, words",
    [
        ("name,role\nAda,participant\n", "column “email”: is missing"),
        ("email,emial\na@example.org,x\n", "“emial”: is not a column we know"),
        ("email,email\na@example.org,b@example.org\n", "appears twice"),
        ("", "empty"),
        ("email\n", "no people"),
        ("email\na@example.org,extra\n", "2 values but the header names 1"),
    ],
)
def test_a_file_with_a_bad_shape_is_refused(text, words):
    with pytest.raises(EnrollmentImportError, match=words):
        read_enrollments_csv(text.encode())


def test_every_bad_row_is_reported_in_file_order_and_nothing_is_imported():
    text = (
        HEADER
        + "a@example.org,,boss,,,,\n"
        + "b@example.org,,,,,,\n"
        + "c@example.org,,,Mars/Base,lots,,\n"
        + "A@example.org,,,,,,\n"
    )

    with pytest.raises(EnrollmentImportProblems) as caught:
        run_import(RoundFactory(), text)

    assert [(p.row, p.column) for p in caught.value.problems] == [
        (2, "role"),
        (4, "time_zone"),
        (4, "experience"),
        (5, "email"),
    ]
    assert str(caught.value).splitlines()[0] == (
        "Row 2, column “role”: “boss” is not a role; use participant or facilitator."
    )
    assert len(str(caught.value).splitlines()) == 4
    assert not Enrollment.objects.exists()


def test_a_file_with_very_many_bad_rows_reports_the_first_fifty_and_a_count():
    text = HEADER + "".join(f"p{n}@example.org,,boss,,,,\n" for n in range(250))

    with pytest.raises(EnrollmentImportProblems) as caught:
        read_enrollments_csv(text.encode())

    lines = str(caught.value).splitlines()
    assert len(lines) == 51
    assert lines[-1] == "… and 200 more problems after these."


@pytest.mark.parametrize(
    "text, row, column",
    [
        (HEADER + "a@example.org,Ada\x00Lovelace,,,,,\n", 2, "name"),
        (HEADER + "a@example.org,,,Europe/Lon\x00don,,,\n", 2, "time_zone"),
        (HEADER + "good@example.org,,,,,,\nb\x00@example.org,,,,,,\n", 3, "email"),
    ],
)
def test_a_nul_character_is_refused_naming_its_row_and_column(text, row, column):
    with pytest.raises(EnrollmentImportError) as caught:
        run_import(RoundFactory(), text)

    assert (caught.value.row, caught.value.column) == (row, column)
    assert "NUL character" in str(caught.value)
    assert not Enrollment.objects.exists()


def test_a_nul_character_in_the_header_is_refused():
    with pytest.raises(EnrollmentImportError, match="column 2 holds a NUL character"):
        read_enrollments_csv(b"email,na\x00me\na@example.org,Ada\n")


def test_binary_junk_is_refused_with_a_message_not_an_error():
    junk = bytes(range(256)) * 400
    with pytest.raises(EnrollmentImportError):
        read_enrollments_csv(junk)


def test_a_file_that_is_not_utf8_is_refused():
    with pytest.raises(EnrollmentImportError, match="UTF-8"):
        read_enrollments_csv("email,name\nzoe@example.org,Zoë\n".encode("latin-1"))


def test_a_spreadsheet_byte_order_mark_and_blank_lines_are_fine():
    rows = read_enrollments_csv("\ufeffEmail , Name\n\nzoe@example.org,Zoë\n,\n".encode())
    assert [(row.row, row.email, row.name) for row in rows] == [(3, "zoe@example.org", "Zoë")]


def test_two_addresses_of_the_same_person_in_one_file_are_refused_and_nothing_is_imported():
    person = UserFactory(email="main@example.com")
    EmailAddress.objects.create(user=person, email="other@example.com", verified=True)

    with pytest.raises(EnrollmentImportError, match="same person as main@example.com in row 3"):
        run_import(
            RoundFactory(),
            "email\nnew@example.org\nmain@example.com\nother@example.com\n",
        )

    assert not User.objects.filter(email="new@example.org").exists()
    assert not Enrollment.objects.exists()


def test_importing_thousands_of_rows_takes_a_handful_of_queries(django_assert_max_num_queries):
    round = RoundFactory()
    existing = UserFactory.create_batch(20)
    emails = [user.email for user in existing] + [f"p{n}@example.org" for n in range(2000)]
    text = "email,role\n" + "".join(f"{email},participant\n" for email in emails)
    rows = read_enrollments_csv(text.encode())

    # Bulk inserts, split only by the database's limit on parameters per query
    # (SQLite's 999 makes that about a hundred rows a query; PostgreSQL, far more).
    with django_assert_max_num_queries(len(rows) // 20):
        summary = enrollments_import(round=round, rows=rows)

    assert (summary.users_created, summary.enrollments_created) == (2000, 2020)


def test_the_command_imports_a_file(tmp_path):
    round = RoundFactory(slug="spring")
    path = tmp_path / "people.csv"
    path.write_text(GOOD)
    out = StringIO()

    call_command("import_enrollments", "spring", str(path), stdout=out)

    assert out.getvalue().strip() == (
        f"Imported into {round}: 2 new enrollments, 0 updated, 0 unchanged; 2 new accounts."
    )
    assert Enrollment.objects.filter(round=round).count() == 2


def test_the_command_reports_a_bad_row_and_imports_nothing(tmp_path):
    RoundFactory(slug="spring")
    path = tmp_path / "people.csv"
    path.write_text(HEADER + "a@example.org,,boss,,,,\n")

    with pytest.raises(
        CommandError, match="Nothing was imported. people.csv: Row 2, column “role”"
    ) as caught:
        call_command("import_enrollments", "spring", str(path))

    assert caught.value.returncode == 2
    assert not Enrollment.objects.exists()


def test_the_command_exits_with_status_2_for_an_unknown_round(tmp_path):
    path = tmp_path / "people.csv"
    path.write_text(GOOD)

    with pytest.raises(CommandError, match="no round with the slug “nope”") as caught:
        call_command("import_enrollments", "nope", str(path))

    assert caught.value.returncode == 2
