"""The rounds admin: schedules, accepting and declining, and importing people from CSV."""

from datetime import UTC, date, datetime

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.accounts.models import User
from apps.rounds.models import Enrollment, Round, RoundUnit
from apps.rounds.services import round_schedule_units
from tests.factories import CourseFactory, EnrollmentFactory, RoundFactory, UnitFactory

pytestmark = pytest.mark.django_db


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def import_url(round):
    return reverse("admin:rounds_round_import", args=[round.pk])


def upload(text: str, name: str = "people.csv"):
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def round_form(course, **changes):
    data = {
        "course": course.pk,
        "name": "Autumn 2027",
        "slug": "autumn-2027",
        "applications_open_at_0": "2027-08-01",
        "applications_open_at_1": "09:00:00",
        "applications_close_at_0": "2027-08-31",
        "applications_close_at_1": "17:00:00",
        "starts_on": "2027-09-06",
        "meeting_minutes": "90",
        "cohort_min_size": "4",
        "cohort_target_size": "6",
        "cohort_max_size": "8",
        "schedule-TOTAL_FORMS": "0",
        "schedule-INITIAL_FORMS": "0",
        "schedule-MIN_NUM_FORMS": "0",
        "schedule-MAX_NUM_FORMS": "1000",
        "questions-TOTAL_FORMS": "0",
        "questions-INITIAL_FORMS": "0",
        "questions-MIN_NUM_FORMS": "0",
        "questions-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return data


def test_adding_a_round_fills_in_a_week_for_each_session(staff_client):
    course = CourseFactory()
    for number in (1, 2, 3):
        UnitFactory(course=course, number=number)

    response = staff_client.post(reverse("admin:rounds_round_add"), round_form(course))

    assert response.status_code == 302, response.content.decode()[:2000]
    round = Round.objects.get(slug="autumn-2027")
    assert list(round.schedule.order_by("week_starts_on").values_list("week_starts_on")) == [
        (date(2027, 9, 6),),
        (date(2027, 9, 13),),
        (date(2027, 9, 20),),
    ]
    assert any("Filled in the schedule: 3 sessions" in m for m in messages_of(response))


def test_the_schedule_can_be_adjusted_on_the_round_page(staff_client):
    round = RoundFactory(starts_on=date(2027, 3, 1))
    unit = UnitFactory(course=round.course, number=1)
    (entry,) = round_schedule_units(round=round)
    url = reverse("admin:rounds_round_change", args=[round.pk])
    page = staff_client.get(url).content.decode()
    assert "Import people (CSV)" in page and unit.display_title in page

    data = round_form(
        round.course,
        name=round.name,
        slug=round.slug,
        starts_on="2027-03-01",
        **{
            "schedule-TOTAL_FORMS": "1",
            "schedule-INITIAL_FORMS": "1",
            "schedule-0-id": str(entry.pk),
            "schedule-0-round": str(round.pk),
            "schedule-0-unit": str(unit.pk),
            "schedule-0-week_starts_on": "2027-03-08",
            "schedule-0-due_at_0": "2027-03-12",
            "schedule-0-due_at_1": "18:00:00",
        },
    )
    response = staff_client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:3000]
    entry.refresh_from_db()
    assert entry.week_starts_on == date(2027, 3, 8)
    assert entry.due_at == datetime(2027, 3, 12, 18, tzinfo=UTC)


def test_the_schedule_offers_only_the_units_of_the_rounds_course(staff_client):
    round = RoundFactory()
    UnitFactory(course=round.course, title="Our own session")
    UnitFactory(title="Another course's session")
    round_schedule_units(round=round)

    page = staff_client.get(reverse("admin:rounds_round_change", args=[round.pk])).content
    assert b"Our own session" in page and b"Another course&#x27;s session" not in page


def test_the_fill_in_action_adds_missing_sessions_and_keeps_the_rest(staff_client):
    round = RoundFactory(starts_on=date(2027, 3, 1))
    UnitFactory(course=round.course, number=1)
    round_schedule_units(round=round)
    RoundUnit.objects.update(week_starts_on=date(2027, 4, 5))
    UnitFactory(course=round.course, number=2)

    response = staff_client.post(
        reverse("admin:rounds_round_changelist"),
        {"action": "fill_in_schedule", "_selected_action": [round.pk]},
    )

    assert response.status_code == 302
    weeks = sorted(round.schedule.values_list("week_starts_on", flat=True))
    assert weeks == [date(2027, 3, 8), date(2027, 4, 5)]
    assert any("added 1 session" in m and "kept the 1" in m for m in messages_of(response))


