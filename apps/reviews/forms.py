"""Forms for writing a review, rating one, hiding one and handing one to someone else."""

from django import forms

from apps.courses.forms import RubricFieldsMixin
from apps.courses.models import Criterion
from apps.reviews.selectors.sheet import ChosenLevel

MAX_COMMENT_CHARACTERS = 10_000
MAX_NOTE_CHARACTERS = 2_000
HELPFULNESS_CHOICES = [
    ("1", "1 – Not helpful"),
    ("2", "2 – A little helpful"),
    ("3", "3 – Helpful"),
    ("4", "4 – Very helpful"),
    ("5", "5 – Extremely helpful"),
]


class ReviewForm(RubricFieldsMixin, forms.Form):
    """A review: one level per rubric criterion and one answer per question.

    Nothing is required here, because a draft may be half done; the service
    decides what submitting needs. `version` is the review's version when the
    page was loaded, so a save from a stale tab is refused, not overwritten.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, criteria: list[Criterion], questions: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        self.add_rubric_fields(criteria, required=False)
        for number, question in enumerate(questions, start=1):
            self.fields[self.comment_field_name(number)] = forms.CharField(
                label=question,
                required=False,
                strip=False,
                widget=forms.Textarea(attrs={"rows": 6}),
            )

    @staticmethod
    def comment_field_name(number: int) -> str:
        return f"comment-{number}"

    @classmethod
    def initial_for(cls, *, version: int, levels: list[ChosenLevel], comments: list[str]) -> dict:
        initial = {"version": version}
        for row in levels:
            if row.level is not None:
                initial[cls.criterion_field_name(row.criterion)] = str(row.level.pk)
        for number, text in enumerate(comments, start=1):
            initial[cls.comment_field_name(number)] = text
        return initial

    def clean(self):
        cleaned = super().clean()
        for number in range(1, len(self.questions) + 1):
            name = self.comment_field_name(number)
            text = cleaned.get(name) or ""
            if len(text) > MAX_COMMENT_CHARACTERS:
                self.add_error(
                    name,
                    f"This answer is {len(text):,} characters long; the limit is "
                    f"{MAX_COMMENT_CHARACTERS:,}. Shorten it, or link to a document instead.",
                )
        return cleaned

    def levels(self) -> dict[str, str]:
        """{criterion id: level id} for the levels chosen, as the service takes them."""
        return {
            str(criterion.pk): self.cleaned_data[self.criterion_field_name(criterion)]
            for criterion in self.criteria
            if self.cleaned_data.get(self.criterion_field_name(criterion))
        }

    def comments(self) -> list[str]:
        return [
            self.cleaned_data.get(self.comment_field_name(number)) or ""
            for number in range(1, len(self.questions) + 1)
        ]

    def comment_fields(self) -> list[forms.BoundField]:
        return [self[self.comment_field_name(n)] for n in range(1, len(self.questions) + 1)]


class RateForm(forms.Form):
    """How helpful a review was, from 1 to 5, with an optional note for the facilitator."""

    helpfulness = forms.TypedChoiceField(
        label="How helpful was this review?",
        choices=HELPFULNESS_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose how helpful the review was, from 1 to 5.",
            "invalid_choice": "Choose how helpful the review was, from 1 to 5.",
        },
    )
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Only your facilitator sees this.",
    )

    def clean_note(self):
        note = self.cleaned_data["note"]
        if len(note) > MAX_NOTE_CHARACTERS:
            raise forms.ValidationError(
                f"Keep the note to {MAX_NOTE_CHARACTERS:,} characters; this one has {len(note):,}."
            )
        return note


class HideForm(forms.Form):
    reason = forms.CharField(
        label="Why are you hiding this review?",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept with the review for facilitators and admins; the author does not see "
        "it. The author gets a replacement reviewer automatically.",
        error_messages={
            "required": "Say why the review is hidden.",
            "max_length": "Keep the reason to 300 characters (it has %(show_value)d).",
        },
    )


class HandOverForm(forms.Form):
    reviewer = forms.ModelChoiceField(
        label="Give this review to",
        queryset=None,
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": "Choose who should write this review instead.",
            "invalid_choice": "That person cannot take this review any more; choose another.",
        },
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["reviewer"]
        field.queryset = candidates
        field.label_from_instance = self.describe

    @staticmethod
    def describe(enrollment) -> str:
        placement = getattr(enrollment, "placement", None)
        cohort = placement.cohort.name if placement else "no cohort"
        to_do = getattr(enrollment, "to_do", 0)
        return f"{enrollment.user.name} ({cohort}; {to_do} still to do for this exercise)"
