"""Reads for the participant pages, shaped so each page costs a fixed number of queries."""

from dataclasses import dataclass

from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.http import Http404

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


def unit_for_user(*, user, course_slug: str, number: int) -> Unit:
    try:
        return Unit.objects.select_related("course").get(
            course__in=courses_visible_to(user), course__slug=course_slug, number=number
        )
    except Unit.DoesNotExist:
        raise Http404("No such session.") from None


def unit_resources(*, unit: Unit, user) -> list[Resource]:
    """Core resources first, then optional ones, each flagged done or not for this user."""
    return list(
        unit.resources.annotate(
            is_done=Exists(ResourceCompletion.objects.filter(user=user, resource=OuterRef("pk")))
        ).order_by("-is_core", "position")
    )


def unit_exercises(*, unit: Unit) -> list[Exercise]:
    return list(
        unit.exercises.order_by("position").prefetch_related(
            Prefetch("prompts", queryset=Prompt.objects.order_by("position"))
        )
    )


def progress_from_resources(resources: list[Resource]) -> Progress:
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


def course_units_nav(*, course: Course) -> list[tuple[int, str]]:
    return list(course.units.order_by("number").values_list("number", "title"))


def _peer_review_spec(settings) -> dict | None:
    """An exercise's PeerReviewSettings as the `peer_review:` mapping of its unit file."""
    if settings is None:
        return None
    return {
        "enabled": settings.is_enabled,
        "reviews": settings.reviews_per_submission,
        "pool": settings.pool,
        "anonymous": settings.is_anonymous,
        "rubric": settings.rubric.slug if settings.rubric else None,
        "questions": settings.questions,
        "due_hours_after_deadline": settings.due_hours_after_deadline,
        "grace_hours": settings.grace_hours,
        "release": settings.release,
    }


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
            .select_related("rubric", "peer_review__rubric")
            .prefetch_related(Prefetch("prompts", queryset=Prompt.objects.order_by("position"))),
        ),
    )
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
                                "timebox_minutes": p.timebox_minutes,
                            }
                            for p in e.prompts.all()
                        ],
                        "peer_review": _peer_review_spec(getattr(e, "peer_review", None)),
                    }
                    for e in unit.exercises.all()
                ],
            }
            for unit in units
        ],
    }
