"""Submissions and feedback in the admin: findable, readable, and not editable by hand."""

import pytest
from django.urls import reverse

from apps.submissions.models import Feedback, Submission
from apps.submissions.services import (
    submission_get_or_start,
    submission_give_feedback,
    submission_submit,
)
from tests.factories import EnrollmentFactory, LevelFactory, RubricFactory, UserFactory
from tests.submissions import complete_answers, plan_exercise

pytestmark = pytest.mark.django_db


@pytest.fixture
def graded():
    enrollment = EnrollmentFactory(user=UserFactory(email="writer@example.com"))
    exercise = plan_exercise(unit__course=enrollment.round.course)
    rubric = RubricFactory(course=enrollment.round.course)
    level = LevelFactory(criterion__rubric=rubric, title="Solid", points=3)
    exercise.rubric = rubric
    exercise.save()
    submission = submission_get_or_start(enrollment=enrollment, exercise=exercise)
    answers = complete_answers() | {"why": "<script>alert(1)</script> Ünïcode"}
    submission = submission_submit(submission=submission, answers=answers, base_version=1)
    submission_give_feedback(
        submission=submission,
        grader=UserFactory(email="grader@example.com", display_name="Gail Grader"),
        decision="accepted",
        comment="Well argued.",
        levels=[level],
        base_version=submission.version,
    )
    return Submission.objects.get(pk=submission.pk)


def results(response) -> str:
    """The changelist's table of rows, without the filter sidebar."""
    html = response.content.decode()
    return html[html.index('id="result_list"') :].split("</table>")[0]


def test_the_submission_list_filters_and_searches_by_email(staff_client, graded):
    other = plan_exercise(unit__course=graded.enrollment.round.course, title="Plan a project")
    submission_get_or_start(enrollment=graded.enrollment, exercise=other)
    changelist = reverse("admin:submissions_submission_changelist")

    html = staff_client.get(changelist).content.decode()
    assert "writer@example.com" in html
    assert "By status" in html and "By is late" in html and "By exercise" in html

    found = staff_client.get(changelist, {"q": "writer@"}).content.decode()
    missing = staff_client.get(changelist, {"q": "nobody@"}).content.decode()
    assert "writer@example.com" in found
    assert "writer@example.com" not in missing

    accepted = results(staff_client.get(changelist, {"status__exact": "accepted"}))
    drafts = results(staff_client.get(changelist, {"status__exact": "draft"}))
    assert "Plan your career" in accepted and "Plan a project" not in accepted
    assert "Plan a project" in drafts and "Plan your career" not in drafts


def test_a_submission_shows_its_answers_pretty_printed_and_escaped_with_revisions(
    staff_client, graded
):
    response = staff_client.get(reverse("admin:submissions_submission_change", args=[graded.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Ünïcode" in html
    assert "<script>alert(1)</script>" not in html
    assert "\n  &quot;roles&quot;: [" in html  # indented JSON
    assert "Revisions" in html and "Milestones" in html
    assert 'name="status"' not in html  # nothing editable
    assert "Read three papers" in html


def test_submissions_and_feedback_cannot_be_added_by_hand(staff_client, graded):
    assert staff_client.get(reverse("admin:submissions_submission_add")).status_code == 403
    assert staff_client.get(reverse("admin:submissions_feedback_add")).status_code == 403


def test_feedback_is_listed_with_its_decision_and_points(staff_client, graded):
    feedback = Feedback.objects.get()

    listing = staff_client.get(reverse("admin:submissions_feedback_changelist")).content.decode()
    page = staff_client.get(
        reverse("admin:submissions_feedback_change", args=[feedback.pk])
    ).content.decode()

    assert "Accepted" in listing and "Gail Grader" in listing
    assert "Well argued." in page and "Solid" in page


def test_participants_cannot_open_the_submission_admin(participant_client, graded):
    response = participant_client.get(reverse("admin:submissions_submission_changelist"))
    assert response.status_code == 302
