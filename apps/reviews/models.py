"""Peer review: who reviews whose plan, the reviews themselves, and how helpful they were.

Who reviews whom is decided by the pure algorithm in `allocation/`; these rows
store its decisions and everything people do with them.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from apps.courses.models import Exercise, Rubric
from apps.rounds.models import Enrollment
from apps.submissions.models import Submission


class PeerReviewSettings(models.Model):
    """How an exercise is peer reviewed, for every round of its course."""

    class Pool(models.TextChoices):
        COHORT = "cohort", "Within the cohort (borrowing from other cohorts only if too small)"
        ROUND = "round", "Across the whole round"

    class Release(models.TextChoices):
        AFTER_OWN_REVIEWS = "after_own", "When the author has done their own reviews"
        AT_DUE_DATE = "at_due", "At the review due date"

    exercise = models.OneToOneField(Exercise, on_delete=models.CASCADE, related_name="peer_review")
    is_enabled = models.BooleanField("peer review on", default=True)
    reviews_per_submission = models.PositiveSmallIntegerField(
        default=2, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    pool = models.CharField(max_length=10, choices=Pool.choices, default=Pool.COHORT)
    is_anonymous = models.BooleanField(
        "anonymous to authors", default=True, help_text="Facilitators always see names."
    )
    rubric = models.ForeignKey(
        Rubric,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty: reviewers use the exercise's own rubric, if it has one.",
    )
    comment_prompts = models.TextField(
        blank=True, help_text="One question per line for reviewers to answer in words."
    )
    due_hours_after_deadline = models.PositiveIntegerField(
        default=72, help_text="Reviews are due this long after the exercise's due date."
    )
    grace_hours = models.PositiveIntegerField(
        default=24, help_text="After this grace, unfinished reviews are given to someone else."
    )
    release = models.CharField(
        max_length=10, choices=Release.choices, default=Release.AFTER_OWN_REVIEWS
    )
    disagreement_threshold = models.PositiveIntegerField(
        "flag reviews that differ by more than (points)",
        null=True,
        blank=True,
        help_text="When the rubric totals that peers gave one submission are more than this many "
        "points apart, the submission is flagged to its author's facilitator, who can add a "
        "review of their own. Empty: never flagged. Needs a rubric.",
    )

    class Meta:
        verbose_name_plural = "peer review settings"
        constraints = [
            models.CheckConstraint(
                condition=Q(reviews_per_submission__gte=1, reviews_per_submission__lte=5),
                name="peer_review_k_sensible",
            ),
        ]

    def __str__(self):
        return f"Peer review of {self.exercise}"

    @property
    def review_rubric(self) -> Rubric | None:
        return self.rubric or self.exercise.rubric

    @property
    def questions(self) -> list[str]:
        return [line.strip() for line in self.comment_prompts.splitlines() if line.strip()]

    def reviews_due_after(self, deadline: datetime) -> datetime:
        """When reviews of work due at `deadline` are due."""
        return deadline + timedelta(hours=self.due_hours_after_deadline)


class ReviewAssignment(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        STARTED = "started", "Started"
        DONE = "done", "Done"
        ABANDONED = "abandoned", "Given to someone else"
        HIDDEN = "hidden", "Hidden by a facilitator"

    # Still owed by the reviewer.
    OUTSTANDING = frozenset({Status.NOT_STARTED, Status.STARTED})
    # Written, whether or not a facilitator hid it afterwards.
    FINISHED = frozenset({Status.DONE, Status.HIDDEN})
    # Counting towards the reviews a submission is owed: everything but given away or hidden.
    COVERING = frozenset({Status.NOT_STARTED, Status.STARTED, Status.DONE})

    reviewer = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="reviews_to_do")
    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="review_assignments"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    is_cross_cohort = models.BooleanField(default=False)
    due_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at", "pk"]
        constraints = [
            # Never the same live review twice; an abandoned one may be given back later.
            models.UniqueConstraint(
                fields=["reviewer", "submission"],
                condition=~Q(status="abandoned"),
                name="review_assignment_once",
            ),
            models.CheckConstraint(
                condition=Q(status="done", completed_at__isnull=False) | ~Q(status="done"),
                name="review_done_has_a_time",
            ),
        ]
        indexes = [models.Index(fields=["submission", "status"])]

    def __str__(self):
        return f"{self.reviewer.user} reviews {self.submission}"

    @property
    def is_outstanding(self) -> bool:
        return self.status in self.OUTSTANDING


class Review(models.Model):
    """What a reviewer wrote: rubric levels and answers to the comment questions."""

    assignment = models.OneToOneField(
        ReviewAssignment, on_delete=models.CASCADE, related_name="review"
    )
    levels = models.JSONField(default=dict, blank=True, help_text="{criterion id: level id}")
    comments = models.JSONField(default=list, blank=True, help_text="One answer per question.")
    version = models.PositiveIntegerField(default=1)
    submitted_at = models.DateTimeField(null=True, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    hidden_reason = models.CharField(max_length=300, blank=True)
    helpfulness = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    helpfulness_note = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(helpfulness__isnull=True) | Q(helpfulness__gte=1, helpfulness__lte=5),
                name="review_helpfulness_one_to_five",
            ),
        ]

    def __str__(self):
        return f"Review by {self.assignment.reviewer.user}"
