"""Writes to course content and participant progress."""

from django.db import IntegrityError, transaction
from django.db.models import F

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
from apps.courses.sections import exercise_sections


class CourseError(Exception):
    """A course operation that cannot be done, with a message for people."""


def resource_mark_done(*, user, resource: Resource, done: bool) -> None:
    """Record that the user has (or has not) done a resource; repeating it is harmless."""
    if done:
        try:
            with transaction.atomic():
                ResourceCompletion.objects.get_or_create(user=user, resource=resource)
        except IntegrityError:
            # A double-click raced with itself; the row exists, which is what we wanted.
            pass
    else:
        ResourceCompletion.objects.filter(user=user, resource=resource).delete()


def _copy(instance, **changes):
    """Save a copy of a model instance as a new row with some fields changed."""
    instance.pk = None
    instance.id = None
    instance._state.adding = True
    for field, value in changes.items():
        setattr(instance, field, value)
    instance.save()
    return instance


@transaction.atomic
def course_duplicate(*, course: Course, slug: str, title: str) -> Course:
    """Copy a course with its units, resources, exercises, prompts and rubrics.

    What other apps keep per exercise (peer review, for one) comes along
    through their exercise sections. The copy starts unpublished so an admin
    can adapt it before anyone sees it. Participant progress is not copied: it
    belongs to the original.
    """
    if Course.objects.filter(slug=slug).exists():
        raise CourseError(f"A course with the slug “{slug}” already exists.")
    original_id = course.pk
    copy = _copy(Course.objects.get(pk=original_id), slug=slug, title=title, is_published=False)

    rubric_map = {}
    for rubric in Rubric.objects.filter(course_id=original_id).prefetch_related("criteria__levels"):
        criteria = list(rubric.criteria.all())
        old_pk = rubric.pk
        new_rubric = _copy(rubric, course=copy)
        rubric_map[old_pk] = new_rubric
        for criterion in criteria:
            levels = list(criterion.levels.all())
            new_criterion = _copy(criterion, rubric=new_rubric)
            Level.objects.bulk_create(
                Level(
                    criterion=new_criterion,
                    position=level.position,
                    title=level.title,
                    description=level.description,
                    points=level.points,
                )
                for level in levels
            )

    units = Unit.objects.filter(course_id=original_id).prefetch_related(
        "resources", "exercises__prompts"
    )
    exercise_map = {}
    for unit in units:
        resources = list(unit.resources.all())
        exercises = list(unit.exercises.all())
        new_unit = _copy(unit, course=copy)
        for resource in resources:
            _copy(resource, unit=new_unit)
        for exercise in exercises:
            prompts = list(exercise.prompts.all())
            old_pk = exercise.pk
            new_exercise = _copy(exercise, unit=new_unit, rubric=rubric_map.get(exercise.rubric_id))
            exercise_map[old_pk] = new_exercise
            for prompt in prompts:
                _copy(prompt, exercise=new_exercise)
    for section in exercise_sections():
        section.copy(exercises=exercise_map, rubrics=rubric_map)
    return copy


# Positions and numbers are unique per parent, so before re-numbering the
# children of a parent they are all moved past this offset; then each is saved
# at its final place without ever colliding with a sibling.
_REORDER_OFFSET = 1_000_000


def _sync_children(queryset, model, *, parent: dict, key: str, order: str, rows: list[dict]):
    """Make a parent's children match rows, matching by key and updating in place.

    Rows keep their identity (and so whatever refers to them) when their key
    is unchanged; children no longer present are deleted. Returns the saved
    children by key.
    """
    existing = {getattr(child, key): child for child in queryset}
    queryset.update(**{order: F(order) + _REORDER_OFFSET})
    saved = {}
    for index, fields in enumerate(rows, start=1):
        child = existing.get(fields[key]) or model(**parent)
        for name, value in {**fields, order: index}.items():
            setattr(child, name, value)
        child.save()
        saved[fields[key]] = child
    queryset.exclude(pk__in=[child.pk for child in saved.values()]).delete()
    return saved


