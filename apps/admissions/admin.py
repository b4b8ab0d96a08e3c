"""Admissions in the admin: each round's settings, the reviews, decisions and offers, and
the enrollment list's accept and decline made into decisions."""

from django.contrib import admin

from apps.admissions.models import AdmissionSettings, Decision, Offer, Review, Score, Vacancy
from apps.admissions.services import Decided, decisions_make
from apps.rounds import admin as rounds_admin
from apps.rounds.models import Enrollment, Round
from apps.rounds.services import enrollments_accept, enrollments_decline


@admin.register(AdmissionSettings)
class AdmissionSettingsAdmin(admin.ModelAdmin):
    list_display = [
        "round",
        "rubric",
        "reviewers_per_application",
        "disagreement_threshold",
        "offer_hours",
    ]
    list_select_related = ["round__course", "rubric"]
    raw_id_fields = ["round"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "rubric":
            kwargs["queryset"] = db_field.related_model.objects.select_related("course")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ScoreInline(admin.TabularInline):
    model = Score
    fields = ["criterion", "level"]
    readonly_fields = ["criterion", "level"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["enrollment", "reviewer", "points", "assigned_at", "submitted_at"]
    list_filter = ["enrollment__round"]
    list_select_related = ["enrollment__user", "enrollment__round__course", "reviewer"]
    search_fields = ["enrollment__user__email", "reviewer__email"]
    raw_id_fields = ["enrollment", "reviewer"]
    readonly_fields = ["assigned_at", "submitted_at", "points"]
    inlines = [ScoreInline]


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = ["enrollment", "outcome", "waitlist_position", "decided_by", "decided_at"]
    list_filter = ["outcome", "enrollment__round"]
    list_select_related = ["enrollment__user", "enrollment__round__course", "decided_by"]
    search_fields = ["enrollment__user__email"]
    raw_id_fields = ["enrollment", "decided_by"]
    readonly_fields = ["decided_at"]


@admin.register(Vacancy)
class VacancyAdmin(admin.ModelAdmin):
    list_display = ["freed_by", "round", "created_at", "filled_at"]
    list_filter = ["round"]
    list_select_related = ["freed_by__user", "freed_by__round__course", "round__course"]
    raw_id_fields = ["freed_by", "round"]
    readonly_fields = ["created_at"]


@admin.register(Offer)
class OfferAdmin(admin.ModelAdmin):
    list_display = ["enrollment", "status", "offered_at", "expires_at", "answered_at"]
    list_filter = ["status", "enrollment__round"]
    list_select_related = ["enrollment__user", "enrollment__round__course"]
    search_fields = ["enrollment__user__email"]
    raw_id_fields = ["vacancy", "enrollment"]
    readonly_fields = ["offered_at", "answered_at"]


class EnrollmentAdmin(rounds_admin.EnrollmentAdmin):
    """The rounds app's enrollment list, whose "Accept" and "Decline" are admissions' decisions.

    So an application accepted or declined here is recorded and emailed exactly as from
    the round's ranked list. Facilitators' places are not applications to admissions and
    keep the rounds app's plain change of status.
    """

    def _decide(self, request, queryset, outcome: str, plain_change):
        participants = queryset.participants()
        changed = skipped = 0
        rounds = Round.objects.filter(pk__in=participants.values("round"))
        for round in rounds:
            ids = list(participants.filter(round=round).values_list("pk", flat=True))
            decided = decisions_make(
                round=round, enrollment_ids=ids, outcome=outcome, by=request.user
            )
            changed, skipped = changed + decided.changed, skipped + decided.skipped
        plain = plain_change(enrollments=queryset.facilitators())
        return Decided(changed=changed + plain.changed, skipped=skipped + plain.skipped)

    @admin.action(description="Accept selected applications (each person is emailed)")
    def accept(self, request, queryset):
        change = self._decide(request, queryset, Decision.Outcome.ACCEPTED, enrollments_accept)
        self._report(request, "Accepted", change)

    @admin.action(description="Decline selected applications (each person is emailed)")
    def decline(self, request, queryset):
        change = self._decide(request, queryset, Decision.Outcome.DECLINED, enrollments_decline)
        self._report(request, "Declined", change)


admin.site.unregister(Enrollment)
admin.site.register(Enrollment, EnrollmentAdmin)
