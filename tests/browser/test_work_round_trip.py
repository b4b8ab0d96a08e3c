"""Work goes round: drafted, autosaved, submitted, returned, revised, accepted, on the dashboard."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.courses.models import Exercise
from apps.rounds.models import RoundUnit
from apps.submissions.models import Feedback, Revision, Submission
from tests.browser.conftest import expect_signed_in
from tests.factories import (
    PASSWORD,
    CohortFactory,
    ExerciseFactory,
    FacilitatorEnrollmentFactory,
    PlacementFactory,
    PromptFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUESTION = "What did you learn this week?"
SAVE_TIMEOUT = 15_000


@pytest.fixture
def work():
    cohort = CohortFactory(name="Cohort Kestrel")
    round_ = cohort.round
    facilitator = FacilitatorEnrollmentFactory(
        round=round_, status="active", user=UserFactory(display_name="Fay")
    )
    cohort.facilitators.add(facilitator)
    unit = UnitFactory(course=round_.course, number=1, title="Foundations")
    exercise = ExerciseFactory(
        unit=unit, title="Weekly reflection", kind=Exercise.Kind.FREE_RESPONSE
    )
    PromptFactory(exercise=exercise, position=1, slug="learned", text=QUESTION, answer="text")
    RoundUnit.objects.create(
        round=round_,
        unit=unit,
        week_starts_on=round_.starts_on,
        due_at=timezone.now() + timedelta(days=3),
    )
    participant = PlacementFactory(
        cohort=cohort,
        enrollment__status="active",
        enrollment__user__display_name="Pat",
        enrollment__user__email="pat@example.com",
    ).enrollment
    return participant, facilitator, cohort, exercise


def log_in(page, live_server, user):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect_signed_in(page)


def test_work_is_drafted_submitted_returned_revised_and_accepted(live_server, browser_page, work):
    participant, facilitator, cohort, exercise = work
    page = browser_page
    answer_url = f"{live_server.url}/work/{participant.round.slug}/exercises/{exercise.pk}/"

    # The participant drafts; autosave keeps it across a reload; they submit.
    log_in(page, live_server, participant.user)
    page.goto(answer_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Weekly reflection")
    page.get_by_label(QUESTION).fill("Outer and inner alignment differ.")
    expect(page.locator("#save-status")).to_contain_text("All changes saved", timeout=SAVE_TIMEOUT)
    page.reload()
    expect(page.get_by_label(QUESTION)).to_have_value("Outer and inner alignment differ.")
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_text("Submitted. Your facilitator can now read it.")).to_be_visible()

    # The facilitator returns it with a comment.
    log_in(page, live_server, facilitator.user)
    page.goto(f"{live_server.url}/grading/cohorts/{cohort.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("1 waiting for grading")
    page.get_by_role("link", name=re.compile(r"^Grade Pat")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("by Pat")
    page.get_by_label("Comment").fill("Say **how** they differ.")
    page.get_by_role("group", name="Decision").get_by_label("Return for revision").check()
    page.get_by_role("button", name="Save and back to the queue").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("0 waiting for grading")

    # The participant sees the return and the comment, revises and resubmits.
    log_in(page, live_server, participant.user)
    page.goto(answer_url)
    expect(page.get_by_text("Returned for revision", exact=True).first).to_be_visible()
    feedback = page.get_by_role("region", name="Feedback: Returned for revision")
    expect(feedback.locator("strong").first).to_have_text("how")
    expect(feedback).to_contain_text("Say how they differ.")
    page.get_by_label(QUESTION).fill("Outer: the objective; inner: what the model learns.")
    page.get_by_role("button", name="Resubmit").click()
    expect(page.get_by_text("Submitted. Your facilitator can now read it.")).to_be_visible()

    # The facilitator accepts the revision.
    log_in(page, live_server, facilitator.user)
    page.goto(f"{live_server.url}/grading/cohorts/{cohort.pk}/")
    page.get_by_role("link", name=re.compile(r"^Grade Pat")).click()
    expect(page.get_by_text("Outer: the objective; inner: what the model learns.")).to_be_visible()
    page.get_by_role("group", name="Decision").get_by_label("Accept").check()
    page.get_by_role("button", name="Save and back to the queue").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("0 waiting for grading")

    # The cohort's progress dashboard shows the exercise accepted for Pat.
    page.goto(f"{live_server.url}/progress/cohorts/{cohort.pk}/")
    row = page.get_by_role("row", name=re.compile(r"^Pat"))
    expect(row).to_contain_text("Weekly reflection: Accepted")

    submission = Submission.objects.get(enrollment=participant, exercise=exercise)
    assert submission.status == Submission.Status.ACCEPTED
    assert Revision.objects.filter(submission=submission).count() == 2
    assert list(
        Feedback.objects.filter(submission=submission)
        .order_by("created_at")
        .values_list("decision", flat=True)
    ) == ["returned", "accepted"]
