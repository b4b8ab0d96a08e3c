from django.contrib import admin, messages

from apps.reminders.models import Notification, Reminder, ReminderSetting, RoundReminderPause
from apps.reminders.services import reminder_resend, round_reminders_pause, round_reminders_resume


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    """The reminders log: what was sent, deferred, skipped and why, or failed and how."""

    list_display = [
        "due_at",
        "kind",
        "user",
        "round",
        "status",
        "sent_at",
        "deferred_count",
        "skip_reason",
        "short_error",
    ]
    list_filter = ["round", "kind", "status"]
    search_fields = ["user__email", "occasion"]
    date_hierarchy = "due_at"
    list_select_related = ["user", "round__course"]
    readonly_fields = [f.name for f in Reminder._meta.fields]
    actions = ["resend"]

    def has_add_permission(self, request):
        return False

    @admin.display(description="Error")
    def short_error(self, reminder):
        return reminder.last_error[:80]

    @admin.action(description="Send selected failed or skipped reminders again")
    def resend(self, request, queryset):
        count = 0
        for reminder in queryset.filter(
            status__in=[Reminder.Status.FAILED, Reminder.Status.SKIPPED]
        ):
            reminder_resend(reminder=reminder)
            count += 1
        self.message_user(
            request, f"{count} reminders will be sent within a minute.", messages.SUCCESS
        )


@admin.register(ReminderSetting)
class ReminderSettingAdmin(admin.ModelAdmin):
    list_display = ["round", "kind", "is_enabled", "hours"]
    list_filter = ["round", "kind"]
    list_editable = ["is_enabled", "hours"]


@admin.register(RoundReminderPause)
class RoundReminderPauseAdmin(admin.ModelAdmin):
    """Pausing a round's reminders: add a pause to hold them, delete it to let them go out."""

    list_display = ["round", "paused_at", "paused_by"]
    fields = ["round"]

    def has_change_permission(self, request, obj=None):
        return False  # a pause is only ever added or deleted

    def save_model(self, request, obj, form, change):
        obj.pk = round_reminders_pause(round=obj.round, by=request.user).pk

    def delete_model(self, request, obj):
        round_reminders_resume(round=obj.round)

    def delete_queryset(self, request, queryset):
        for pause in queryset.select_related("round"):
            round_reminders_resume(round=pause.round)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "user", "title", "read_at"]
    search_fields = ["user__email", "title"]
    list_select_related = ["user"]
