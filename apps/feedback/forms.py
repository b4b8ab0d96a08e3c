"""Forms for rating a session and a resource, and for a facilitator's meeting notes."""

from dataclasses import dataclass, field

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


@dataclass
class ResourceRow:
    """One resource's "worth your time?" form, as plain values for the template to draw.

    A session page draws one per resource, and drawing bound form fields was
    most of the time the feedback part of the page took; the form class still
    checks what is posted (see `from_form`).
    """

    pk: int
    title: str
    action: str
    worth_it: str = ""  # "True", "False", or "" when not answered
    note: str = ""
    errors: list[str] = field(default_factory=list)
    worth_it_errors: list[str] = field(default_factory=list)
    note_errors: list[str] = field(default_factory=list)

    note_label = ResourceRatingForm.base_fields["note"].label
    note_help = ResourceRatingForm.base_fields["note"].help_text
    note_limit = MAX_NOTE_CHARACTERS

    @property
    def worth_it_name(self) -> str:
        return f"{ResourceRatingForm.prefix_for(self.pk)}-worth_it"

    @property
    def note_name(self) -> str:
        return f"{ResourceRatingForm.prefix_for(self.pk)}-note"

    @property
    def has_errors(self) -> bool:
        return bool(self.errors or self.worth_it_errors or self.note_errors)

    @classmethod
    def answered(cls, resource, *, action: str, rating) -> "ResourceRow":
        """The person's answer so far (a ResourceRating, or None)."""
        if rating is None:
            return cls(resource.pk, resource.title, action)
        return cls(resource.pk, resource.title, action, str(rating.worth_it), rating.note)

    @classmethod
    def from_form(cls, resource, *, action: str, form: ResourceRatingForm) -> "ResourceRow":
        """What was posted, with the form's errors, so nothing typed is lost."""
        return cls(
            resource.pk,
            resource.title,
            action,
            worth_it=form["worth_it"].value() or "",
            note=form["note"].value() or "",
            errors=list(form.non_field_errors()),
            worth_it_errors=list(form.errors.get("worth_it", [])),
            note_errors=list(form.errors.get("note", [])),
        )
