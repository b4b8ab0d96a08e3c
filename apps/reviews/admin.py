"""Admin for peer review: settings per exercise, allocating on demand, and the stored reviews.

Assignments and reviews are read-only here: who reviews what is decided by
the allocation services, and facilitators hide or reassign reviews from the
cohort's peer review page, which keeps the promises the allocation makes.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.template.response import TemplateResponse
from django.utils import timezone

from apps.courses.models import Exercise
from apps.reviews.models import PeerReviewSettings, Review, ReviewAssignment
from apps.reviews.selectors.schedule import review_due_at
from apps.reviews.services import reviews_allocate
from apps.rounds.models import Round, RoundUnit


def _exercise_label(exercise: Exercise) -> str:
    return f"{exercise.unit.course.title} › {exercise.unit.display_title} › {exercise.title}"


class ExerciseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, exercise):
        return _exercise_label(exercise)


class PeerReviewSettingsForm(forms.ModelForm):
    exercise = ExerciseChoiceField(
        queryset=Exercise.objects.select_related("unit__course").order_by(
            "unit__course__title", "unit__number", "position"
        ),
        help_text="Listed as course › session › exercise.",
    )

    class Meta:
        model = PeerReviewSettings
        fields = [
            "exercise",
            "is_enabled",
            "reviews_per_submission",
            "pool",
            "is_anonymous",
            "rubric",
            "comment_prompts",
            "due_hours_after_deadline",
            "grace_hours",
            "release",
            "disagreement_threshold",
        ]

    def clean(self):
        cleaned = super().clean()
        exercise, rubric = cleaned.get("exercise"), cleaned.get("rubric")
        if exercise and rubric and rubric.course_id != exercise.unit.course_id:
            self.add_error("rubric", "Choose a rubric of the exercise's own course.")
        return cleaned


class AllocateForm(forms.Form):
    rounds = forms.ModelMultipleChoiceField(
        queryset=Round.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one round."},
    )

    def __init__(self, *args, rounds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rounds"].queryset = rounds


@admin.register(PeerReviewSettings)
class PeerReviewSettingsAdmin(admin.ModelAdmin):
    form = PeerReviewSettingsForm
    list_display = [
        "exercise_label",
        "is_enabled",
        "reviews_per_submission",
        "pool",
        "is_anonymous",
        "release",
        "due_hours_after_deadline",
        "grace_hours",
    ]
    list_filter = ["is_enabled", "pool", "is_anonymous", "exercise__unit__course"]
    list_select_related = ["exercise__unit__course"]
    search_fields = ["exercise__title", "exercise__unit__course__title"]
    fieldsets = [
        (None, {"fields": ["exercise", "is_enabled"]}),
        ("Who reviews", {"fields": ["reviews_per_submission", "pool", "is_anonymous"]}),
        (
            "What reviewers fill in",
            {"fields": ["rubric", "comment_prompts", "disagreement_threshold"]},
        ),
        ("When", {"fields": ["due_hours_after_deadline", "grace_hours", "release"]}),
    ]
    actions = ["allocate_now"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("exercise__unit__course")

    @admin.display(description="Exercise", ordering="exercise__unit__course__title")
    def exercise_label(self, settings):
        return _exercise_label(settings.exercise)

    @admin.action(description="Allocate reviews now (asks for the rounds)")
    def allocate_now(self, request, queryset):
        """Assign reviewers in chosen rounds at once, e.g. when everyone submitted early.

        Allocating is idempotent: a pool already allocated only gets reviewers
        for submissions still short of them. Work submitted afterwards is fitted
        in as late work, without moving reviews already started.
        """
        chosen = list(queryset.select_related("exercise__unit__course"))
        courses = {settings.exercise.unit.course_id for settings in chosen}
        rounds = Round.objects.filter(course_id__in=courses).select_related("course")
        form = AllocateForm(request.POST if "apply" in request.POST else None, rounds=rounds)
        if form.is_valid():
            now = timezone.now()
            for round in form.cleaned_data["rounds"]:
                for settings in chosen:
                    if settings.exercise.unit.course_id != round.course_id:
                        continue
                    self._allocate(request, round, settings, now)
            return None
        deadlines = {
            (entry.round_id, entry.unit_id): entry.due_at
            for entry in RoundUnit.objects.filter(
                round__in=rounds, unit_id__in={s.exercise.unit_id for s in chosen}
            )
        }
        context = {
            **self.admin_site.each_context(request),
            "title": "Allocate reviews now",
            "opts": self.model._meta,
            "form": form,
            "chosen": chosen,
            "deadlines": [
                (round, settings, deadlines.get((round.pk, settings.exercise.unit_id)))
                for round in rounds
                for settings in chosen
                if settings.exercise.unit.course_id == round.course_id
            ],
            "selected": request.POST.getlist(ACTION_CHECKBOX_NAME),
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "now": timezone.now(),
        }
        return TemplateResponse(request, "reviews/admin_allocate.html", context)

    def _allocate(self, request, round, settings, now):
        label = f"“{settings.exercise.title}” in {round.name}"
        if not settings.is_enabled:
            self.message_user(
                request, f"{label}: peer review is off; nothing assigned.", messages.WARNING
            )
            return
        assigned = reviews_allocate(round=round, exercise=settings.exercise)
        due = review_due_at(round=round, exercise=settings.exercise, settings=settings)
        self.message_user(
            request,
            f"{label}: {assigned} review{'s' if assigned != 1 else ''} assigned, due "
            f"{timezone.localtime(due):%a %d %b %Y %H:%M %Z}.",
            messages.SUCCESS,
        )


@admin.register(ReviewAssignment)
class ReviewAssignmentAdmin(admin.ModelAdmin):
    list_display = ["__str__", "status", "is_cross_cohort", "due_at", "completed_at"]
    list_filter = ["status", "is_cross_cohort", "submission__exercise"]
    list_select_related = ["reviewer__user", "submission__enrollment__user", "submission__exercise"]
    search_fields = [
        "reviewer__user__email",
        "reviewer__user__display_name",
        "submission__enrollment__user__email",
        "submission__enrollment__user__display_name",
    ]
    date_hierarchy = "due_at"
    readonly_fields = [
        "reviewer",
        "submission",
        "status",
        "is_cross_cohort",
        "due_at",
        "created_at",
        "completed_at",
    ]

    def has_add_permission(self, request):
        return False


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["__str__", "submitted_at", "hidden_at", "helpfulness", "updated_at"]
    list_filter = ["helpfulness", ("hidden_at", admin.EmptyFieldListFilter)]
    list_select_related = ["assignment__reviewer__user"]
    search_fields = [
        "assignment__reviewer__user__email",
        "assignment__reviewer__user__display_name",
    ]
    readonly_fields = [
        "assignment",
        "levels",
        "comments",
        "version",
        "submitted_at",
        "hidden_at",
        "hidden_by",
        "hidden_reason",
        "helpfulness",
        "helpfulness_note",
        "updated_at",
    ]

    def has_add_permission(self, request):
        return False
