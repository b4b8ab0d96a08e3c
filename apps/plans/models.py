"""Check-ins on project plan milestones, shared with the cohort during the sprint."""

from django.conf import settings
from django.db import models

from apps.submissions.models import Milestone


class MilestoneCheckin(models.Model):
    class Outcome(models.TextChoices):
        DONE = "done", "Done"
        PARTLY = "partly", "Partly done"
        NOT_YET = "not_yet", "Not yet"

    milestone = models.OneToOneField(Milestone, on_delete=models.CASCADE, related_name="checkin")
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    note = models.TextField(blank=True, help_text="Markdown: how it went, what is next.")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.milestone}: {self.get_outcome_display()}"
