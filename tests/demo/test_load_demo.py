import re
from datetime import UTC, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse

from apps.accounts.models import User
from apps.certificates.models import Certificate
from apps.cohorts.models import Attendance, Cohort
from apps.cohorts.selectors import move_check
from apps.courses.models import Course, Exercise
from apps.demo.views import read_outbox
from apps.reminders import registry
from apps.reminders.models import Notification, Reminder
from apps.reviews.models import Review, ReviewAssignment
from apps.submissions.models import Feedback, Submission

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
    cohort = Cohort.objects.get(round__slug="demo-round")
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


# The demo's story: what a newcomer finds once it is loaded ------------------------------

# A Thursday afternoon in London: the round started on Monday and its first meeting,
# Tuesday evening in New York, is over.
THURSDAY = datetime(2027, 3, 4, 14, 0, tzinfo=UTC)


@pytest.fixture
def loaded(settings, tmp_path):
    """The demo loaded at THURSDAY, with its email kept as files as in `make run`.

    The story's news is scheduled when its transaction commits, as in the
    product, so these tests use real transactions.
    """
    settings.DEMO_MODE = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path / "mail"
    with time_machine.travel(THURSDAY):
        call_command("load_demo", stdout=StringIO())
        yield settings.EMAIL_FILE_PATH


def log_in(client, who):
    client.post(reverse("account_login"), {"login": f"{who}@example.com", "password": "coursedemo"})
    return client


@pytest.mark.django_db(transaction=True)
def test_the_participant_home_shows_returned_work_and_reviews_to_do(loaded, client):
    page = log_in(client, "participant").get("/").content.decode()

    returned = page.index("Returned for revision")
    assert "Plan your career in AI safety" in page[returned:]
    to_do = page.index("Reviews to do")
    assert "Review Plan your project sprint" in page[to_do:]
    assert "Draft saved" in page[to_do:] and "Not started" in page[to_do:]
    assert "Week 1 of 5" in page


@pytest.mark.django_db(transaction=True)
def test_the_participant_was_told_at_once_that_their_plan_came_back(loaded, client):
    page = log_in(client, "participant").get(reverse("reminders:notifications")).content.decode()

    assert "Returned for revision: “Plan your career in AI safety”" in page
    feedback = Feedback.objects.get(submission__enrollment__user__email="participant@example.com",
                                    decision=Feedback.Decision.RETURNED)  # fmt: skip
    assert feedback.scores.count() == feedback.submission.exercise.rubric.criteria.count()


@pytest.mark.django_db(transaction=True)
def test_the_participant_reads_the_reviews_her_own_reviews_unlocked(loaded, client):
    page = log_in(client, "participant").get(reverse("reviews:received")).content.decode()

    # Pat wrote her career plan reviews, so she reads the two of her career plan; those
    # of her project plan wait until she writes the ones she owes.
    assert page.count("Which path in this plan looks like the best fit") == 2
    assert "Reproduce one result from a published evals paper" in page
    assert "Reviews of this work unlock when you have submitted your own reviews" in page
    assert "results for three models" not in page
    written = Review.objects.filter(
        assignment__submission__enrollment__user__email="participant@example.com",
        submitted_at__isnull=False,
    )
    assert written.filter(assignment__submission__exercise__slug="project-plan").exists()


@pytest.mark.django_db(transaction=True)
def test_the_facilitator_has_work_waiting_and_attendance_of_held_meetings(loaded, client):
    log_in(client, "facilitator")
    cohort = Cohort.objects.get(round__slug="demo-round")

    queue = client.get(reverse("grading:queue", args=[cohort.pk])).content.decode()
    assert "Mei Chen" in queue and "Plan your project sprint" in queue

    held, upcoming = cohort.meetings.order_by("starts_at")[:2]
    assert held.ends_at < THURSDAY < upcoming.starts_at
    assert held.attendance.count() == 5
    assert held.attendance.filter(status="excused").get().enrollment.user.email == (
        "peer4@example.com"
    )
    assert not upcoming.attendance.exists()


@pytest.mark.django_db(transaction=True)
def test_the_graduate_certificate_verifies_publicly(loaded, client):
    certificate = Certificate.objects.get()
    assert certificate.enrollment.user.email == "graduate@example.com"
    assert certificate.enrollment.round.starts_on < THURSDAY.date() - timedelta(weeks=5)

    page = client.get(certificate.get_absolute_url()).content.decode()  # anonymous
    assert "Gabi Graduate" in page and "AI Alignment Fundamentals" in page
    assert "revoked" not in page.lower()
    mine = log_in(client, "graduate").get(reverse("certificates:mine")).content.decode()
    assert certificate.get_absolute_url() in mine


def sent_kinds(folder) -> set[str]:
    """The kinds of the reminders whose email is in the folder, found by Message-ID."""
    ids = {int(re.search(r"reminder-(\d+)@", e.message_id)[1]) for e in read_outbox(folder)}
    return set(Reminder.objects.filter(pk__in=ids).values_list("kind", flat=True))


# Through the week and round the clock, so someone is always awake to be emailed.
@pytest.mark.parametrize(
    "moment",
    [
        datetime(2027, 3, 1, 2, 0, tzinfo=UTC),  # Monday, before any meeting
        datetime(2027, 3, 3, 9, 0, tzinfo=UTC),
        datetime(2027, 3, 5, 16, 30, tzinfo=UTC),
        datetime(2027, 3, 7, 22, 30, tzinfo=UTC),
    ],
)
@pytest.mark.django_db(transaction=True)
def test_the_outbox_holds_a_reminder_and_news_whenever_the_demo_is_loaded(
    moment, settings, tmp_path, client
):
    settings.DEMO_MODE = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path
    with time_machine.travel(moment):
        call_command("load_demo", stdout=StringIO())

    kinds = {registry.get(kind) for kind in sent_kinds(tmp_path)}
    assert {kind for kind in kinds if kind.plan and not kind.in_app_at_once}, kinds
    assert {kind for kind in kinds if kind.in_app_at_once}, kinds
    page = log_in(client, "admin").get(reverse("demo:outbox")).content.decode()
    assert "How did “" in page  # a milestone check-in


@pytest.mark.django_db(transaction=True)
def test_loading_the_demo_again_adds_no_work_reviews_or_email(loaded, client):
    def counts():
        return (
            Submission.objects.count(),
            Feedback.objects.count(),
            ReviewAssignment.objects.count(),
            Review.objects.count(),
            Attendance.objects.count(),
            Notification.objects.count(),
            Reminder.objects.count(),
            Reminder.objects.filter(status=Reminder.Status.SENT).count(),
            len(read_outbox(loaded)),
        )

    before = counts()
    call_command("load_demo", stdout=StringIO())

    assert counts() == before
    assert before[0] and before[3] and before[-1]


@pytest.mark.django_db(transaction=True)
def test_everyone_in_the_demo_cohort_can_make_its_meetings(loaded):
    cohort = Cohort.objects.get(round__slug="demo-round")
    for meeting in cohort.meetings.all():
        assert move_check(meeting=meeting, starts_at=meeting.starts_at) == []
