"""Upgrading an existing database: what the strict item bounds start as."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("courses", "0003_shared_validation")]
AFTER = [("courses", "0004_prompt_strict_item_bounds")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_upgrading_keeps_required_bounds_as_rules_and_makes_optional_ones_suggestions():
    old = migrate(BEFORE)
    try:
        Course, Unit = old.get_model("courses", "Course"), old.get_model("courses", "Unit")
        Exercise, Prompt = old.get_model("courses", "Exercise"), old.get_model("courses", "Prompt")
        unit = Unit.objects.create(
            course=Course.objects.create(slug="c", title="C"), number=1, slug="u", title="U"
        )
        exercise = Exercise.objects.create(unit=unit, position=1, slug="e", title="E")
        prompts = {
            "roles": {"is_required": True, "answer": "list", "min_items": 3, "max_items": 5},
            "assets": {"is_required": False, "answer": "list", "min_items": 10},
            "tests": {"is_required": True, "answer": "list"},
            "why": {"is_required": True, "answer": "text"},
        }
        for position, (slug, fields) in enumerate(prompts.items(), start=1):
            Prompt.objects.create(
                exercise=exercise, position=position, slug=slug, text=slug, **fields
            )

        new = migrate(AFTER)

        strict = dict(
            new.get_model("courses", "Prompt").objects.values_list("slug", "strict_item_bounds")
        )
        assert strict == {"roles": True, "assets": False, "tests": False, "why": False}
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
