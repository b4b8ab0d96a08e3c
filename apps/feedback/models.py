"""What participants think of a round's sessions and readings, and facilitators' meeting notes.

Ratings are stored plainly, one row per person and thing rated, so a round's
figures are simple aggregates (see selectors: unit_rating_summaries and
resource_rating_summaries). A rating belongs to an enrollment, which names both
the person and the round, so the same course run twice keeps its rounds apart.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from apps.cohorts.models import Meeting
from apps.courses.models import Resource, Unit
from apps.rounds.models import Enrollment


class SessionRating(models.Model):
    """A participant's rating of one session of their round, 1 to 5, with an optional comment."""

    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.CASCADE, related_name="session_ratings"
    )
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="ratings")
    rating = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enrollment", "unit"], name="session_rated_once"),
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="session_rating_one_to_five"
            ),
        ]

    def __str__(self):
        return f"{self.rating}/5 for {self.unit} ({self.enrollment})"


class ResourceRating(models.Model):
    """Whether a participant found one resource worth their time, with an optional note.

    Yes or no rather than a scale: it is the question a course author acts on
    (keep it, or replace it), and one click to answer.
    """

    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.CASCADE, related_name="resource_ratings"
    )
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="ratings")
    worth_it = models.BooleanField("worth the time")
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enrollment", "resource"], name="resource_rated_once"),
        ]

    def __str__(self):
        return f"{self.resource}: {'worth it' if self.worth_it else 'not worth it'}"


class MeetingNote(models.Model):
    """One facilitator's notes on one meeting of their cohort, kept for the people running it."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="meeting_notes")
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "author"], name="meeting_note_per_author"),
        ]

    def __str__(self):
        return f"Notes on {self.meeting} by {self.author.user}"