@transaction.atomic
def course_import(*, spec: dict) -> Course:
    """Create a course from a checked spec, or update the course with that slug in place."""
    course, _ = Course.objects.update_or_create(
        slug=spec["slug"],
        defaults={
            "title": spec["title"],
            "summary": spec["summary"],
            "is_published": spec["published"],
            "share_plans": spec["share_plans"],
        },
    )
    rubrics = _sync_rubrics(course, spec["rubrics"])
    units = _sync_children(
        course.units.all(),
        Unit,
        parent={"course": course},
        key="slug",
        order="number",
        rows=[
            {
                "slug": u["slug"],
                "title": u["title"],
                "summary": u["summary"],
                "facilitator_guide": u["facilitator_guide"],
            }
            for u in spec["units"]
        ],
    )
    for unit_spec in spec["units"]:
        unit = units[unit_spec["slug"]]
        _sync_children(
            unit.resources.all(),
            Resource,
            parent={"unit": unit},
            key="url",
            order="position",
            rows=[
                {
                    "url": r["url"],
                    "title": r["title"],
                    "authors": r["authors"],
                    "year": r["year"],
                    "kind": r["kind"],
                    "is_core": r["core"],
                    "minutes": r["minutes"],
                    "note": r["note"],
                }
                for r in unit_spec["resources"]
            ],
        )
        exercises = _sync_children(
            unit.exercises.all(),
            Exercise,
            parent={"unit": unit},
            key="slug",
            order="position",
            rows=[
                {
                    "slug": e["slug"],
                    "title": e["title"],
                    "kind": e["kind"],
                    "instructions": e["instructions"],
                    "rubric": rubrics[e["rubric"]] if e["rubric"] else None,
                }
                for e in unit_spec["exercises"]
            ],
        )
        for exercise_spec in unit_spec["exercises"]:
            for section in exercise_sections():
                section.store(
                    exercise=exercises[exercise_spec["slug"]],
                    data=exercise_spec.get(section.field),
                    rubrics=rubrics,
                )
            _sync_children(
                exercises[exercise_spec["slug"]].prompts.all(),
                Prompt,
                parent={"exercise": exercises[exercise_spec["slug"]]},
                key="slug",
                order="position",
                rows=[
                    {
                        "slug": p["slug"],
                        "text": p["text"],
                        "help_text": p["help"],
                        "is_required": p["required"],
                        "answer": p["answer"],
                        "min_items": p["min_items"],
                        "max_items": p["max_items"],
                        "strict_item_bounds": p["strict_bounds"],
                        "timebox_minutes": p["timebox_minutes"],
                    }
                    for p in exercise_spec["prompts"]
                ],
            )
    return course


def _sync_rubrics(course: Course, rubric_specs: list[dict]) -> dict[str, Rubric]:
    existing = {rubric.slug: rubric for rubric in course.rubrics.all()}
    rubrics = {}
    for spec in rubric_specs:
        rubric = existing.get(spec["slug"]) or Rubric(course=course, slug=spec["slug"])
        rubric.title = spec["title"]
        rubric.save()
        rubrics[spec["slug"]] = rubric
        criteria = _sync_children(
            rubric.criteria.all(),
            Criterion,
            parent={"rubric": rubric},
            key="slug",
            order="position",
            rows=[
                {"slug": c["slug"], "title": c["title"], "description": c["description"]}
                for c in spec["criteria"]
            ],
        )
        for criterion_spec in spec["criteria"]:
            criterion = criteria[criterion_spec["slug"]]
            _sync_children(
                criterion.levels.all(),
                Level,
                parent={"criterion": criterion},
                key="position",
                order="position",
                rows=[
                    {**level, "position": n} for n, level in enumerate(criterion_spec["levels"], 1)
                ],
            )
    course.rubrics.exclude(slug__in=rubrics).delete()
    return rubrics
