"""Builders shared by the submission tests."""

from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone

from apps.courses.models import Prompt
from apps.rounds.models import RoundUnit
from tests.factories import EnrollmentFactory, ExerciseFactory, PromptFactory


def plan_exercise(**exercise_fields):
    """An exercise with one prompt of each kind, the way the demo career plan mixes them.

    The roles and milestones keep to their bounds as a rule; the optional
    "at least 10 assets" is a suggestion.
    """
    exercise = ExerciseFactory(**exercise_fields)
    PromptFactory(
        exercise=exercise,
        position=1,
        slug="roles",
        text="Which roles could you hold?",
        answer=Prompt.Answer.LIST,
        min_items=3,
        max_items=5,
        strict_item_bounds=True,
    )
    PromptFactory(
        exercise=exercise,
        position=2,
        slug="why",
        text="Which role first, and why?",
        help_text="Be *specific*.",
    )
    PromptFactory(
        exercise=exercise,
        position=3,
        slug="assets",
        text="What assets do you bring?",
        answer=Prompt.Answer.LIST,
        min_items=10,
        is_required=False,
        timebox_minutes=5,
    )
    PromptFactory(
        exercise=exercise,
        position=4,
        slug="milestones",
        text="Which milestones?",
        answer=Prompt.Answer.MILESTONES,
        min_items=2,
        strict_item_bounds=True,
    )
    return exercise


def schedule(enrollment, unit, *, due_at=None, closes_at=None):
    return RoundUnit.objects.create(
        round=enrollment.round,
        unit=unit,
        week_starts_on=date(2027, 3, 1),
        due_at=due_at or timezone.now() + timedelta(days=2),
        closes_at=closes_at,
    )


def enrolled_in_plan(user, *, status="accepted", **schedule_fields):
    """The user's place in a round whose course has the plan exercise, due in two days."""
    enrollment = EnrollmentFactory(user=user, status=status)
    exercise = plan_exercise(unit__course=enrollment.round.course)
    schedule(enrollment, exercise.unit, **schedule_fields)
    return enrollment, exercise


def complete_answers():
    return {
        "roles": ["Research engineer", "Policy analyst", "Field builder"],
        "why": "Research engineering, because I *enjoy* building things.",
        "assets": [],
        "milestones": [
            {"title": "Read three papers", "date": "2027-04-01"},
            {"title": "Reproduce one result", "date": "2027-04-20"},
        ],
    }


def as_post(answers, version):
    """The answers as the answer form posts them."""
    data = {"version": str(version)}
    for slug, value in answers.items():
        if isinstance(value, str):
            data[f"a.{slug}"] = value
        elif value and isinstance(value[0], dict):
            data[f"a.{slug}.title"] = [row["title"] for row in value]
            data[f"a.{slug}.date"] = [row["date"] for row in value]
        else:
            data[f"a.{slug}"] = list(value)
    return data


def url(name, enrollment, exercise):
    return reverse(f"submissions:{name}", args=[enrollment.round.slug, exercise.pk])
