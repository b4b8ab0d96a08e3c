"""Grouping runs in the admin: a read-only record of who ran what and how it went.

Runs are started and reviewed on the grouping pages (/grouping/), which each run links to.
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from apps.grouping.models import GroupingRun


@admin.register(GroupingRun)
class GroupingRunAdmin(admin.ModelAdmin):
    list_display = ["round", "status", "progress", "only_unplaced", "created_at", "finished_at"]
    list_filter = ["status", "round"]
    list_select_related = ["round__course"]
    date_hierarchy = "created_at"
    fields = [
        "round",
        "grouping_page",
        ("status", "progress"),
        "message",
        "only_unplaced",
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
        "only_unplaced",
        "requested_by",
        "created_at",
        "finished_at",
        "unplaced",
        "stats",
    ]

    @admin.display(description="Review")
    def grouping_page(self, run):
        url = reverse("grouping:round", args=[run.round.slug])
        return format_html('<a href="{}">Open the cohorts of {}</a>', url, run.round.name)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
