"""Admin for cohorts, their meetings and attendance; changes go through the cohort services."""

import calendar

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch

from apps.accounts.timezones import timezone_names
from apps.cohorts.models import (
    Attendance,
    CalendarFeed,
    Change,
    Cohort,
    Meeting,
    Placement,
    Switch,
)
from apps.cohorts.services import (
    CohortError,
    calendar_feed_reset,
    cohort_publish,
    cohort_reschedule,
    cohort_slot_start,
)
from apps.rounds.models import Enrollment

WEEKDAYS = [(number, name) for number, name in enumerate(calendar.day_name)]
SLOT_FIELDS = ("weekday", "local_time", "time_zone")


class PlacementForm(forms.ModelForm):
    class Meta:
        model = Placement
        fields = ["enrollment"]

    def clean_enrollment(self):
        enrollment = self.cleaned_data["enrollment"]
        cohort = self.instance.cohort if self.instance.cohort_id else None
        parent_round = getattr(self, "parent_round_id", None) or (cohort and cohort.round_id)
        if enrollment.is_facilitator:
            raise ValidationError("Facilitators lead cohorts; add them as facilitators instead.")
        if parent_round and enrollment.round_id != parent_round:
            raise ValidationError("This person is enrolled in another round.")
        return enrollment


class PlacementFormSet(forms.BaseInlineFormSet):
    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        form.parent_round_id = self.instance.round_id
        return form


