"""Runs of the grouping solver, and the settings and preferences it reads."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from apps.rounds.cyclic_week import MINUTES_PER_WEEK
from apps.rounds.models import Enrollment, Round


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
    fill_published = models.BooleanField(
        default=False,
        help_text="Place accepted people outside the published cohorts into those with room, "
        "forming no new cohorts.",
    )
    progress = models.PositiveSmallIntegerField(default=0)
    message = models.CharField(max_length=300, blank=True)
    placed = models.PositiveIntegerField(
        null=True, blank=True, help_text="The most participants placed so far."
    )
    bound = models.PositiveIntegerField(
        null=True, blank=True, help_text="No grouping can place more participants (proved)."
    )
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


class GroupingSettings(models.Model):
    """How a round is grouped beyond its cohort sizes; without a row, strict rules only.

    The soft tier is for the people strict grouping leaves out: a cohort may take up to
    ``soft_members_per_cohort`` of them who miss at most ``soft_missed_minutes`` of its
    meeting, and with ``assume_evenings`` people who gave no times, only a time zone, count
    as free on weekday evenings (18:00–21:00) there. Strict members are never moved for them.
    """

    round = models.OneToOneField(Round, on_delete=models.CASCADE, related_name="grouping_settings")
    soft_tier = models.BooleanField(
        "use the soft tier",
        default=False,
        help_text="When strict grouping leaves people out, let cohorts take a few who miss "
        "a little of the meeting.",
    )
    soft_members_per_cohort = models.PositiveSmallIntegerField(
        "soft members per cohort",
        default=1,
        help_text="The most people in one cohort who cannot attend all of its meeting.",
    )
    soft_missed_minutes = models.PositiveSmallIntegerField(
        "minutes a soft member may miss",
        default=15,
        help_text="The most minutes of the meeting outside the times a soft member gave.",
    )
    assume_evenings = models.BooleanField(
        "assume weekday evenings for people who gave only a time zone",
        default=False,
        help_text="They count as free Monday to Friday, 18:00–21:00 in their own zone, and "
        "are placed as soft members.",
    )

    class Meta:
        verbose_name = "grouping settings"
        verbose_name_plural = "grouping settings"
        constraints = [
            models.CheckConstraint(
                condition=Q(soft_members_per_cohort__gte=1), name="grouping_soft_members_positive"
            ),
        ]

    def __str__(self):
        return f"Grouping settings of {self.round}"


class GroupingPreference(models.Model):
    """One person's grouping details in a round: a priority label, or a facilitator's wishes.

    Anyone with a ``priority`` label (returning, scholarship, any label an admin picks) is
    placed before everyone without one when not everyone can be. A facilitator's
    ``preferred_times`` (UTC week intervals, as availability is stored) and
    ``preferred_size`` are goals grouping meets where that costs nobody a place.
    """

    enrollment = models.OneToOneField(
        Enrollment, on_delete=models.CASCADE, related_name="grouping_preference"
    )
    priority = models.CharField(
        "priority label",
        max_length=60,
        blank=True,
        help_text="e.g. “returning” or “scholarship”. Leave empty for no priority.",
    )
    preferred_size = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Facilitators: the cohort size they would like, within the round's sizes.",
    )
    preferred_times = models.JSONField(
        default=list,
        blank=True,
        help_text="Facilitators: [start, end] minutes of the UTC week they would rather meet in.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Grouping preferences of {self.enrollment}"

    def clean(self):
        """Check hand-entered wishes (the admin's JSON) before grouping trips over them."""
        for pair in self.preferred_times if isinstance(self.preferred_times, list) else [None]:
            if not (
                isinstance(pair, list)
                and len(pair) == 2
                and all(isinstance(x, int) and not isinstance(x, bool) for x in pair)
                and 0 <= pair[0] < pair[1] <= pair[0] + MINUTES_PER_WEEK
                and pair[0] < MINUTES_PER_WEEK
            ):
                raise ValidationError(
                    {
                        "preferred_times": "Give a list of [start, end] pairs of minutes since "
                        f"Monday 00:00 UTC, each start below {MINUTES_PER_WEEK} and before "
                        "its end."
                    }
                )
        round = self.enrollment.round if self.enrollment_id else None
        size = self.preferred_size
        if (
            round
            and size is not None
            and not round.cohort_min_size <= size <= round.cohort_max_size
        ):
            raise ValidationError(
                {
                    "preferred_size": f"Choose a size from {round.cohort_min_size} to "
                    f"{round.cohort_max_size}, the round's bounds."
                }
            )
