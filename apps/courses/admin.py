"""The admin site is where course admins build courses: a whole course on one page."""

import nested_admin
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, F
from django.template.loader import render_to_string
from django.utils.text import slugify

from apps.courses.models import (
    Course,
    Criterion,
    Exercise,
    Level,
    Prompt,
    Resource,
    Rubric,
    Unit,
)
from apps.courses.services import CourseError, course_duplicate

# Larger than any real position, so siblings can be moved out of each other's way.
_SHIFT = 1_000_000


class OrderedForm(forms.ModelForm):
    """A child row whose position is checked across the formset, not row by row.

    Checked alone, a row moved to its sibling's old position collides with a
    row the same save is about to move away, so a swap could never be saved.
    """

    order_field: str | None = None

    def _get_validation_exclusions(self):
        exclude = super()._get_validation_exclusions()
        if self.order_field:
            exclude.add(self.order_field)
        return exclude


class OrderedFormSet(nested_admin.NestedInlineFormSet):
    """Reorders children in one save despite the unique (parent, position) constraint.

    It checks the new positions are distinct, moves every saved sibling out
    of the way, saves, and moves back the rows the save did not touch.
    """

    order_field = "position"

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        form.order_field = self.order_field
        return form

    def clean(self):
        super().clean()
        if getattr(self, "sortable_field_name", None):
            # Drag-and-drop inlines are renumbered in page order when saved, so a
            # tie typed by hand is settled by which row comes first.
            self._break_ties()
            return
        seen = set()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or data.get(self.order_field) is None:
                continue
            if data[self.order_field] in seen:
                raise ValidationError(
                    f"Two rows have {self.order_field} {data[self.order_field]}; give each its own."
                )
            seen.add(data[self.order_field])

    def _break_ties(self) -> None:
        taken = set()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or data.get(self.order_field) is None:
                continue
            while data[self.order_field] in taken:
                data[self.order_field] += 1
            taken.add(data[self.order_field])

    def save(self, commit=True):
        siblings = self.model.objects.filter(**{self.fk.name: self.instance})
        if commit and self.instance.pk:
            siblings.update(**{self.order_field: F(self.order_field) + _SHIFT})
        saved = super().save(commit=commit)
        if commit and self.instance.pk:
            siblings.filter(**{f"{self.order_field}__gte": _SHIFT}).update(
                **{self.order_field: F(self.order_field) - _SHIFT}
            )
        return saved


class UnitFormSet(OrderedFormSet):
    order_field = "number"


class PromptInline(nested_admin.NestedStackedInline):
    model = Prompt
    form = OrderedForm
    formset = OrderedFormSet
    sortable_field_name = "position"
    fields = [
        ("slug", "is_required"),
        "text",
        "help_text",
        ("answer", "min_items", "max_items", "strict_item_bounds", "timebox_minutes"),
        "position",
    ]
    extra = 0
    classes = ["collapse"]


class ExerciseInline(nested_admin.NestedStackedInline):
    model = Exercise
    form = OrderedForm
    formset = OrderedFormSet
    sortable_field_name = "position"
    fields = [("title", "slug"), ("kind", "rubric"), "instructions", "position"]
    inlines = [PromptInline]
    extra = 0


class ResourceInline(nested_admin.NestedStackedInline):
    model = Resource
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    form = OrderedForm
    formset = OrderedFormSet
    sortable_field_name = "position"
    fields = [
        "title",
        ("authors", "year"),
        "url",
        ("kind", "is_core", "minutes"),
        "note",
        "position",
    ]
    extra = 0


class UnitInline(nested_admin.NestedStackedInline):
    model = Unit
    form = OrderedForm
    formset = UnitFormSet
    fields = [("number", "title", "slug"), "summary", "facilitator_guide", "preview_link"]
    readonly_fields = ["preview_link"]
    inlines = [ResourceInline, ExerciseInline]
    extra = 0
    ordering = ["number"]

    @admin.display(description="Participant view")
    def preview_link(self, unit):
        if not unit.pk:
            return "Save the course to preview this session."
        return render_to_string(
            "admin/_link.html",
            {
                "url": unit.get_absolute_url(),
                "text": f"Preview “{unit.display_title}” as a participant sees it",
                "new_tab": True,
            },
        )


class LevelInline(nested_admin.NestedTabularInline):
    model = Level
    form = OrderedForm
    formset = OrderedFormSet
    sortable_field_name = "position"
    fields = ["title", "points", "description", "position"]
    extra = 0


class CriterionInline(nested_admin.NestedStackedInline):
    model = Criterion
    form = OrderedForm
    formset = OrderedFormSet
    sortable_field_name = "position"
    fields = [("title", "slug"), "description", "position"]
    inlines = [LevelInline]
    extra = 0


class RubricInline(nested_admin.NestedStackedInline):
    model = Rubric
    fields = [("title", "slug")]
    inlines = [CriterionInline]
    extra = 0
    classes = ["collapse"]


@admin.register(Course)
class CourseAdmin(nested_admin.NestedModelAdmin):
    list_display = ["title", "slug", "is_published", "session_count", "updated_at"]
    list_filter = ["is_published"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    fields = ["title", "slug", "summary", "is_published", "share_plans"]
    inlines = [UnitInline, RubricInline]
    actions = ["duplicate"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(session_total=Count("units"))

    @admin.display(description="Sessions", ordering="session_total")
    def session_count(self, course):
        return course.session_total

    @admin.action(description="Duplicate selected courses (as unpublished drafts)")
    def duplicate(self, request, queryset):
        for course in queryset:
            try:
                copy = course_duplicate(
                    course=course,
                    slug=_free_slug(course.slug),
                    title=_copy_title(course.title),
                )
            except CourseError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                self.message_user(
                    request, f"Created “{copy.title}” ({copy.slug}).", messages.SUCCESS
                )


def _copy_title(title: str) -> str:
    limit = Course._meta.get_field("title").max_length - len(" (copy)")
    return f"{title[:limit]} (copy)"


def _free_slug(slug: str) -> str:
    """The first of slug-copy, slug-copy-2, ... not taken, shortened to fit the field."""
    limit = Course._meta.get_field("slug").max_length
    n = 1
    while True:
        suffix = "-copy" if n == 1 else f"-copy-{n}"
        candidate = slugify(slug[: limit - len(suffix)].rstrip("-") + suffix)
        if not Course.objects.filter(slug=candidate).exists():
            return candidate
        n += 1