class PlacementInline(admin.TabularInline):
    model = Placement
    form = PlacementForm
    formset = PlacementFormSet
    extra = 0
    raw_id_fields = ["enrollment"]
    fields = ["enrollment", "person", "status", "placed_at"]
    readonly_fields = ["person", "status", "placed_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("enrollment__user")

    @admin.display(description="person")
    def person(self, placement):
        return f"{placement.enrollment.user.name} <{placement.enrollment.user.email}>"

    @admin.display(description="status")
    def status(self, placement):
        return placement.enrollment.get_status_display()


class CohortAdminForm(forms.ModelForm):
    weekday = forms.TypedChoiceField(choices=WEEKDAYS, coerce=int)
    time_zone = forms.ChoiceField(
        choices=[(name, name) for name in timezone_names()],
        help_text="The zone the meeting keeps its local time in, usually the facilitator's.",
    )
    video_call_url = forms.URLField(
        label="Video call link", required=False, max_length=500, assume_scheme="https"
    )

    class Meta:
        model = Cohort
        fields = [
            "round",
            "name",
            "facilitators",
            "weekday",
            "local_time",
            "time_zone",
            "video_call_url",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facilitators"].queryset = Enrollment.objects.facilitators().select_related(
            "user", "round__course"
        )

    def clean(self):
        data = super().clean()
        # On change the round is read-only, so it is not in the submitted data.
        round_id = data["round"].pk if data.get("round") else self.instance.round_id
        facilitators = data.get("facilitators") or []
        strangers = [f for f in facilitators if round_id and f.round_id != round_id]
        if strangers:
            raise ValidationError(
                "Facilitators must be enrolled in the cohort's round: "
                + ", ".join(str(f.user) for f in strangers)
            )
        return data


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    form = CohortAdminForm
    list_display = ["name", "round", "facilitator_names", "slot", "size", "published"]
    list_filter = ["round", ("published_at", admin.EmptyFieldListFilter)]
    list_select_related = ["round__course"]
    search_fields = ["name", "round__name", "round__course__title"]
    filter_horizontal = ["facilitators"]
    readonly_fields = ["slot_start", "published_at", "created_at"]
    inlines = [PlacementInline]
    actions = ["publish"]

    def get_readonly_fields(self, request, obj=None):
        # Moving a whole cohort to another round would strand its placements.
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "round"] if obj is not None else fields

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .with_member_count()
            .prefetch_related(
                Prefetch("facilitators", queryset=Enrollment.objects.select_related("user"))
            )
        )

    @admin.display(description="facilitators")
    def facilitator_names(self, cohort):
        return ", ".join(f.user.name for f in cohort.facilitators.all()) or "—"

    @admin.display(description="slot")
    def slot(self, cohort):
        return f"{calendar.day_name[cohort.weekday]} {cohort.local_time:%H:%M} {cohort.time_zone}"

    @admin.display(description="participants", ordering="member_count")
    def size(self, cohort):
        return cohort.member_count

    @admin.display(description="published", boolean=True, ordering="published_at")
    def published(self, cohort):
        return cohort.is_published

    def save_model(self, request, obj, form, change):
        if not change:
            obj.slot_start = cohort_slot_start(
                round=obj.round,
                time_zone=obj.time_zone,
                weekday=obj.weekday,
                local_time=obj.local_time,
            )
            super().save_model(request, obj, form, change)
            return
        super().save_model(request, obj, form, change)
        if any(field in form.changed_data for field in SLOT_FIELDS):
            # Recomputes the grouping slot and moves the meetings still to come.
            cohort_reschedule(
                cohort=obj,
                weekday=obj.weekday,
                local_time=obj.local_time,
                time_zone=obj.time_zone,
            )

    @admin.action(description="Publish the selected cohorts (and schedule their meetings)")
    def publish(self, request, queryset):
        published = 0
        for cohort in queryset.select_related("round"):
            try:
                cohort_publish(cohort=cohort)
            except CohortError as error:
                self.message_user(request, f"{cohort}: {error}", messages.ERROR)
            else:
                published += 1
        self.message_user(request, f"Published {published} cohort(s).", messages.SUCCESS)


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    """Meetings to look up. Moving, cancelling or covering one is done on its cohort's page,
    which tells the members, raises the calendar SEQUENCE and keeps the history."""

    list_display = ["unit", "cohort", "round", "starts_at", "ends_at", "is_cancelled", "sequence"]
    list_filter = ["is_cancelled", "cohort__round", ("cohort", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["cohort__round__course", "unit"]
    date_hierarchy = "starts_at"
    search_fields = ["cohort__name", "unit__title"]
    raw_id_fields = ["cohort", "unit", "substitute"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["starts_at", "ends_at", "is_cancelled", "sequence", "substitute"]

    @admin.display(description="round", ordering="cohort__round")
    def round(self, meeting):
        return meeting.cohort.round


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    """Facilitators record attendance on the cohort pages; here it is to look up and correct."""

    list_display = ["person", "meeting", "status", "recorded_by", "recorded_at"]
    list_filter = [
        "status",
        "meeting__cohort__round",
        ("meeting__cohort", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["enrollment__user", "meeting__unit", "meeting__cohort", "recorded_by"]
    search_fields = ["enrollment__user__email", "enrollment__user__display_name"]
    fields = ["meeting", "enrollment", "status", "recorded_by", "recorded_at"]
    readonly_fields = ["meeting", "enrollment", "recorded_by", "recorded_at"]

    @admin.display(description="person", ordering="enrollment__user__email")
    def person(self, attendance):
        return attendance.enrollment.user

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        obj.recorded_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at"]
    search_fields = ["user__email"]
    list_select_related = ["user"]
    fields = ["user", "created_at"]
    readonly_fields = ["user", "created_at"]
    actions = ["reset"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Reset the selected feeds (their old links stop working)")
    def reset(self, request, queryset):
        for feed in queryset.select_related("user"):
            calendar_feed_reset(user=feed.user)
        self.message_user(request, "The selected calendar links are reset.", messages.SUCCESS)


class ReadOnlyAdmin(admin.ModelAdmin):
    """History kept by the services; admins read it, nobody edits it here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Change)
class ChangeAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "kind", "round", "cohort", "person", "actor", "reason"]
    list_filter = ["kind", "round"]
    list_select_related = ["round__course", "cohort", "enrollment__user", "actor"]
    search_fields = ["enrollment__user__email", "cohort__name", "reason"]
    date_hierarchy = "created_at"

    @admin.display(description="person")
    def person(self, change):
        return change.enrollment.user if change.enrollment else ""


@admin.register(Switch)
class SwitchAdmin(ReadOnlyAdmin):
    list_display = ["requested_at", "person", "from_cohort", "to_cohort", "meeting", "status"]
    list_filter = ["status", "to_cohort__round"]
    list_select_related = ["enrollment__user", "from_cohort", "to_cohort", "meeting__unit"]
    search_fields = ["enrollment__user__email", "to_cohort__name", "from_cohort__name"]

    @admin.display(description="person", ordering="enrollment__user__email")
    def person(self, switch):
        return switch.enrollment.user
