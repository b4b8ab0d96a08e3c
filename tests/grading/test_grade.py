"""The grading page: reading the submitted revision, deciding against the rubric, conflicts."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from apps.submissions.models import CriterionScore, Feedback, Revision, Submission
from tests.factories import (
    ExerciseFactory,
    FacilitatorEnrollmentFactory,
    LevelFactory,
    PromptFactory,
)
from tests.grading import SUBMITTED_AT, build_course, login, place, submitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def course():
    return build_course()


@pytest.fixture
def submission(course):
    return submitted(place(course, display_name="Pat"), course.exercise)


@pytest.fixture
def facilitator_client(client, course):
    return login(client, course.facilitator.user)


def grade_url(submission, query=""):
    url = reverse("grading:grade", args=[submission.pk])
    return f"{url}?{query}" if query else url


def decision(
    course, submission, choice, *, levels=((0, 3), (1, 2)), comment="", then="queue", **extra
):
    """The form data for a decision; `levels` are (criterion index, level position) pairs.

    `then` is the button pressed: "queue" (Save and back to the queue) or "next".
    """
    data = {
        "decision": choice,
        "then": then,
        "comment": comment,
        "version": submission.version,
        "revision": submission.revisions.count(),
        "last_feedback": 0,
    }
    for criterion, position in levels:
        data[f"criterion-{course.criteria[criterion].pk}"] = course.level(criterion, position).pk
    data.update(extra)
    return data


def textarea(html: str) -> str:
    return re.search(r"<textarea[^>]*>\n?(.*?)</textarea>", html, re.S).group(1)


# Reading ------------------------------------------------------------------------------


def test_page_shows_participant_exercise_revision_and_submitted_time(facilitator_client, course):
    work = submitted(place(course, display_name="Pat"), course.exercise, revisions=2, late=True)

    html = facilitator_client.get(grade_url(work)).content.decode()

    assert "Plan your career" in html and "by Pat" in html
    assert "<dt>Revision</dt><dd>2</dd>" in html
    assert "Mon 8 Mar 2027, 18:00 GMT" in html
    assert '<span class="badge late">Late</span>' in html


def test_page_shows_the_submitted_revision_not_the_live_draft(facilitator_client, course):
    work = submitted(
        place(course), course.exercise, answers={"roles": ["Analyst"], "why": "Submitted text"}
    )
    work.answers = {"roles": ["Changed"], "why": "Still drafting this"}
    work.save()

    html = facilitator_client.get(grade_url(work)).content.decode()

    assert "Submitted text" in html and "Analyst" in html
    assert "Still drafting this" not in html and "Changed" not in html


def test_answers_are_rendered_as_markdown_without_anything_that_could_run(
    facilitator_client, course
):
    work = submitted(
        place(course),
        course.exercise,
        answers={
            "roles": ["[trap](javascript:alert(1))", "Policy *analyst*"],
            "why": "**Because** <script>alert('x')</script><img src=x onerror=alert(1)>",
        },
    )

    html = facilitator_client.get(grade_url(work)).content.decode()
    answers = html[html.index('class="answers-readonly"') : html.index("Earlier feedback")]

    assert "<strong>Because</strong>" in answers and "<em>analyst</em>" in answers
    assert "<script" not in answers and "onerror" not in answers
    assert "javascript:" not in answers


def test_milestones_are_shown_with_their_dates(facilitator_client, course):
    PromptFactory(exercise=course.exercise, position=3, slug="steps", text="Milestones?",
                  answer="milestones")  # fmt: skip
    work = submitted(
        place(course),
        course.exercise,
        answers={
            "roles": [],
            "why": "",
            "steps": [{"title": "Draft the proposal", "date": "2027-04-02"}],
        },
    )

    html = facilitator_client.get(grade_url(work)).content.decode()

    assert "Draft the proposal" in html
    assert '<time datetime="2027-04-02">2027-04-02</time>' in html
    assert "No items." in html and "No answer." in html


def test_rubric_is_a_fieldset_per_criterion_with_labelled_levels_and_points(
    facilitator_client, submission, course
):
    html = facilitator_client.get(grade_url(submission)).content.decode()

    assert html.count('<fieldset class="criterion') == 2
    assert "<legend>Specific</legend>" in html and "<legend>Realistic</legend>" in html
    assert "Is it <strong>Specific</strong>?" in html
    level = course.level(0, 3)
    assert f'<label for="id_criterion-{course.criteria[0].pk}_{level.pk}">Fully' in html
    assert '<span class="points">3 points</span>' in html
    assert "<span data-total>0</span> of 6 points" in html
    assert "<legend>Decision</legend>" in html
    assert re.search(r'<input type="radio" name="decision" value="accepted"[^>]*id="(\w+)"', html)
    assert '<label for="id_decision_0">Accept</label>' in html
    assert '<label for="id_decision_1">Return for revision</label>' in html
    assert 'name="then" value="next" class="button">Save and next</button>' in html
    assert 'value="queue" class="button secondary">Save and back to the queue</button>' in html


def test_earlier_feedback_is_listed_with_levels_and_a_safe_comment(
    facilitator_client, course, submission
):
    earlier = Feedback.objects.create(
        submission=submission,
        revision=submission.revisions.get(),
        grader=course.facilitator.user,
        decision="returned",
        comment="Add **dates**. <script>alert(1)</script>",
        points=1,
        max_points=6,
    )
    CriterionScore.objects.create(
        feedback=earlier, criterion=course.criteria[0], level=course.level(0, 2)
    )

    html = facilitator_client.get(grade_url(submission)).content.decode()
    history = html[html.index("Earlier feedback") : html.index("Your feedback")]

    assert "Returned for revision" in history and "Revision 1" in history
    assert "1 of 6 points" in history and "Specific: Partly (1)" in history
    assert "Add <strong>dates</strong>." in history and "<script" not in history


# Deciding -----------------------------------------------------------------------------


def test_accepting_stores_the_levels_and_totals_and_returns_to_the_filtered_queue(
    facilitator_client, course, submission
):
    response = facilitator_client.post(
        grade_url(submission, "status=submitted&unit=1&page=2"),
        decision(course, submission, "accepted", levels=[(0, 3), (1, 2)], comment="Nice."),
    )

    queue = reverse("grading:queue", args=[course.cohort.pk])
    assert response.status_code == 302
    assert response.url == f"{queue}?unit=1&page=2&status=submitted"
    feedback = Feedback.objects.get()
    assert (feedback.decision, feedback.points, feedback.max_points) == ("accepted", 4, 6)
    assert feedback.grader == course.facilitator.user and feedback.comment == "Nice."
    assert feedback.revision == submission.revisions.get()
    assert {(s.criterion_id, s.level_id) for s in feedback.scores.all()} == {
        (course.criteria[0].pk, course.level(0, 3).pk),
        (course.criteria[1].pk, course.level(1, 2).pk),
    }
    submission.refresh_from_db()
    assert submission.status == Submission.Status.ACCEPTED
    page = facilitator_client.get(response.url).content.decode()
    assert "Accepted Pat’s “Plan your career” (4 of 6 points)." in page


def test_returning_with_a_comment_shows_the_participant_returned_work(
    facilitator_client, course, submission
):
    response = facilitator_client.post(
        grade_url(submission),
        decision(course, submission, "returned", levels=[(0, 1), (1, 1)], comment="Add dates."),
    )

    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == Submission.Status.RETURNED
    feedback = submission.feedback.get()
    assert (feedback.decision, feedback.comment, feedback.points) == ("returned", "Add dates.", 0)


def test_returning_without_a_comment_is_refused_and_nothing_is_saved(
    facilitator_client, course, submission
):
    version = submission.version

    response = facilitator_client.post(
        grade_url(submission),
        decision(course, submission, "returned", levels=[(0, 2), (1, 3)], comment="   "),
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Say what to revise when returning work." in html
    assert not Feedback.objects.exists() and not CriterionScore.objects.exists()
    submission.refresh_from_db()
    assert submission.status == Submission.Status.SUBMITTED and submission.version == version
    # What was chosen is still chosen, and the total the server shows agrees.
    assert re.search(rf'value="{course.level(0, 2).pk}"\s+data-points="1" checked', html)
    assert "<span data-total>4</span> of 6 points" in html


def test_a_criterion_left_without_a_level_is_refused(facilitator_client, course, submission):
    response = facilitator_client.post(
        grade_url(submission), decision(course, submission, "accepted", levels=[(0, 3)])
    )

    assert "Choose a level for “Realistic”." in response.content.decode()
    assert not Feedback.objects.exists()


def test_a_level_from_another_rubric_is_refused(facilitator_client, course, submission):
    foreign = LevelFactory(points=100)  # its own criterion of its own rubric
    data = decision(course, submission, "accepted")
    data[f"criterion-{course.criteria[0].pk}"] = foreign.pk

    response = facilitator_client.post(grade_url(submission), data)

    assert "That level is not part of “Specific”" in response.content.decode()
    assert not Feedback.objects.exists()
    submission.refresh_from_db()
    assert submission.status == Submission.Status.SUBMITTED


def test_a_level_of_another_criterion_of_the_same_rubric_is_refused(
    facilitator_client, course, submission
):
    data = decision(course, submission, "accepted")
    data[f"criterion-{course.criteria[0].pk}"] = course.level(1, 3).pk

    response = facilitator_client.post(grade_url(submission), data)

    assert "That level is not part of “Specific”" in response.content.decode()
    assert not Feedback.objects.exists()


def test_a_decision_is_needed(facilitator_client, course, submission):
    data = decision(course, submission, "accepted")
    del data["decision"]

    response = facilitator_client.post(grade_url(submission), data)

    assert "Choose “Accept” or “Return for revision”." in response.content.decode()
    assert not Feedback.objects.exists()


def test_a_very_long_comment_is_refused_and_kept(facilitator_client, course, submission):
    comment = "x" * 20_001

    response = facilitator_client.post(
        grade_url(submission), decision(course, submission, "accepted", comment=comment)
    )

    html = response.content.decode()
    assert "This comment is 20,001 characters long; the limit is 20,000." in html
    assert textarea(html) == comment
    assert not Feedback.objects.exists()


def test_work_without_a_rubric_is_graded_with_a_comment_only(facilitator_client, course):
    exercise = ExerciseFactory(unit=course.exercise.unit, title="Reflect", rubric=None)
    work = submitted(place(course), exercise)

    page = facilitator_client.get(grade_url(work)).content.decode()
    response = facilitator_client.post(grade_url(work), decision(course, work, "accepted",
                                                                 levels=[]))  # fmt: skip

    assert "This exercise has no rubric" in page
    assert response.status_code == 302
    feedback = Feedback.objects.get()
    assert (feedback.points, feedback.max_points) == (None, None)


def test_returned_work_cannot_be_graded_until_it_is_submitted_again(facilitator_client, course):
    work = submitted(place(course, display_name="Pat"), course.exercise, status="returned")

    html = facilitator_client.get(grade_url(work)).content.decode()

    assert "waiting for Pat to submit again" in html
    assert 'name="decision"' not in html


def test_accepted_work_can_be_graded_again(facilitator_client, course):
    work = submitted(place(course), course.exercise, status="accepted")

    html = facilitator_client.get(grade_url(work)).content.decode()
    response = facilitator_client.post(grade_url(work), decision(course, work, "accepted"))

    assert "already accepted" in html
    assert response.status_code == 302 and Feedback.objects.count() == 1


def test_sending_the_same_decision_twice_saves_it_once(facilitator_client, course, submission):
    data = decision(course, submission, "accepted", comment="Good.")

    first = facilitator_client.post(grade_url(submission), data)
    second = facilitator_client.post(grade_url(submission), data)

    assert first.status_code == second.status_code == 302
    assert Feedback.objects.count() == 1 and CriterionScore.objects.count() == 2


def test_staff_grading_someone_without_a_cohort_return_to_the_grading_home(staff_client, course):
    work = submitted(place(course), course.exercise)
    work.enrollment.placement.delete()

    response = staff_client.post(grade_url(work), decision(course, work, "accepted"))

    assert response.status_code == 302 and response.url == reverse("grading:home")


# Saving and moving on -------------------------------------------------------------------


def in_order(course, *names, exercise=None, **fields):
    """Submitted work by each name, an hour apart, oldest first."""
    return [
        submitted(
            place(course, display_name=name),
            exercise or course.exercise,
            at=SUBMITTED_AT + timedelta(hours=hour),
            **fields,
        )
        for hour, name in enumerate(names)
    ]


def test_save_and_next_opens_the_next_submission_with_the_filters_kept(facilitator_client, course):
    first, second, third = in_order(course, "Ann", "Ben", "Cas")
    query = f"exercise={course.exercise.pk}&page=1"

    response = facilitator_client.post(
        grade_url(first, query), decision(course, first, "accepted", then="next"), follow=True
    )

    assert response.redirect_chain == [(grade_url(second, query), 302)]
    html = response.content.decode()
    assert "Plan your career" in html and "by Ben" in html
    assert "Accepted Ann’s “Plan your career” (4 of 6 points)." in html
    # The next page keeps the filters for its own "Save and next" and its way back.
    escaped = query.replace("&", "&amp;")
    assert f'action="{grade_url(second, escaped)}"' in html
    assert f'href="{reverse("grading:queue", args=[course.cohort.pk])}?{escaped}"' in html


def test_save_and_next_follows_the_queue_order_from_the_work_just_graded(
    facilitator_client, course
):
    first, second, third = in_order(course, "Ann", "Ben", "Cas")

    response = facilitator_client.post(
        grade_url(second), decision(course, second, "returned", comment="Dates?", then="next")
    )

    assert response.url == grade_url(third)


def test_save_and_next_skips_work_the_filters_leave_out(facilitator_client, course):
    other = ExerciseFactory(unit=course.exercise.unit, title="Reflect", rubric=None)
    first = submitted(place(course), course.exercise, at=SUBMITTED_AT)
    submitted(place(course), other, at=SUBMITTED_AT + timedelta(minutes=30))
    wanted = submitted(place(course), course.exercise, at=SUBMITTED_AT + timedelta(hours=1))
    query = f"exercise={course.exercise.pk}"

    response = facilitator_client.post(
        grade_url(first, query), decision(course, first, "accepted", then="next")
    )

    assert response.url == grade_url(wanted, query)


def test_save_and_next_on_the_last_submission_returns_to_the_queue_saying_so(
    facilitator_client, course
):
    (last,) = in_order(course, "Ann")
    in_order(course, "Old", status="accepted")  # accepted work is not in the waiting queue

    response = facilitator_client.post(
        grade_url(last, "status=submitted"),
        decision(course, last, "accepted", then="next"),
        follow=True,
    )

    queue = reverse("grading:queue", args=[course.cohort.pk])
    assert response.redirect_chain == [(f"{queue}?status=submitted", 302)]
    html = response.content.decode()
    assert "Accepted Ann’s “Plan your career”" in html
    assert "That was the last submission in this queue." in html
    assert Feedback.objects.get().submission == last


def test_save_and_back_to_the_queue_goes_to_the_queue_even_with_work_left(
    facilitator_client, course
):
    first, _ = in_order(course, "Ann", "Ben")

    response = facilitator_client.post(
        grade_url(first, "status=submitted"), decision(course, first, "accepted", then="queue")
    )

    queue = reverse("grading:queue", args=[course.cohort.pk])
    assert response.url == f"{queue}?status=submitted"


def test_a_form_sent_without_pressing_a_save_button_saves_nothing(
    facilitator_client, course, submission
):
    data = decision(course, submission, "accepted", then="")

    response = facilitator_client.post(grade_url(submission), data)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Press “Save and next” or “Save and back to the queue” to save." in html
    assert not Feedback.objects.exists()
    assert re.search(r'value="accepted"[^>]*checked', html)  # the choice is still made


# Two graders at once --------------------------------------------------------------------


@pytest.fixture
def co_facilitator(course):
    enrollment = FacilitatorEnrollmentFactory(round=course.round, status="active")
    course.cohort.facilitators.add(enrollment)
    return enrollment.user


@pytest.mark.parametrize("first_decision", ["accepted", "returned"])
def test_the_second_of_two_graders_gets_a_conflict_and_keeps_their_work(
    client, course, submission, co_facilitator, first_decision
):
    # Both load the page at the same version.
    first = decision(course, submission, first_decision, comment="First grader's view.")
    second = decision(course, submission, "returned", levels=[(0, 2), (1, 1)],
                      comment="Second grader: cite *sources*.")  # fmt: skip
    login(client, course.facilitator.user)
    assert client.post(grade_url(submission), first).status_code == 302

    login(client, co_facilitator)
    response = client.post(grade_url(submission), second)

    html = response.content.decode()
    assert response.status_code == 409
    assert "Not saved: this work changed while you were grading" in html
    assert course.facilitator.user.name in html
    assert "<p>First grader's view.</p>" in html
    assert Feedback.objects.count() == 1
    assert Feedback.objects.get().grader == course.facilitator.user
    assert textarea(html) == "Second grader: cite *sources*."
    assert re.search(rf'value="{course.level(0, 2).pk}"\s+data-points="1" checked', html)
    submission.refresh_from_db()
    assert f'name="version" value="{submission.version}"' in html


def test_after_a_conflict_the_second_grader_can_send_their_decision_again(
    client, course, submission, co_facilitator
):
    login(client, course.facilitator.user)
    client.post(grade_url(submission), decision(course, submission, "accepted"))
    login(client, co_facilitator)
    stale = decision(course, submission, "returned", comment="Please add dates.")
    client.post(grade_url(submission), stale)
    submission.refresh_from_db()

    response = client.post(grade_url(submission), {**stale, "version": submission.version})

    assert response.status_code == 302
    assert list(Feedback.objects.order_by("pk").values_list("decision", flat=True)) == [
        "accepted",
        "returned",
    ]


def test_a_grader_is_told_when_the_participant_submitted_again_meanwhile(
    facilitator_client, course, submission
):
    loaded = decision(course, submission, "accepted")
    Revision.objects.create(submission=submission, number=2, answers={"why": "Version two"})
    Submission.objects.filter(pk=submission.pk).update(version=submission.version + 1)

    response = facilitator_client.post(grade_url(submission), loaded)

    html = response.content.decode()
    assert response.status_code == 409
    assert "Pat has submitted revision 2; the answers below are the new ones." in html
    assert "Version two" in html
    assert not Feedback.objects.exists()
