"""What completing a round takes, and the certificates that prove it."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from apps.rounds.models import Enrollment, Round


class CompletionRule(models.Model):
    """What a participant must do in a round to complete it."""

    round = models.OneToOneField(Round, on_delete=models.CASCADE, related_name="completion_rule")
    min_meetings_attended = models.PositiveSmallIntegerField(
        default=0, help_text="Meetings marked present (excused ones count as attended)."
    )
    require_all_exercises = models.BooleanField(
        default=True, help_text="Every exercise of the course submitted (or accepted)."
    )
    require_project_plan_accepted = models.BooleanField(
        default=True, help_text="A facilitator has accepted the project plan."
    )

    def __str__(self):
        return f"Completion rule for {self.round}"


def new_certificate_code() -> str:
    return secrets.token_urlsafe(18)


class Certificate(models.Model):
    enrollment = models.OneToOneField(
        Enrollment, on_delete=models.CASCADE, related_name="certificate"
    )
    code = models.CharField(max_length=40, unique=True, default=new_certificate_code)
    issued_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoke_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | ~Q(revoke_reason=""),
                name="certificate_revocation_has_a_reason",
            ),
        ]

    def __str__(self):
        return f"Certificate for {self.enrollment}"

    def get_absolute_url(self):
        return reverse("certificates:verify", args=[self.code])

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None
