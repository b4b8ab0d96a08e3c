"""Runs of the grouping solver that turn a round's applicants into draft cohorts."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from apps.rounds.models import Round


class GroupingRun(models.Model):
    """One run of the grouping solver over a round, watched from the review page."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="grouping_runs")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    only_unplaced = models.BooleanField(
        default=False, help_text="Keep existing draft cohorts and place only the rest."
    )
    progress = models.PositiveSmallIntegerField(default=0)
    message = models.CharField(max_length=300, blank=True)
    unplaced = models.JSONField(default=list, blank=True, help_text="[{id, reason}] per person.")
    stats = models.JSONField(default=dict, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="grouping_progress_percent"
            ),
        ]

    def __str__(self):
        return f"Grouping of {self.round} ({self.get_status_display()})"
