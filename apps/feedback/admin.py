"""Feedback in the admin: read and searched here, written by participants and facilitators.

Ratings and notes are people's own words, so the admin shows them without letting staff
rewrite them; staff may delete one (abuse, or a request under the privacy pages).
"""

from django.contrib import admin

from apps.feedback.models import MeetingNote, ResourceRating, SessionRating


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SessionRating)
class SessionRatingAdmin(ReadOnlyAdmin):
    list_display = ["unit", "rating", "enrollment", "updated_at"]
    list_filter = ["enrollment__round", "rating"]
    search_fields = ["enrollment__user__email", "comment"]
    list_select_related = ["unit", "enrollment__user", "enrollment__round"]


@admin.register(ResourceRating)
class ResourceRatingAdmin(ReadOnlyAdmin):
    list_display = ["resource", "worth_it", "enrollment", "updated_at"]
    list_filter = ["enrollment__round", "worth_it"]
    search_fields = ["enrollment__user__email", "resource__title", "note"]
    list_select_related = ["resource", "enrollment__user", "enrollment__round"]


@admin.register(MeetingNote)
class MeetingNoteAdmin(ReadOnlyAdmin):
    list_display = ["meeting", "author", "updated_at"]
    list_filter = ["meeting__cohort__round"]
    search_fields = ["author__user__email", "meeting__cohort__name", "text"]
    list_select_related = ["meeting__cohort", "meeting__unit", "author__user"]
