"""Choosing a round's participants: reviewers score applications, organisers decide, and the
waiting list fills places that free up before the round starts."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from apps.courses.models import Criterion, Level, Rubric
from apps.rounds.models import Enrollment, Round


class AdmissionSettings(models.Model):
    """How one round's applications are reviewed and its waiting list moves."""

    round = models.OneToOneField(Round, on_delete=models.CASCADE, related_name="admissions")
    rubric = models.ForeignKey(
        Rubric,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The rubric reviewers score applications against (one of the course's).",
    )
    reviewers_per_application = models.PositiveSmallIntegerField(
        default=2, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    disagreement_threshold = models.PositiveSmallIntegerField(
        default=3,
        help_text="Flag an application when its highest and lowest scores differ by more "
        "than this many points.",
    )
    offer_hours = models.PositiveSmallIntegerField(
        "hours to confirm an offer",
        default=72,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 14)],
        help_text="How long someone offered a place from the waiting list has to confirm it.",
    )

    class Meta:
        verbose_name = "admission settings"
        verbose_name_plural = "admission settings"
        constraints = [
            models.CheckConstraint(
                condition=Q(reviewers_per_application__gte=1, reviewers_per_application__lte=5),
                name="admissions_reviewers_per_application_sensible",
            ),
            models.CheckConstraint(
                condition=Q(offer_hours__gte=1), name="admissions_offer_hours_positive"
            ),
        ]

    def __str__(self):
        return f"Admissions of {self.round}"


def open_reviews(path: str = "") -> Q:
    """Reviews still to give (``path`` leads from the query's model to the review): not yet
    submitted, of an application still waiting for a decision, since a decided one can no
    longer be scored. ``Review.is_open`` is the same rule for one review in hand."""
    return Q(
        **{
            f"{path}submitted_at__isnull": True,
            f"{path}enrollment__status": Enrollment.Status.APPLIED,
        }
    )


class Review(models.Model):
    """One reviewer's scoring of one application, assigned by the platform."""

    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.CASCADE, related_name="admission_reviews"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="admission_reviews"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # The sum of the chosen levels' points, kept so the ranked list aggregates in the database.
    points = models.PositiveIntegerField(null=True, blank=True)
    comment = models.TextField(blank=True, help_text="For the other reviewers and organisers.")

    class Meta:
        ordering = ["enrollment", "assigned_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "reviewer"], name="admission_review_once_per_reviewer"
            ),
            models.CheckConstraint(
                condition=Q(submitted_at__isnull=True) | Q(points__isnull=False),
                name="admission_review_submitted_has_points",
            ),
        ]

    def __str__(self):
        return f"{self.reviewer} on {self.enrollment}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None

    @property
    def is_open(self) -> bool:
        """Still to give; see open_reviews."""
        return not self.is_submitted and self.enrollment.status == Enrollment.Status.APPLIED


class Score(models.Model):
    """The level a reviewer chose for one criterion of the rubric."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="+")
    level = models.ForeignKey(Level, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["review", "criterion"], name="admission_score_once_per_criterion"
            ),
        ]

    def __str__(self):
        return f"{self.criterion}: {self.level}"


class Decision(models.Model):
    """An organiser's decision on an application; each one is told to the applicant once."""

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", "Accepted"
        WAITLISTED = "waitlisted", "Waiting list"
        DECLINED = "declined", "Declined"

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="decisions")
    outcome = models.CharField(max_length=12, choices=Outcome.choices)
    waitlist_position = models.PositiveIntegerField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome="waitlisted", waitlist_position__isnull=False)
                | (~Q(outcome="waitlisted") & Q(waitlist_position__isnull=True)),
                name="admission_decision_position_only_on_waitlist",
            ),
        ]

    def __str__(self):
        return f"{self.enrollment}: {self.get_outcome_display()}"


class Vacancy(models.Model):
    """A place freed before the round starts by someone accepted who then left."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="vacancies")
    freed_by = models.OneToOneField(
        Enrollment, on_delete=models.CASCADE, related_name="vacancy_left"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    filled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "vacancies"
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"Place freed by {self.freed_by.user} in {self.round}"


class Offer(models.Model):
    """A place offered to the next person on the waiting list, to confirm by a deadline."""

    class Status(models.TextChoices):
        OPEN = "open", "Waiting for an answer"
        CONFIRMED = "confirmed", "Confirmed"
        DECLINED = "declined", "Declined"
        LAPSED = "lapsed", "Not confirmed in time"

    vacancy = models.ForeignKey(Vacancy, on_delete=models.CASCADE, related_name="offers")
    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="offers")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    offered_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-offered_at", "-pk"]
        constraints = [
            # A place is offered to one person at a time.
            models.UniqueConstraint(
                fields=["vacancy"], condition=Q(status="open"), name="admission_offer_one_open"
            ),
            models.UniqueConstraint(
                fields=["vacancy", "enrollment"], name="admission_offer_once_per_person"
            ),
        ]
        indexes = [models.Index(fields=["status", "expires_at"])]

    def __str__(self):
        return f"Offer to {self.enrollment.user} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN
