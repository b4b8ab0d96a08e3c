"""A participant's answers to an exercise, their revisions, and facilitators' grades."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from apps.courses.models import Criterion, Exercise, Level, Prompt
from apps.rounds.models import Enrollment

# An answer longer than this is refused with a message rather than stored:
# about 15,000 words, far beyond any plan and well within a request.
MAX_ANSWER_CHARACTERS = 100_000


class SubmissionQuerySet(models.QuerySet):
    def handed_in(self):
        return self.filter(status__in=Submission.HANDED_IN)


class Submission(models.Model):
    """One participant's work on one exercise in one round.

    `answers` holds the current text, keyed by prompt slug: a string for a
    text prompt, a list of strings for a list prompt, and a list of
    {"title", "date"} for milestones. `version` goes up on every save, so a
    save made from an out-of-date page is detected instead of overwriting.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        RETURNED = "returned", "Returned for revision"
        ACCEPTED = "accepted", "Accepted"

    # Handed in and not sent back: the work counts as done, and the answers are read-only.
    HANDED_IN = frozenset({Status.SUBMITTED, Status.ACCEPTED})

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="submissions")
    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="submissions")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    answers = models.JSONField(default=dict, blank=True)
    version = models.PositiveIntegerField(default=1)
    first_submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    is_late = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "exercise"], name="submission_once_per_exercise"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(submitted_at__isnull=False),
                name="submission_submitted_has_a_time",
            ),
        ]
        indexes = [models.Index(fields=["status", "submitted_at"])]

    def __str__(self):
        return f"{self.enrollment.user} – {self.exercise}"

    @property
    def is_handed_in(self) -> bool:
        return self.status in self.HANDED_IN


class Revision(models.Model):
    """The answers exactly as they were each time the participant submitted."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    answers = models.JSONField()
    is_late = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["submission", "number"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "number"], name="revision_number_once"),
        ]

    def __str__(self):
        return f"Revision {self.number} of {self.submission}"


class Milestone(models.Model):
    """A project plan milestone, kept as a row so check-ins can find it by date."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="milestones")
    prompt = models.ForeignKey(Prompt, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField()
    title = models.CharField(max_length=300)
    target_date = models.DateField()

    class Meta:
        ordering = ["submission", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "prompt", "position"], name="milestone_position_once"
            ),
        ]

    def __str__(self):
        return f"{self.title} by {self.target_date}"


class Feedback(models.Model):
    """A facilitator's decision on a submitted revision, with rubric levels and a comment."""

    class Decision(models.TextChoices):
        ACCEPTED = "accepted", "Accepted"
        RETURNED = "returned", "Returned for revision"

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="feedback")
    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="feedback")
    grader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decision = models.CharField(max_length=10, choices=Decision.choices)
    comment = models.TextField(blank=True, help_text="Markdown.")
    points = models.PositiveIntegerField(null=True, blank=True)
    max_points = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["submission", "created_at"]

    def __str__(self):
        return f"{self.get_decision_display()}: {self.submission}"


class CriterionScore(models.Model):
    """The level a grader chose for one rubric criterion."""

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    level = models.ForeignKey(Level, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["feedback", "criterion"], name="score_once_per_criterion"
            ),
        ]

    def __str__(self):
        return str(self.level)
