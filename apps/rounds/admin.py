"""Running rounds from the admin: schedules, applications and importing people."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from apps.rounds.csv_import import COLUMNS, read_enrollments_csv
from apps.rounds.forms import EnrollmentImportForm
from apps.rounds.models import ApplicationAnswer, ApplicationQuestion, Enrollment, Round, RoundUnit
from apps.rounds.services import (
    EnrollmentImportProblems,
    RoundError,
    enrollments_accept,
    enrollments_decline,
    enrollments_import,
    round_schedule_units,
)


class RoundUnitInline(admin.TabularInline):
    model = RoundUnit
    fields = ["unit", "week_starts_on", "due_at"]
    extra = 0
    ordering = ["week_starts_on", "unit__number"]
    verbose_name = "session in this round"
    verbose_name_plural = "schedule"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("unit")

    def get_formset(self, request, obj=None, **kwargs):
        # Remembered on the request (the admin object is shared between requests)
        # so the unit choices below can be limited to the round's own course.
        request._schedule_round = obj
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        round = getattr(request, "_schedule_round", None)
        if db_field.name == "unit" and round is not None:
            kwargs["queryset"] = round.course.units.order_by("number")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ApplicationQuestionInline(admin.StackedInline):
    model = ApplicationQuestion
    fields = [("position", "kind", "is_required"), "text", "hint", "options"]
    extra = 0
    verbose_name = "application question"
    verbose_name_plural = "application questions (asked beside motivation and experience)"


class ApplicationAnswerInline(admin.TabularInline):
    model = ApplicationAnswer
    fields = ["question", "text"]
    readonly_fields = ["question", "text"]
    extra = 0
    can_delete = False
    verbose_name_plural = "answers to the round's questions"

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("question")


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "course",
        "starts_on",
        "applications_close_at",
        "open_now",
        "applicant_count",
        "accepted_count",
    ]
    list_filter = ["course"]
    list_select_related = ["course"]
    search_fields = ["name", "slug", "course__title"]
    prepopulated_fields = {"slug": ["name"]}
    date_hierarchy = "starts_on"
    fieldsets = [
        (None, {"fields": ["course", "name", "slug"]}),
        ("Dates", {"fields": ["applications_open_at", "applications_close_at", "starts_on"]}),
        (
            "Cohorts",
            {
                "fields": [
                    "meeting_minutes",
                    ("cohort_min_size", "cohort_target_size", "cohort_max_size"),
                    "switches_need_approval",
                ]
            },
        ),
    ]
    inlines = [RoundUnitInline, ApplicationQuestionInline]
    actions = ["fill_in_schedule"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                applicants=Count("enrollments"),
                accepted=Count(
                    "enrollments",
                    filter=Q(enrollments__status__in=Enrollment.ELIGIBLE),
                ),
            )
        )

    @admin.display(description="People", ordering="applicants")
    def applicant_count(self, round):
        return round.applicants

    @admin.display(description="Accepted", ordering="accepted")
    def accepted_count(self, round):
        return round.accepted

    @admin.display(description="Taking applications", boolean=True)
    def open_now(self, round):
        return round.is_open_for_applications(timezone.now())

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not change:
            # A new round gets a week per session straight away; rows the admin
            # added by hand in the same save are kept as they are.
            entries = round_schedule_units(round=form.instance)
            if entries:
                self.message_user(
                    request,
                    f"Filled in the schedule: {len(entries)} sessions, one a week from the "
                    "start date. Adjust weeks and due dates below if needed.",
                    messages.INFO,
                )

    @admin.action(description="Fill in the schedule from the start date")
    def fill_in_schedule(self, request, queryset):
        for round in queryset.select_related("course"):
            before = round.schedule.count()
            entries = round_schedule_units(round=round)
            added = len(entries) - before
            self.message_user(
                request,
                f"{round}: added {added} session{'s' if added != 1 else ''} to the schedule"
                + (f"; kept the {before} already there." if before else "."),
                messages.SUCCESS,
            )

    def get_urls(self):
        return [
            path(
                "<path:object_id>/import-people/",
                self.admin_site.admin_view(self.import_view),
                name="rounds_round_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request, object_id):
        """Upload a CSV of applicants and facilitators for one round."""
        round = get_object_or_404(Round.objects.select_related("course"), pk=object_id)
        if not self.has_change_permission(request, round):
            raise PermissionDenied
        form = (
            EnrollmentImportForm(request.POST, request.FILES)
            if request.method == "POST"
            else EnrollmentImportForm()
        )
        if request.method == "POST" and form.is_valid():
            try:
                rows = read_enrollments_csv(form.cleaned_data["file"].read())
                summary = enrollments_import(round=round, rows=rows)
            except EnrollmentImportProblems as error:
                for message in error.messages:
                    form.add_error("file", message)
            except RoundError as error:
                form.add_error("file", str(error))
            else:
                self.message_user(request, f"Imported into {round}: {summary}", messages.SUCCESS)
                return redirect(
                    f"{reverse('admin:rounds_enrollment_changelist')}?round__id__exact={round.pk}"
                )
        context = {
            **self.admin_site.each_context(request),
            "title": f"Import people into {round}",
            "opts": self.model._meta,
            "original": round,
            "form": form,
            "columns": COLUMNS,
            "has_view_permission": True,
        }
        return TemplateResponse(request, "admin/rounds/round/import_people.html", context)


@admin.register(Enrollment)
class EnrollmentAdmin(admin.ModelAdmin):
    list_display = [
        "email",
        "name",
        "round",
        "role",
        "is_lead",
        "status",
        "experience",
        "has_availability",
        "applied_at",
    ]
    list_filter = ["round", "role", "is_lead", "status"]
    list_select_related = ["user", "round__course"]
    search_fields = ["user__email", "user__display_name"]
    raw_id_fields = ["user"]
    readonly_fields = ["applied_at", "status_changed_at", "availability_updated_at"]
    fields = [
        ("round", "user"),
        ("role", "is_lead", "status"),
        "motivation",
        "experience",
        "max_cohorts",
        ("availability_time_zone", "availability_updated_at"),
        ("applied_at", "status_changed_at"),
    ]
    inlines = [ApplicationAnswerInline]
    actions = ["accept", "decline"]

    @admin.display(description="Email", ordering="user__email")
    def email(self, enrollment):
        return enrollment.user.email

    @admin.display(description="Name", ordering="user__display_name")
    def name(self, enrollment):
        return enrollment.user.display_name

    @admin.display(description="Availability given", boolean=True)
    def has_availability(self, enrollment):
        return enrollment.availability_updated_at is not None

    def _report(self, request, verb: str, change):
        level = messages.SUCCESS if change.changed else messages.WARNING
        text = f"{verb} {change.changed} application{'s' if change.changed != 1 else ''}."
        if change.skipped:
            text += (
                f" Skipped {change.skipped} that {'was' if change.skipped == 1 else 'were'} "
                "not waiting for a decision."
            )
        self.message_user(request, text, level)

    @admin.action(description="Accept selected applications")
    def accept(self, request, queryset):
        self._report(request, "Accepted", enrollments_accept(enrollments=queryset))

    @admin.action(description="Decline selected applications")
    def decline(self, request, queryset):
        self._report(request, "Declined", enrollments_decline(enrollments=queryset))
