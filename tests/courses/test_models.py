"""The database itself holds the course invariants, whatever code writes the rows."""

import pytest
from django.db import IntegrityError, transaction

from apps.courses.models import Prompt, Resource
from tests.factories import (
    CriterionFactory,
    ExerciseFactory,
    LevelFactory,
    PromptFactory,
    ResourceCompletionFactory,
    ResourceFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def assert_refused(build):
    """Saving the row that build() makes breaks a constraint, and leaves the test usable."""
    with pytest.raises(IntegrityError), transaction.atomic():
        build()


# Units


def test_a_unit_number_is_unique_within_a_course():
    unit = UnitFactory(number=1)
    assert_refused(lambda: UnitFactory(course=unit.course, number=1))


def test_the_same_unit_number_is_fine_in_another_course():
    UnitFactory(number=1)
    assert UnitFactory(number=1).number == 1


def test_a_unit_number_starts_at_one():
    assert_refused(lambda: UnitFactory(number=0))


def test_a_unit_slug_is_unique_within_a_course():
    unit = UnitFactory(slug="intro")
    assert_refused(lambda: UnitFactory(course=unit.course, slug="intro"))


def test_a_unit_is_shown_as_session_number_and_title():
    unit = UnitFactory.build(number=5, title="Contributing to AI alignment")
    assert unit.display_title == "Session 5: Contributing to AI alignment"
    assert str(unit) == "Session 5: Contributing to AI alignment"


# Resources


def test_a_resource_position_is_unique_within_a_unit():
    resource = ResourceFactory(position=1)
    assert_refused(lambda: ResourceFactory(unit=resource.unit, position=1))


def test_a_resource_url_is_unique_within_a_unit():
    resource = ResourceFactory(url="https://example.com/a")
    assert_refused(lambda: ResourceFactory(unit=resource.unit, url="https://example.com/a"))


def test_the_same_resource_url_is_fine_in_another_unit():
    ResourceFactory(url="https://example.com/a")
    assert ResourceFactory(url="https://example.com/a").pk


def test_a_resource_takes_at_least_one_minute():
    assert_refused(lambda: ResourceFactory(minutes=0))


@pytest.mark.parametrize("year", [999, 3000, 12345])
def test_a_resource_year_has_four_digits(year):
    assert_refused(lambda: ResourceFactory(year=year))


@pytest.mark.parametrize("year", [None, 1000, 2024, 2999])
def test_a_resource_year_is_optional_or_four_digits(year):
    assert Resource.objects.get(pk=ResourceFactory(year=year).pk).year == year


# Exercises and prompts


def test_an_exercise_slug_is_unique_within_a_unit():
    exercise = ExerciseFactory(slug="plan")
    assert_refused(lambda: ExerciseFactory(unit=exercise.unit, slug="plan"))


def test_an_exercise_position_is_unique_within_a_unit():
    exercise = ExerciseFactory(position=1)
    assert_refused(lambda: ExerciseFactory(unit=exercise.unit, position=1))


def test_a_prompt_slug_and_position_are_unique_within_an_exercise():
    prompt = PromptFactory(slug="roles", position=1)
    assert_refused(lambda: PromptFactory(exercise=prompt.exercise, slug="roles"))
    assert_refused(lambda: PromptFactory(exercise=prompt.exercise, position=1))


def test_a_prompt_min_items_is_not_above_max_items():
    assert_refused(lambda: PromptFactory(answer=Prompt.Answer.LIST, min_items=5, max_items=3))


def test_a_prompt_may_ask_for_exactly_n_items():
    prompt = PromptFactory(answer=Prompt.Answer.LIST, min_items=3, max_items=3)
    assert prompt.item_bounds == "exactly 3 items"


def test_a_prompt_max_items_is_at_least_one():
    assert_refused(lambda: PromptFactory(answer=Prompt.Answer.LIST, max_items=0))


@pytest.mark.parametrize("bounds", [{"min_items": 1}, {"max_items": 3}])
def test_item_bounds_only_apply_to_list_answers(bounds):
    assert_refused(lambda: PromptFactory(answer=Prompt.Answer.TEXT, **bounds))


def test_a_milestones_prompt_may_have_item_bounds():
    prompt = PromptFactory(answer=Prompt.Answer.MILESTONES, min_items=2, max_items=4)
    assert Prompt.objects.get(pk=prompt.pk).item_bounds == "2-4 items"


def test_a_prompt_time_box_is_at_least_one_minute():
    assert_refused(lambda: PromptFactory(timebox_minutes=0))


@pytest.mark.parametrize(
    ("low", "high", "wording"),
    [
        (3, 5, "3-5 items"),
        (10, None, "at least 10 items"),
        (1, None, "at least 1 item"),
        (None, 5, "at most 5 items"),
        (None, 1, "at most 1 item"),
        (3, 3, "exactly 3 items"),
        (1, 1, "1 item"),
        (None, None, ""),
    ],
)
def test_item_bounds_are_worded_as_a_person_would(low, high, wording):
    prompt = PromptFactory.build(answer=Prompt.Answer.LIST, min_items=low, max_items=high)
    assert prompt.item_bounds == wording


# Rubrics


def test_a_criterion_position_and_slug_are_unique_within_a_rubric():
    criterion = CriterionFactory(position=1, slug="specific")
    assert_refused(lambda: CriterionFactory(rubric=criterion.rubric, position=1))
    assert_refused(lambda: CriterionFactory(rubric=criterion.rubric, slug="specific"))


def test_a_level_position_is_unique_within_a_criterion():
    level = LevelFactory(position=1)
    assert_refused(lambda: LevelFactory(criterion=level.criterion, position=1))


# Progress


def test_a_resource_is_marked_done_once_per_user():
    completion = ResourceCompletionFactory()
    assert_refused(
        lambda: ResourceCompletionFactory(user=completion.user, resource=completion.resource)
    )


def test_another_user_can_mark_the_same_resource_done():
    completion = ResourceCompletionFactory()
    other = ResourceCompletionFactory(user=UserFactory(), resource=completion.resource)
    assert other.pk != completion.pk
