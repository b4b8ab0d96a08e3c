from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from apps.accounts.models import User
from apps.cohorts.models import Cohort
from apps.courses.models import Course, Exercise

pytestmark = pytest.mark.django_db


def test_demo_data_is_refused_outside_demo_mode(settings):
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="DEMO_MODE") as caught:
        call_command("load_demo")
    assert caught.value.returncode == 2
    assert not User.objects.exists()


def test_loading_the_demo_twice_gives_one_course_round_and_cohort(settings):
    settings.DEMO_MODE = True
    call_command("load_demo")
    call_command("load_demo")

    assert Course.objects.count() == 1
    emails = set(User.objects.values_list("email", flat=True))
    assert {"participant@example.com", "facilitator@example.com", "admin@example.com"} <= emails
    assert User.objects.get(email="admin@example.com").is_superuser
    cohort = Cohort.objects.get()
    assert cohort.is_published and cohort.placements.count() == 5
    assert cohort.facilitators.get().user.email == "facilitator@example.com"
    units = Course.objects.get().units.count()
    assert cohort.meetings.count() == units
    # Tuesdays 19:00 for the facilitator in New York, whatever the season.
    local = cohort.meetings.first().starts_at.astimezone(ZoneInfo("America/New_York"))
    assert (local.weekday(), local.hour) == (1, 19)


def test_the_demo_participant_sees_the_contributing_session_with_both_plans(client, settings):
    settings.DEMO_MODE = True
    call_command("load_demo")
    client.post(
        reverse("account_login"), {"login": "participant@example.com", "password": "coursedemo"}
    )

    course = client.get(reverse("courses:detail", args=["ai-alignment-fundamentals"]))
    html = course.content.decode()
    assert "Contributing to AI Alignment" in html

    number = html.count("<h2><a href=")  # the final session is the last one
    session = client.get(reverse("courses:unit", args=["ai-alignment-fundamentals", number]))
    page = session.content.decode()
    assert f"Session {number}: Contributing to AI Alignment" in page
    for title in ("Become a person who Actually Does Things", "Working in AI Alignment",
                  "AGI safety career advice", "Jan Leike"):  # fmt: skip
        assert title in page
    kinds = set(Exercise.objects.filter(unit__number=number).values_list("kind", flat=True))
    assert kinds == {"career_plan", "project_plan"}
    assert "Needs 3-5 items" in page and "at least 10 items" in page and "Time box: 5 min" in page


def test_a_broken_demo_course_is_reported_by_file_and_field(settings, tmp_path, monkeypatch):
    from apps.demo.management.commands import load_demo

    settings.DEMO_MODE = True
    (tmp_path / "course.yaml").write_text("title: A course with no slug\n")
    monkeypatch.setattr(load_demo, "DEMO_COURSE", tmp_path)

    with pytest.raises(CommandError, match="Nothing was loaded. .*course.yaml") as caught:
        call_command("load_demo")

    assert caught.value.returncode == 2
    assert not Course.objects.exists()
