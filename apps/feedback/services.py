"""Saving feedback: participants' ratings of sessions and resources, facilitators' notes."""

from datetime import datetime

from django.utils import timezone
from django.utils.formats import date_format

from apps.cohorts.models import Meeting
from apps.courses.models import Resource, Unit
from apps.feedback.models import MeetingNote, ResourceRating, SessionRating
from apps.feedback.selectors import is_open_for_rating, rating_opens_at
from apps.rounds.models import Enrollment

MAX_COMMENT_CHARACTERS = 5_000
MAX_NOTE_CHARACTERS = 2_000
MAX_MEETING_NOTE_CHARACTERS = 20_000


class FeedbackError(Exception):
    """Feedback that cannot be saved, with a message for the person giving it."""


def _check_length(text: str, limit: int, what: str) -> str:
    text = text.strip()
    if len(text) > limit:
        raise FeedbackError(f"Keep the {what} to {limit:,} characters; this one has {len(text):,}.")
    return text


def _check_rater(enrollment: Enrollment, course_id: int) -> None:
    if enrollment.is_facilitator or not enrollment.is_taking_part:
        raise FeedbackError("Only participants taking part in the round give feedback on it.")
    if enrollment.round.course_id != course_id:
        raise FeedbackError("This is not part of your round's course.")


def session_rating_save(
    *, enrollment: Enrollment, unit: Unit, rating: int, comment: str, now: datetime | None = None
) -> SessionRating:
    """Rate a session of the person's round, or change their rating of it.

    `enrollment` comes as selectors.places_in_course annotates it for `unit`,
    which says when the session opens for rating.
    """
    _check_rater(enrollment, unit.course_id)
    if not 1 <= rating <= 5:
        raise FeedbackError("Rate the session from 1 (poor) to 5 (excellent).")
    if not is_open_for_rating(enrollment, now or timezone.now()):
        opens_at = rating_opens_at(enrollment)
        when = f" on {date_format(timezone.localtime(opens_at), 'l j F')}" if opens_at else ""
        raise FeedbackError(
            f"You can rate this session once your cohort has met to discuss it{when}."
        )
    saved, _ = SessionRating.objects.update_or_create(
        enrollment=enrollment,
        unit=unit,
        defaults={
            "rating": rating,
            "comment": _check_length(comment, MAX_COMMENT_CHARACTERS, "comment"),
        },
    )
    return saved


def resource_rating_save(
    *, enrollment: Enrollment, resource: Resource, worth_it: bool, note: str
) -> ResourceRating:
    """Say whether a resource was worth the time, or change one's answer."""
    _check_rater(enrollment, resource.unit.course_id)
    saved, _ = ResourceRating.objects.update_or_create(
        enrollment=enrollment,
        resource=resource,
        defaults={
            "worth_it": worth_it,
            "note": _check_length(note, MAX_NOTE_CHARACTERS, "note"),
        },
    )
    return saved


def meeting_note_save(*, meeting: Meeting, author: Enrollment, text: str) -> MeetingNote | None:
    """Write, change or (with empty text) remove a facilitator's notes on a meeting."""
    if not (
        author.is_facilitator
        and not author.is_gone
        and meeting.cohort.facilitators.filter(pk=author.pk).exists()
    ):
        raise FeedbackError("Only the cohort's facilitators write notes on its meetings.")
    text = _check_length(text, MAX_MEETING_NOTE_CHARACTERS, "notes")
    if not text:
        MeetingNote.objects.filter(meeting=meeting, author=author).delete()
        return None
    note, _ = MeetingNote.objects.update_or_create(
        meeting=meeting, author=author, defaults={"text": text}
    )
    return note
