"""Writes to course content and progress: duplicating courses, marking resources done."""

import pytest

from apps.courses.models import (
    Course,
    Criterion,
    Exercise,
    Level,
    Prompt,
    Resource,
    ResourceCompletion,
    Rubric,
    Unit,
)
from apps.courses.selectors import course_to_spec
from apps.courses.services import CourseError, course_duplicate, resource_mark_done
from apps.reviews.models import PeerReviewSettings
from tests.factories import (
    CourseFactory,
    CriterionFactory,
    ExerciseFactory,
    LevelFactory,
    PromptFactory,
    ResourceCompletionFactory,
    ResourceFactory,
    RubricFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def course():
    """A small course with two units, resources, exercises, prompts, a rubric and peer review."""
    course = CourseFactory(slug="original", title="Original", is_published=True)
    rubric = RubricFactory(course=course, slug="plan-quality")
    for position, slug in enumerate(["specific", "realistic"], start=1):
        criterion = CriterionFactory(rubric=rubric, position=position, slug=slug)
        LevelFactory(criterion=criterion, position=1, title="Vague", points=0)
        LevelFactory(criterion=criterion, position=2, title="Concrete", points=2)
    for number in (1, 2):
        unit = UnitFactory(course=course, number=number, slug=f"unit-{number}")
        for position in (1, 2, 3):
            ResourceFactory(
                unit=unit, position=position, url=f"https://example.com/{number}/{position}"
            )
        exercise = ExerciseFactory(
            unit=unit, position=1, slug="plan", rubric=rubric if number == 2 else None
        )
        PromptFactory(exercise=exercise, position=1, slug="roles", answer="list", min_items=3)
        PromptFactory(exercise=exercise, position=2, slug="why", timebox_minutes=5)
        if number == 2:
            PeerReviewSettings.objects.create(
                exercise=exercise, reviews_per_submission=3, rubric=rubric, grace_hours=12
            )
    return course


def test_duplicating_a_course_copies_all_its_content(course):
    copy = course_duplicate(course=course, slug="copy", title="Copy")

    assert copy.pk != course.pk
    assert (copy.slug, copy.title) == ("copy", "Copy")
    original_spec, copy_spec = course_to_spec(course), course_to_spec(copy)
    assert {**copy_spec, "slug": "original", "title": "Original", "published": True} == (
        original_spec
    )
    for model, parent in [
        (Unit, "course"),
        (Resource, "unit__course"),
        (Exercise, "unit__course"),
        (Prompt, "exercise__unit__course"),
        (Rubric, "course"),
        (Criterion, "rubric__course"),
        (Level, "criterion__rubric__course"),
    ]:
        originals = model.objects.filter(**{parent: course})
        copies = model.objects.filter(**{parent: copy})
        assert copies.count() == originals.count() > 0, model.__name__
        assert not set(copies.values_list("pk", flat=True)) & set(
            originals.values_list("pk", flat=True)
        )


def test_a_duplicated_exercise_uses_the_copy_of_its_rubric(course):
    copy = course_duplicate(course=course, slug="copy", title="Copy")

    exercise = Exercise.objects.get(unit__course=copy, unit__number=2)
    assert exercise.rubric.course == copy
    assert exercise.rubric.slug == "plan-quality"
    assert exercise.rubric.pk != Rubric.objects.get(course=course).pk
    assert Exercise.objects.get(unit__course=copy, unit__number=1).rubric is None
    assert Exercise.objects.get(unit__course=course, unit__number=2).rubric.course == course
    # Peer review settings come along, pointing at the copy's rubric too.
    assert exercise.peer_review.rubric == exercise.rubric
    assert exercise.peer_review.reviews_per_submission == 3


def test_a_duplicated_course_starts_unpublished(course):
    copy = course_duplicate(course=course, slug="copy", title="Copy")
    assert not copy.is_published
    assert not Course.objects.get(pk=copy.pk).is_published
    assert Course.objects.get(pk=course.pk).is_published


def test_a_duplicated_course_leaves_the_original_untouched(course):
    before = course_to_spec(course)
    course_duplicate(course=course, slug="copy", title="Copy")
    assert course_to_spec(Course.objects.get(pk=course.pk)) == before


def test_duplicating_does_not_copy_progress(course):
    participant = UserFactory()
    for resource in Resource.objects.filter(unit__course=course):
        ResourceCompletionFactory(user=participant, resource=resource)

    copy = course_duplicate(course=course, slug="copy", title="Copy")

    assert not ResourceCompletion.objects.filter(resource__unit__course=copy).exists()
    assert ResourceCompletion.objects.filter(resource__unit__course=course).count() == 6


def test_duplicating_onto_an_existing_slug_is_refused_and_changes_nothing(course):
    CourseFactory(slug="taken")
    counts = {model: model.objects.count() for model in (Course, Unit, Resource, Rubric)}

    with pytest.raises(CourseError, match="taken"):
        course_duplicate(course=course, slug="taken", title="Copy")
    with pytest.raises(CourseError):
        course_duplicate(course=course, slug="original", title="Copy")

    assert {model: model.objects.count() for model in counts} == counts


def test_a_course_can_be_duplicated_twice_under_different_slugs(course):
    first = course_duplicate(course=course, slug="copy-1", title="Copy 1")
    second = course_duplicate(course=first, slug="copy-2", title="Copy 2")
    assert course_to_spec(second)["units"] == course_to_spec(course)["units"]
    assert Unit.objects.count() == 6


def test_marking_a_resource_done_twice_records_it_once():
    user, resource = UserFactory(), ResourceFactory()

    resource_mark_done(user=user, resource=resource, done=True)
    resource_mark_done(user=user, resource=resource, done=True)

    assert ResourceCompletion.objects.filter(user=user, resource=resource).count() == 1


def test_marking_a_resource_not_done_twice_is_harmless():
    user, resource = UserFactory(), ResourceFactory()
    resource_mark_done(user=user, resource=resource, done=True)

    resource_mark_done(user=user, resource=resource, done=False)
    resource_mark_done(user=user, resource=resource, done=False)

    assert not ResourceCompletion.objects.filter(user=user, resource=resource).exists()


def test_marking_not_done_something_never_done_is_harmless():
    user, resource = UserFactory(), ResourceFactory()
    resource_mark_done(user=user, resource=resource, done=False)
    assert not ResourceCompletion.objects.exists()


def test_marking_done_again_keeps_the_first_completion_time():
    user, resource = UserFactory(), ResourceFactory()
    resource_mark_done(user=user, resource=resource, done=True)
    first = ResourceCompletion.objects.get()

    resource_mark_done(user=user, resource=resource, done=True)

    again = ResourceCompletion.objects.get()
    assert (again.pk, again.completed_at) == (first.pk, first.completed_at)


def test_marking_done_only_touches_that_user_and_resource():
    user, other = UserFactory(), UserFactory()
    resource, neighbour = ResourceFactory(), ResourceFactory()
    ResourceCompletionFactory(user=other, resource=resource)
    ResourceCompletionFactory(user=user, resource=neighbour)

    resource_mark_done(user=user, resource=resource, done=True)
    resource_mark_done(user=user, resource=resource, done=False)

    assert set(ResourceCompletion.objects.values_list("user", "resource")) == {
        (other.pk, resource.pk),
        (user.pk, neighbour.pk),
    }
