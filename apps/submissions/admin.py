"""Submissions and feedback in the admin: for looking things up, not for editing them.

Answers, revisions and grades change only through the services (which keep
versions, revisions, late flags and milestone rows consistent), so every
field here is read-only and nothing can be added by hand.
"""

import json

from django.contrib import admin
from django.template.loader import render_to_string

from apps.submissions.models import CriterionScore, Feedback, Milestone, Revision, Submission


def _pretty(answers) -> str:
    # The template escapes the JSON text, so answers can never become markup here.
    return render_to_string(
        "admin/_answers.html", {"json": json.dumps(answers, indent=2, ensure_ascii=False)}
    )


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class RevisionInline(ReadOnlyInline):
    model = Revision
    fields = ["number", "created_at", "is_late", "answers_pretty"]
    readonly_fields = fields
    ordering = ["-number"]

    @admin.display(description="answers")
    def answers_pretty(self, revision):
        return _pretty(revision.answers)


class MilestoneInline(ReadOnlyInline):
    model = Milestone
    fields = ["prompt", "position", "title", "target_date"]
    readonly_fields = fields


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    class Media:
        # The layout of the answers (a style attribute would be refused by the site's CSP).
        css = {"all": ["css/admin-answers.css"]}

    list_display = [
        "participant_email",
        "exercise",
        "round",
        "status",
        "is_late",
        "submitted_at",
        "updated_at",
    ]
    list_filter = ["status", "is_late", "exercise"]
    search_fields = ["enrollment__user__email", "enrollment__user__display_name"]
    list_select_related = ["enrollment__user", "enrollment__round", "exercise"]
    date_hierarchy = "submitted_at"
    fields = [
        "enrollment",
        "exercise",
        "status",
        "is_late",
        "version",
        "first_submitted_at",
        "submitted_at",
        "created_at",
        "updated_at",
        "answers_pretty",
    ]
    readonly_fields = fields
    inlines = [RevisionInline, MilestoneInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # Viewing is allowed through has_view_permission; nothing here is editable.
        return False

    @admin.display(description="participant", ordering="enrollment__user__email")
    def participant_email(self, submission):
        return submission.enrollment.user.email

    @admin.display(description="round", ordering="enrollment__round__name")
    def round(self, submission):
        return submission.enrollment.round.name

    @admin.display(description="answers")
    def answers_pretty(self, submission):
        return _pretty(submission.answers)


class CriterionScoreInline(ReadOnlyInline):
    model = CriterionScore
    fields = ["criterion", "level", "points"]
    readonly_fields = fields

    @admin.display(description="points")
    def points(self, score):
        return score.level.points


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = [
        "submission",
        "revision_number",
        "decision",
        "grader",
        "points",
        "max_points",
        "created_at",
    ]
    list_filter = ["decision", "submission__exercise"]
    search_fields = ["submission__enrollment__user__email", "grader__email", "comment"]
    list_select_related = [
        "submission__enrollment__user",
        "submission__exercise",
        "revision",
        "grader",
    ]
    fields = [
        "submission",
        "revision",
        "grader",
        "decision",
        "comment",
        "points",
        "max_points",
        "created_at",
    ]
    readonly_fields = fields
    inlines = [CriterionScoreInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="revision", ordering="revision__number")
    def revision_number(self, feedback):
        return feedback.revision.number
