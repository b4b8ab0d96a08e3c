"""Grouping in the admin: a read-only record of runs, and the settings and preferences
grouping reads (a round's soft tier, people's priority labels, facilitators' wishes).

Runs are started and reviewed on the grouping pages (/grouping/), which each run links to.
"""

from django.contrib import admin
from django.template.loader import render_to_string
from django.urls import reverse

from apps.grouping.models import GroupingPreference, GroupingRun, GroupingSettings


@admin.register(GroupingRun)
class GroupingRunAdmin(admin.ModelAdmin):
    list_display = [
        "round",
        "status",
        "progress",
        "placed",
        "bound",
        "only_unplaced",
        "created_at",
        "finished_at",
    ]
    list_filter = ["status", "round"]
    list_select_related = ["round__course"]
    date_hierarchy = "created_at"
    fields = [
        "round",
        "grouping_page",
        ("status", "progress"),
        "message",
        ("placed", "bound"),
        ("only_unplaced", "fill_published"),
        "requested_by",
        ("created_at", "finished_at"),
        "unplaced",
        "stats",
    ]
    readonly_fields = [
        "round",
        "grouping_page",
        "status",
        "progress",
        "message",
        "placed",
        "bound",
        "only_unplaced",
        "fill_published",
        "requested_by",
        "created_at",
        "finished_at",
        "unplaced",
        "stats",
    ]

    @admin.display(description="Review")
    def grouping_page(self, run):
        url = reverse("grouping:round", args=[run.round.slug])
        return render_to_string(
            "admin/_link.html", {"url": url, "text": f"Open the cohorts of {run.round.name}"}
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(GroupingSettings)
class GroupingSettingsAdmin(admin.ModelAdmin):
    list_display = [
        "round",
        "soft_tier",
        "soft_members_per_cohort",
        "soft_missed_minutes",
        "assume_evenings",
    ]
    list_filter = ["soft_tier", "assume_evenings"]
    list_select_related = ["round__course"]
    fieldsets = [
        (None, {"fields": ["round"]}),
        (
            "Soft tier",
            {
                "description": "Used only for people strict grouping leaves out; members "
                "placed strictly are never moved for them.",
                "fields": [
                    "soft_tier",
                    "soft_members_per_cohort",
                    "soft_missed_minutes",
                    "assume_evenings",
                ],
            },
        ),
    ]


class PriorityFilter(admin.SimpleListFilter):
    """The labels in use, and "No priority" for the rows without one.

    The admin's own filter would list the empty label as a link with no text.
    """

    title = "priority label"
    parameter_name = "priority"
    NONE = "-"

    def lookups(self, request, model_admin):
        labels = (
            model_admin.get_queryset(request)
            .exclude(priority="")
            .order_by("priority")
            .values_list("priority", flat=True)
            .distinct()
        )
        return [(self.NONE, "No priority"), *((label, label) for label in labels)]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        return queryset.filter(priority="" if self.value() == self.NONE else self.value())


@admin.register(GroupingPreference)
class GroupingPreferenceAdmin(admin.ModelAdmin):
    list_display = ["enrollment", "round", "priority", "preferred_size", "updated_at"]
    list_editable = ["priority"]
    list_filter = ["enrollment__round", "enrollment__role", PriorityFilter]
    list_select_related = ["enrollment__user", "enrollment__round"]
    search_fields = ["enrollment__user__email", "enrollment__user__display_name", "priority"]
    # A plain id box with its lookup: the autocomplete widget's combo box has no name
    # a screen reader can announce.
    raw_id_fields = ["enrollment"]
    readonly_fields = ["updated_at"]

    @admin.display(ordering="enrollment__round", description="Round")
    def round(self, preference):
        return preference.enrollment.round