def test_the_round_list_counts_people(staff_client):
    round = RoundFactory(name="Counted round")
    EnrollmentFactory.create_batch(2, round=round, status=Enrollment.Status.APPLIED)
    EnrollmentFactory(round=round, status=Enrollment.Status.ACCEPTED)

    response = staff_client.get(reverse("admin:rounds_round_changelist"))

    assert response.status_code == 200
    assert "Counted round" in response.content.decode()


def test_accepting_from_the_enrollment_list_reports_what_was_skipped(staff_client):
    waiting = EnrollmentFactory.create_batch(2, status=Enrollment.Status.APPLIED)
    dropped = EnrollmentFactory(status=Enrollment.Status.DROPPED)

    response = staff_client.post(
        reverse("admin:rounds_enrollment_changelist"),
        {"action": "accept", "_selected_action": [e.pk for e in [*waiting, dropped]]},
    )

    assert response.status_code == 302
    assert Enrollment.objects.filter(status=Enrollment.Status.ACCEPTED).count() == 2
    assert messages_of(response) == [
        "Accepted 2 applications. Skipped 1 that was not waiting for a decision."
    ]


def test_declining_from_the_enrollment_list(staff_client):
    waiting = EnrollmentFactory(status=Enrollment.Status.APPLIED)

    response = staff_client.post(
        reverse("admin:rounds_enrollment_changelist"),
        {"action": "decline", "_selected_action": [waiting.pk]},
    )

    waiting.refresh_from_db()
    assert waiting.status == Enrollment.Status.DECLINED
    assert messages_of(response) == ["Declined 1 application."]


def test_enrollments_can_be_filtered_and_searched(staff_client):
    round = RoundFactory()
    EnrollmentFactory(round=round, user__email="findme@example.com", role="facilitator")
    EnrollmentFactory(round=round, user__email="other@example.com")
    url = reverse("admin:rounds_enrollment_changelist")

    found = staff_client.get(url, {"q": "FINDME"}).content.decode()
    filtered = staff_client.get(
        url,
        {"round__id__exact": round.pk, "role__exact": "participant", "status__exact": "accepted"},
    ).content.decode()

    assert "findme@example.com" in found and "other@example.com" not in found
    assert "other@example.com" in filtered and "findme@example.com" not in filtered


def test_only_staff_reach_the_import_page(participant_client):
    round = RoundFactory()

    response = participant_client.post(import_url(round), {"file": upload("email\na@b.org\n")})

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
    assert not Enrollment.objects.exists()


def test_the_import_page_documents_the_columns(staff_client):
    html = staff_client.get(import_url(RoundFactory())).content.decode()

    for column in ["email", "name", "role", "time_zone", "experience", "max_cohorts", "status"]:
        assert f"<code>{column}</code>" in html
    assert 'type="file"' in html


def test_importing_a_good_file_shows_a_summary(staff_client):
    round = RoundFactory()
    text = "email,name,role\nada@example.org,Ada,participant\ngrace@example.org,Grace,facilitator\n"

    response = staff_client.post(import_url(round), {"file": upload(text)})

    assert response.status_code == 302
    assert f"round__id__exact={round.pk}" in response.url
    assert messages_of(response) == [
        f"Imported into {round}: 2 new enrollments, 0 updated, 0 unchanged; 2 new accounts."
    ]
    assert Enrollment.objects.filter(round=round).count() == 2


def test_importing_a_bad_file_names_the_row_and_column_and_imports_nothing(staff_client):
    round = RoundFactory()
    text = "email,time_zone\nada@example.org,Europe/London\ngrace@example.org,Moon/Base\n"

    response = staff_client.post(import_url(round), {"file": upload(text)})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Nothing from this file was imported" in html
    assert "Row 3, column “time_zone”: “Moon/Base” is not an IANA time zone" in html
    assert not Enrollment.objects.exists()
    assert not User.objects.filter(email="ada@example.org").exists()


def test_the_import_page_lists_every_bad_row_at_once(staff_client):
    round = RoundFactory()
    text = (
        "email,role,experience\n"
        "ada@example.org,teacher,1\n"
        "grace@example.org,participant,1\n"
        "not-an-address,participant,lots\n"
        "linus@example.org,participant,9\n"
    )

    response = staff_client.post(import_url(round), {"file": upload(text)})

    html = response.content.decode()
    assert "Row 2, column “role”: “teacher” is not a role" in html
    assert "Row 4, column “email”: “not-an-address” is not a valid email address" in html
    assert "Row 4, column “experience”: “lots” is not a whole number" in html
    assert "Row 5, column “experience”: 9 is outside 0 to 3" in html
    assert not Enrollment.objects.exists()


def test_the_import_page_needs_a_file(staff_client):
    response = staff_client.post(import_url(RoundFactory()), {})

    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
