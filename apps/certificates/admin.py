from django.contrib import admin, messages

from apps.certificates.models import Certificate, CompletionRule
from apps.certificates.services import certificate_reinstate


@admin.register(CompletionRule)
class CompletionRuleAdmin(admin.ModelAdmin):
    list_display = [
        "round",
        "min_meetings_attended",
        "require_all_exercises",
        "require_project_plan_accepted",
    ]


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ["enrollment", "issued_at", "revoked_at", "revoke_reason"]
    list_filter = ["enrollment__round", "revoked_at"]
    search_fields = ["enrollment__user__email", "code"]
    readonly_fields = ["enrollment", "code", "issued_at", "revoked_at", "revoked_by"]
    fields = readonly_fields + ["revoke_reason"]
    actions = ["reinstate"]

    @admin.action(description="Reinstate selected certificates")
    def reinstate(self, request, queryset):
        for certificate in queryset:
            certificate_reinstate(certificate=certificate)
        self.message_user(request, f"Reinstated {queryset.count()} certificates.", messages.SUCCESS)
