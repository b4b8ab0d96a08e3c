"""Forms for rating a session and a resource, and for a facilitator's meeting notes."""

from django import forms

from apps.feedback.services import (
    MAX_COMMENT_CHARACTERS,
    MAX_MEETING_NOTE_CHARACTERS,
    MAX_NOTE_CHARACTERS,
)

RATING_CHOICES = [
    (5, "5 – Excellent"),
    (4, "4 – Good"),
    (3, "3 – All right"),
    (2, "2 – Not great"),
    (1, "1 – Poor"),
]
WORTH_IT_CHOICES = [(True, "Yes"), (False, "No")]


def _length_message(limit: int, what: str) -> str:
    return f"Keep the {what} to {limit:,} characters; this one has %(show_value)s."


class SessionRatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label="How was this session?",
        choices=RATING_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose a rating from 1 (poor) to 5 (excellent).",
            "invalid_choice": "Choose a rating from 1 (poor) to 5 (excellent).",
        },
    )
    comment = forms.CharField(
        label="Comment (optional)",
        required=False,
        max_length=MAX_COMMENT_CHARACTERS,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What worked, what did not. Only your cohort's facilitators and the people "
        "running the course read it.",
        error_messages={"max_length": _length_message(MAX_COMMENT_CHARACTERS, "comment")},
    )

    @staticmethod
    def initial_for(place) -> dict:
        """The person's rating so far, from a place annotated by selectors.places_in_course."""
        if place is None or place.rated is None:
            return {}
        return {"rating": place.rated, "comment": place.rated_comment}


class ResourceRatingForm(forms.Form):
    worth_it = forms.TypedChoiceField(
        label="Was this worth your time?",
        choices=WORTH_IT_CHOICES,
        coerce=lambda value: value == "True",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Answer yes or no.",
            "invalid_choice": "Answer yes or no.",
        },
    )
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=MAX_NOTE_CHARACTERS,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Only your cohort's facilitators and the people running the course read it.",
        error_messages={"max_length": _length_message(MAX_NOTE_CHARACTERS, "note")},
    )

    @staticmethod
    def prefix_for(resource_pk: int) -> str:
        """Each resource's form has its own field names, as many share the session page."""
        return f"resource-{resource_pk}"

    @staticmethod
    def initial_for(rating) -> dict:
        return {} if rating is None else {"worth_it": rating.worth_it, "note": rating.note}


class MeetingNoteForm(forms.Form):
    text = forms.CharField(
        label="Your notes on this meeting",
        required=False,
        max_length=MAX_MEETING_NOTE_CHARACTERS,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Markdown. What went well, who needs a hand, what to change next time. "
        "Read by this cohort's facilitators, the round's lead facilitators and admins; never "
        "by participants. Leave it empty to remove your notes.",
        error_messages={"max_length": _length_message(MAX_MEETING_NOTE_CHARACTERS, "notes")},
    )
