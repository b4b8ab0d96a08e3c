"""Reads for the participant pages, shaped so each page costs a fixed number of queries."""

from dataclasses import dataclass, field

from django.db.models import (
    Count,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import reverse
from django.utils.safestring import SafeString

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
from apps.markup.render import render_markdown


def exercise_prompts(*, exercise: Exercise) -> list[Prompt]:
    return list(exercise.prompts.order_by("position"))


def courses_visible_to(user) -> QuerySet[Course]:
    courses = Course.objects.all()
    return courses if user.is_staff else courses.filter(is_published=True)


def course_for_user(*, user, slug: str) -> Course:
    try:
        return courses_visible_to(user).get(slug=slug)
    except Course.DoesNotExist:
        raise Http404("No such course.") from None


def _done_by(user, field: str):
    """A subquery over one unit's resources that this user has marked done."""
    completions = (
        ResourceCompletion.objects.filter(user=user, resource__unit=OuterRef("pk"))
        .order_by()
        .values("resource__unit")
    )
    if field == "count":
        aggregate = completions.annotate(value=Count("pk")).values("value")
    else:
        aggregate = completions.annotate(value=Sum("resource__minutes")).values("value")
    return Coalesce(Subquery(aggregate, output_field=IntegerField()), 0)


@dataclass(frozen=True)
class Progress:
    done: int
    total: int
    minutes_total: int
    minutes_done: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 100

    @property
    def minutes_left(self) -> int:
        return self.minutes_total - self.minutes_done


def units_with_progress(*, course: Course, user) -> list[tuple[Unit, Progress]]:
    units = course.units.annotate(
        resource_count=Count("resources"),
        minutes_total=Coalesce(Sum("resources__minutes"), 0),
        done_count=_done_by(user, "count"),
        minutes_done=_done_by(user, "minutes"),
        exercise_count=Subquery(
            Exercise.objects.filter(unit=OuterRef("pk"))
            .order_by()
            .values("unit")
            .annotate(n=Count("pk"))
            .values("n"),
            output_field=IntegerField(),
        ),
    ).order_by("number")
    return [
        (
            unit,
            Progress(
                done=unit.done_count,
                total=unit.resource_count,
                minutes_total=unit.minutes_total,
                minutes_done=unit.minutes_done,
            ),
        )
        for unit in units
    ]


@dataclass(frozen=True)
class SessionLink:
    number: int
    title: str
    url: str


@dataclass(frozen=True)
class UnitPage:
    """A session with what its page shows around it (the unit's course is loaded)."""

    unit: Unit
    previous: SessionLink | None
    next: SessionLink | None


def unit_page_for_user(*, user, course_slug: str, number: int) -> UnitPage:
    """The session and the sessions either side of it, or a 404.

    All the course's sessions come in one plain query and the page's own is
    picked here: building a query with subqueries for the neighbours and the
    visibility check cost several times more than running it.
    """
    units = list(
        Unit.objects.select_related("course").filter(course__slug=course_slug).order_by("number")
    )
    by_number = {unit.number: unit for unit in units}
    unit = by_number.get(number)
    # The same rule as courses_visible_to: unpublished courses are for staff only.
    if unit is None or not (unit.course.is_published or user.is_staff):
        raise Http404("No such session.")

    def link(neighbour: Unit | None) -> SessionLink | None:
        if neighbour is None:
            return None
        url = reverse("courses:unit", args=[course_slug, neighbour.number])
        return SessionLink(neighbour.number, neighbour.title, url)

    return UnitPage(
        unit=unit, previous=link(by_number.get(number - 1)), next=link(by_number.get(number + 1))
    )


_RESOURCE_KINDS = dict(Resource.Kind.choices)


@dataclass(frozen=True)
class ResourceItem:
    """One resource as the session page draws it, flagged done or not for the viewer.

    Built from plain values with the note already rendered, because the page
    is mostly resources and model instances plus per-item template filters and
    {% url %} tags were a large share of its time.
    """

    pk: int
    title: str
    url: str
    kind_label: str
    authors: str
    year: int | None
    minutes: int
    note_html: SafeString | None
    is_core: bool
    is_done: bool
    done_url: str


def unit_resources(*, unit: Unit, user) -> list[ResourceItem]:
    """Core resources first, then optional ones, each flagged done or not for this user."""
    rows = (
        Resource.objects.filter(unit_id=unit.pk)
        # A join rather than an EXISTS subquery: the same answer (one completion
        # per user and resource at most), cheaper to build.
        .annotate(mine=FilteredRelation("completions", condition=Q(completions__user=user)))
        .order_by("-is_core", "position")
        .values_list(
            "pk",
            "title",
            "url",
            "kind",
            "authors",
            "year",
            "minutes",
            "note",
            "is_core",
            "mine__id",
        )
    )
    return [
        ResourceItem(
            pk=pk,
            title=title,
            url=url,
            # Like get_kind_display: a value no longer among the choices shows as it is.
            kind_label=_RESOURCE_KINDS.get(kind, kind),
            authors=authors,
            year=year,
            minutes=minutes,
            note_html=render_markdown(note) if note else None,
            is_core=is_core,
            is_done=done is not None,
            done_url=reverse("courses:resource_done", args=[pk]),
        )
        for pk, title, url, kind, authors, year, minutes, note, is_core, done in rows
    ]


def progress_from_resources(resources: list[ResourceItem]) -> Progress:
    """A unit's progress from its resources as loaded by unit_resources."""
    return Progress(
        done=sum(1 for r in resources if r.is_done),
        total=len(resources),
        minutes_total=sum(r.minutes for r in resources),
        minutes_done=sum(r.minutes for r in resources if r.is_done),
    )


def resource_for_user(*, user, pk: int) -> Resource:
    try:
        return Resource.objects.select_related("unit__course").get(
            pk=pk, unit__course__in=courses_visible_to(user)
        )
    except Resource.DoesNotExist:
        raise Http404("No such resource.") from None


_EXERCISE_KINDS = dict(Exercise.Kind.choices)


@dataclass(frozen=True)
class PromptItem:
    text: str
    is_required: bool
    answer: str
    bounds_guidance: str
    timebox_minutes: int | None
    help_html: SafeString | None


@dataclass
class ExerciseItem:
    pk: int
    title: str
    kind_label: str
    instructions_html: SafeString
    prompts: list[PromptItem] = field(default_factory=list)


def unit_exercises(*, unit: Unit) -> list[ExerciseItem]:
    """The session's exercises with their prompts, in one query: exercises LEFT JOIN prompts."""
    rows = (
        Exercise.objects.filter(unit_id=unit.pk)
        .order_by("position", "prompts__position")
        .values_list(
            "pk",
            "title",
            "kind",
            "instructions",
            "prompts__pk",
            "prompts__text",
            "prompts__is_required",
            "prompts__answer",
            "prompts__min_items",
            "prompts__max_items",
            "prompts__strict_item_bounds",
            "prompts__timebox_minutes",
            "prompts__help_text",
        )
    )
    exercises: dict[int, ExerciseItem] = {}
    for row in rows:
        pk, title, kind, instructions, prompt_pk, text, required, answer, low, high = row[:10]
        strict, timebox, help_text = row[10:]
        exercise = exercises.get(pk)
        if exercise is None:
            exercise = exercises[pk] = ExerciseItem(
                pk=pk,
                title=title,
                kind_label=_EXERCISE_KINDS.get(kind, kind),
                instructions_html=render_markdown(instructions),
            )
        if prompt_pk is None:  # an exercise without prompts still gives one row
            continue
        exercise.prompts.append(
            PromptItem(
                text=text,
                is_required=required,
                answer=answer,
                # The model's wording, without loading the model.
                bounds_guidance=Prompt(
                    answer=answer,
                    is_required=required,
                    min_items=low,
                    max_items=high,
                    strict_item_bounds=strict,
                ).bounds_guidance,
                timebox_minutes=timebox,
                help_html=render_markdown(help_text) if help_text else None,
            )
        )
    return list(exercises.values())


def course_to_spec(course: Course) -> dict:
    """The course as the plain data that coursefiles.write_course writes out."""
    rubrics = (
        Rubric.objects.filter(course=course)
        .order_by("slug")
        .prefetch_related(
            Prefetch(
                "criteria",
                queryset=Criterion.objects.order_by("position").prefetch_related(
                    Prefetch("levels", queryset=Level.objects.order_by("position"))
                ),
            )
        )
    )
    units = course.units.order_by("number").prefetch_related(
        Prefetch("resources", queryset=Resource.objects.order_by("position")),
        Prefetch(
            "exercises",
            queryset=Exercise.objects.order_by("position")
            .select_related("rubric")
            .prefetch_related(Prefetch("prompts", queryset=Prompt.objects.order_by("position"))),
        ),
    )
    exercises = [exercise for unit in units for exercise in unit.exercises.all()]
    sections = {section.field: section.export(exercises) for section in exercise_sections()}
    return {
        "slug": course.slug,
        "title": course.title,
        "summary": course.summary,
        "published": course.is_published,
        "share_plans": course.share_plans,
        "rubrics": [
            {
                "slug": rubric.slug,
                "title": rubric.title,
                "criteria": [
                    {
                        "slug": criterion.slug,
                        "title": criterion.title,
                        "description": criterion.description,
                        "levels": [
                            {"title": lv.title, "description": lv.description, "points": lv.points}
                            for lv in criterion.levels.all()
                        ],
                    }
                    for criterion in rubric.criteria.all()
                ],
            }
            for rubric in rubrics
        ],
        "units": [
            {
                "slug": unit.slug,
                "title": unit.title,
                "summary": unit.summary,
                "resources": [
                    {
                        "title": r.title,
                        "url": r.url,
                        "authors": r.authors,
                        "year": r.year,
                        "kind": r.kind,
                        "core": r.is_core,
                        "minutes": r.minutes,
                        "note": r.note,
                    }
                    for r in unit.resources.all()
                ],
                "exercises": [
                    {
                        "slug": e.slug,
                        "title": e.title,
                        "kind": e.kind,
                        "instructions": e.instructions,
                        "rubric": e.rubric.slug if e.rubric else None,
                        "prompts": [
                            {
                                "slug": p.slug,
                                "text": p.text,
                                "help": p.help_text,
                                "required": p.is_required,
                                "answer": p.answer,
                                "min_items": p.min_items,
                                "max_items": p.max_items,
                                "strict_bounds": p.strict_item_bounds,
                                "timebox_minutes": p.timebox_minutes,
                            }
                            for p in e.prompts.all()
                        ],
                        **{field: exported.get(e.pk) for field, exported in sections.items()},
                    }
                    for e in unit.exercises.all()
                ],
                "facilitator_guide": unit.facilitator_guide,
            }
            for unit in units
        ],
    }
