"""Reminders the platform sends on its own, kept as rows with a due time.

The schedule lives here rather than in the broker: a reminder is a row with
`due_at`, claimed by a dispatcher with SELECT ... FOR UPDATE SKIP LOCKED and
marked sent row by row, so ticks that overlap, retried tasks and killed
workers cannot send one twice, and a claim that was never confirmed is taken
up again after a timeout so none is lost.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from apps.reminders import registry
from apps.rounds.models import Round


class Reminder(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        SKIPPED = "skipped", "Skipped"
        FAILED = "failed", "Failed"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders"
    )
    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, null=True, blank=True, related_name="reminders"
    )
    kind = models.CharField(max_length=30, choices=registry.choices)
    occasion = models.CharField(
        max_length=100, help_text="What this reminder is about, e.g. “meeting:42”."
    )
    due_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    deferred_count = models.PositiveSmallIntegerField(
        default=0, help_text="Times it was held back for the recipient's quiet hours."
    )
    skip_reason = models.CharField(max_length=200, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-due_at"]
        constraints = [
            # At most one reminder per person, purpose and occasion, ever.
            models.UniqueConstraint(
                fields=["user", "kind", "occasion"], name="reminder_once_per_occasion"
            ),
            models.CheckConstraint(
                condition=Q(status="sent", sent_at__isnull=False) | ~Q(status="sent"),
                name="reminder_sent_has_a_time",
            ),
        ]
        indexes = [
            models.Index(
                fields=["due_at"],
                name="reminder_pending_due",
                condition=Q(status__in=["pending", "sending"]),
            ),
            models.Index(fields=["round", "status"]),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.user} ({self.occasion})"


class ReminderSetting(models.Model):
    """A round's choice for one kind of reminder: on or off, and how long before."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="reminder_settings")
    kind = models.CharField(max_length=30, choices=registry.choices)
    is_enabled = models.BooleanField("on", default=True)
    hours = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Hours before (or, for late work and attendance, after) the event. "
        "Empty: the platform's default.",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "kind"], name="reminder_setting_once"),
        ]

    def __str__(self):
        return f"{self.round}: {self.get_kind_display()}"


class RoundReminderPause(models.Model):
    """While a round is paused, none of its reminders are sent; they wait."""

    round = models.OneToOneField(Round, on_delete=models.CASCADE, related_name="reminder_pause")
    paused_at = models.DateTimeField(auto_now_add=True)
    paused_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    def __str__(self):
        return f"Reminders paused for {self.round}"


class Preference(models.Model):
    """A person's choice about one kind of reminder (no row: they get it)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_preferences"
    )
    kind = models.CharField(max_length=30, choices=registry.choices)
    email = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="preference_once_per_kind"),
        ]

    def __str__(self):
        return f"{self.user}: {self.kind} {'on' if self.email else 'off'}"


class Notification(models.Model):
    """The in-app copy of what the platform told a person."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    reminder = models.OneToOneField(
        Reminder, on_delete=models.SET_NULL, null=True, blank=True, related_name="notification"
    )
    title = models.CharField(max_length=200)
    body = models.TextField()
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self):
        return self.title
