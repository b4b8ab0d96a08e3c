from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.courses.models import Exercise, ResourceCompletion
from apps.rounds.models import RoundUnit
from apps.submissions.models import Submission
from tests.factories import (
    CourseFactory,
    EnrollmentFactory,
    ExerciseFactory,
    FacilitatorEnrollmentFactory,
    PromptFactory,
    ResourceCompletionFactory,
    ResourceFactory,
    SubmissionFactory,
    UnitFactory,
    UserFactory,
)
from tests.grading import login

pytestmark = pytest.mark.django_db


def unit_url(unit):
    return reverse("courses:unit", args=[unit.course.slug, unit.number])


@pytest.mark.parametrize(
    "name, args",
    [
        ("courses:list", []),
        ("courses:detail", ["some-course"]),
        ("courses:unit", ["some-course", 1]),
        ("accounts:profile", []),
    ],
)
def test_anonymous_visitors_are_sent_to_log_in(client, name, args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_anonymous_visitors_cannot_mark_resources_done(client):
    resource = ResourceFactory()
    response = client.post(reverse("courses:resource_done", args=[resource.pk]), {"done": "1"})
    assert response.status_code == 302
    assert not ResourceCompletion.objects.exists()


def test_course_page_shows_progress_per_session(participant_client, participant):
    unit = UnitFactory(title="Rewards")
    done = ResourceFactory(unit=unit, minutes=20)
    ResourceFactory(unit=unit, minutes=30)
    ResourceCompletionFactory(user=participant, resource=done)

    response = participant_client.get(unit.course.get_absolute_url())

    html = response.content.decode()
    assert "Session 1: Rewards" in html or f"Session {unit.number}: Rewards" in html
    assert "1 of 2 resources done" in html
    assert "about 30 min left" in html
    assert 'aria-valuenow="50"' in html


def test_progress_counts_only_the_viewers_own_completions(participant_client):
    resource = ResourceFactory()
    ResourceCompletionFactory(resource=resource)  # someone else

    response = participant_client.get(resource.unit.course.get_absolute_url())

    assert "0 of 1 resource done" in response.content.decode()


def test_session_page_lists_core_resources_before_optional_ones(participant_client):
    unit = UnitFactory()
    ResourceFactory(unit=unit, position=1, title="Optional first in order", is_core=False)
    ResourceFactory(unit=unit, position=2, title="Core reading", is_core=True, kind="podcast",
                    authors="Jan Leike", year=2018, minutes=45)  # fmt: skip

    html = participant_client.get(unit_url(unit)).content.decode()

    assert html.index("Core reading") < html.index("Optional first in order")
    assert "Podcast" in html and "Jan Leike" in html and "(2018)" in html and "45 min" in html


def test_session_page_shows_exercises_with_their_prompts(participant_client):
    exercise = ExerciseFactory(title="Make your career plan")
    PromptFactory(exercise=exercise, text="Which roles?", answer="list", min_items=3, max_items=5,
                  strict_item_bounds=True)  # fmt: skip
    PromptFactory(exercise=exercise, text="Your assets", answer="list", min_items=10,
                  is_required=False, timebox_minutes=5)  # fmt: skip

    html = participant_client.get(unit_url(exercise.unit)).content.decode()

    assert "Make your career plan" in html
    assert "Which roles?" in html and "Needs 3-5 items" in html
    # A bound the course did not make strict reads as the answer form says it: a suggestion.
    assert "Suggested: at least 10 items" in html
    assert "Optional" in html and "Time box: 5 min" in html


def test_session_page_links_exercises_to_the_answer_form_of_the_round_one_takes_part_in(
    participant_client, participant
):
    exercise = ExerciseFactory(unit__course__is_published=True)
    enrollment = EnrollmentFactory(round__course=exercise.unit.course, user=participant)
    answer = reverse("submissions:answer", args=[enrollment.round.slug, exercise.pk])

    assert answer in participant_client.get(unit_url(exercise.unit)).content.decode()


@pytest.mark.parametrize("role", ["outsider", "facilitator", "dropped"])
def test_session_page_offers_no_answer_form_to_anyone_not_taking_part(client, role):
    exercise = ExerciseFactory(unit__course__is_published=True)
    user = UserFactory()
    if role == "facilitator":
        FacilitatorEnrollmentFactory(round__course=exercise.unit.course, user=user)
    if role == "dropped":
        EnrollmentFactory(round__course=exercise.unit.course, user=user, status="dropped")
    login(client, user)

    html = client.get(unit_url(exercise.unit)).content.decode()

    assert exercise.title in html and "Answer this exercise" not in html


def test_session_page_preview_offers_no_answer_form(staff_client, staff):
    exercise = ExerciseFactory(unit__course__is_published=False)
    EnrollmentFactory(round__course=exercise.unit.course, user=staff)

    html = staff_client.get(unit_url(exercise.unit)).content.decode()

    assert exercise.title in html and "Answer this exercise" not in html


def test_marking_done_without_javascript_redirects_back_to_the_resource(
    participant_client, participant
):
    resource = ResourceFactory()

    response = participant_client.post(
        reverse("courses:resource_done", args=[resource.pk]), {"done": "1"}
    )

    assert response.status_code == 302
    assert response.url == f"{unit_url(resource.unit)}#resource-{resource.pk}"
    assert ResourceCompletion.objects.filter(user=participant, resource=resource).exists()


def test_marking_done_twice_keeps_one_completion(participant_client, participant):
    resource = ResourceFactory()
    url = reverse("courses:resource_done", args=[resource.pk])

    participant_client.post(url, {"done": "1"})
    participant_client.post(url, {"done": "1"})

    assert ResourceCompletion.objects.filter(user=participant).count() == 1


def test_marking_not_done_removes_the_completion(participant_client, participant):
    completion = ResourceCompletionFactory(user=participant)
    url = reverse("courses:resource_done", args=[completion.resource.pk])

    participant_client.post(url, {"done": "0"})

    assert not ResourceCompletion.objects.filter(user=participant).exists()


def test_marking_done_in_place_returns_the_resource_and_the_new_progress(participant_client):
    unit = UnitFactory()
    resource = ResourceFactory(unit=unit)
    ResourceFactory(unit=unit)

    response = participant_client.post(
        reverse("courses:resource_done", args=[resource.pk]), {"done": "1"}, HTTP_HX_REQUEST="true"
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="resource-{resource.pk}"' in html and "Mark not done" in html
    assert 'id="session-progress" hx-swap-oob="true"' in html
    assert "1 of 2 resources done" in html


def test_marking_done_needs_a_post(participant_client):
    resource = ResourceFactory()
    response = participant_client.get(reverse("courses:resource_done", args=[resource.pk]))
    assert response.status_code == 405


def test_unpublished_courses_are_hidden_from_participants(participant_client):
    resource = ResourceFactory(unit__course__is_published=False)
    unit = resource.unit

    assert participant_client.get(unit.course.get_absolute_url()).status_code == 404
    assert participant_client.get(unit_url(unit)).status_code == 404
    assert unit.course.title not in participant_client.get(reverse("courses:list")).content.decode()
    response = participant_client.post(
        reverse("courses:resource_done", args=[resource.pk]), {"done": "1"}
    )
    assert response.status_code == 404
    assert not ResourceCompletion.objects.exists()


def test_staff_can_preview_an_unpublished_session(staff_client):
    unit = UnitFactory(course__is_published=False)

    response = staff_client.get(unit_url(unit))

    assert response.status_code == 200
    assert "Preview: this course is not published" in response.content.decode()


def test_a_session_that_does_not_exist_is_404(participant_client):
    unit = UnitFactory()
    assert (
        participant_client.get(
            reverse("courses:unit", args=[unit.course.slug, unit.number + 1])
        ).status_code
        == 404
    )


def test_a_session_number_belongs_to_its_own_course(participant_client):
    unit = UnitFactory()
    other = CourseFactory()
    assert (
        participant_client.get(reverse("courses:unit", args=[other.slug, unit.number])).status_code
        == 404
    )


def _build_unit(resources: int, exercises: int = 2, prompts: int = 4):
    unit = UnitFactory()
    for i in range(resources):
        ResourceFactory(unit=unit, is_core=i % 3 != 0)
    for _ in range(exercises):
        exercise = ExerciseFactory(unit=unit)
        for _ in range(prompts):
            PromptFactory(exercise=exercise)
    return unit


# The person's work in the course (apps/submissions' course_work tag): the round they work
# in (1) and, when there is one, the course's exercises, their schedule and submissions (3).
WORK_QUERIES = 4
# Session and user (2), the navigation (2), the course (1), its units with progress (1).
COURSE_PAGE_QUERIES = 6 + WORK_QUERIES
# Session page: the course's units (1), resources, exercises with their prompts (2), for the
# feedback part the viewer's places in the course's rounds and a participant's own ratings
# (2; tests/feedback measures it for facilitators too), and the person's work.
SESSION_PAGE_QUERIES = 9 + WORK_QUERIES


def _working_in(course, user, *, saved=True):
    """`user` takes part in a round of `course`, with every unit scheduled (and, if `saved`,
    work saved on every other exercise)."""
    enrollment = EnrollmentFactory(round__course=course, user=user)
    for unit in course.units.all():
        RoundUnit.objects.create(
            round=enrollment.round,
            unit=unit,
            week_starts_on=enrollment.round.starts_on,
            due_at=timezone.now() + timedelta(days=unit.number),
        )
    for exercise in Exercise.objects.filter(unit__course=course)[::2] if saved else []:
        SubmissionFactory(enrollment=enrollment, exercise=exercise)
    return enrollment


@pytest.mark.parametrize("size", [5, 200])
def test_course_page_query_count_does_not_grow_with_content(
    participant_client, participant, django_assert_max_num_queries, size
):
    unit = _build_unit(size, exercises=size // 5 or 1)
    for number in range(2, 6):
        UnitFactory(course=unit.course, number=number + 100)
    for resource in unit.resources.all()[: size // 2]:
        ResourceCompletionFactory(user=participant, resource=resource)
    _working_in(unit.course, participant)

    with django_assert_max_num_queries(COURSE_PAGE_QUERIES):
        response = participant_client.get(unit.course.get_absolute_url())
    assert response.status_code == 200


@pytest.mark.parametrize("size", [5, 200])
def test_session_page_query_count_does_not_grow_with_content(
    participant_client, participant, django_assert_max_num_queries, size
):
    unit = _build_unit(size, exercises=size // 5 or 1)
    for resource in unit.resources.all()[: size // 2]:
        ResourceCompletionFactory(user=participant, resource=resource)
    _working_in(unit.course, participant)

    with django_assert_max_num_queries(SESSION_PAGE_QUERIES):
        response = participant_client.get(unit_url(unit))
    assert response.status_code == 200
    assert response.content.decode().count('<li class="card resource') == size


def test_the_session_and_course_pages_show_each_exercises_status_due_time_and_what_is_next(
    participant_client, participant
):
    course = CourseFactory()
    first, second = (UnitFactory(course=course, number=n) for n in (1, 2))
    essay = ExerciseFactory(unit=first, title="Essay")
    plan = ExerciseFactory(unit=second, title="Plan")
    enrollment = _working_in(course, participant, saved=False)
    participant.time_zone = "America/New_York"
    participant.save()
    SubmissionFactory(
        enrollment=enrollment,
        exercise=essay,
        status=Submission.Status.SUBMITTED,
        first_submitted_at=timezone.now(),
        submitted_at=timezone.now(),
    )
    plan_due = RoundUnit.objects.get(unit=second).due_at

    session = participant_client.get(unit_url(first)).content.decode()
    overview = participant_client.get(course.get_absolute_url()).content.decode()

    for page in (session, overview):
        assert "Next to do" in page
        next_up = page[page.index("Next to do") :]
        assert ">Plan</a>" in next_up[:600]
        answer = reverse("submissions:answer", args=[enrollment.round.slug, plan.pk])
        assert answer in next_up[:600]
        local_due = plan_due.astimezone(ZoneInfo("America/New_York"))
        assert f"{local_due:%a} {local_due.day} {local_due:%b, %H:%M}" in page
    assert 'class="tag tag-submitted">Submitted<' in session
    assert 'class="tag tag-not-started">Not started<' in overview
    assert 'class="tag tag-submitted">Submitted<' in overview


def test_nothing_is_next_once_all_work_is_handed_in(participant_client, participant):
    unit = UnitFactory(course=CourseFactory())
    essay = ExerciseFactory(unit=unit)
    enrollment = _working_in(unit.course, participant, saved=False)
    SubmissionFactory(
        enrollment=enrollment,
        exercise=essay,
        status=Submission.Status.ACCEPTED,
        first_submitted_at=timezone.now(),
        submitted_at=timezone.now(),
    )

    assert "Next to do" not in participant_client.get(unit_url(unit)).content.decode()
