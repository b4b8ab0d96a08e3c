from django import forms

from apps.admissions.models import Decision


class DecisionForm(forms.Form):
    """A decision on the applications ticked in the ranked list."""

    OUTCOMES = [
        (Decision.Outcome.ACCEPTED, "Accept"),
        (Decision.Outcome.WAITLISTED, "Put on the waiting list"),
        (Decision.Outcome.DECLINED, "Decline"),
    ]

    applications = forms.TypedMultipleChoiceField(
        coerce=int,
        error_messages={
            "required": "Tick at least one application to decide on.",
            "invalid_choice": "One of the ticked applications is no longer in this round; "
            "the list below is up to date.",
        },
    )
    outcome = forms.ChoiceField(
        label="Decision",
        choices=OUTCOMES,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a decision: accept, waiting list or decline."},
    )

    def __init__(self, *args, enrollment_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applications"].choices = [(pk, pk) for pk in enrollment_ids]


class ReviewForm(forms.Form):
    """One level per criterion of the rubric, and a comment for the other reviewers."""

    comment = forms.CharField(
        label="Comment for the other reviewers (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": "Keep the comment under 2,000 characters."},
    )

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[f"criterion_{criterion.pk}"] = forms.TypedChoiceField(
                label=criterion.title,
                coerce=int,
                choices=[
                    (level.pk, f"{level.title} ({level.points} points)")
                    for level in criterion.levels.all()
                ],
                widget=forms.RadioSelect,
                error_messages={
                    "required": f"Choose a level for “{criterion.title}”.",
                    "invalid_choice": f"Choose one of the levels for “{criterion.title}”.",
                },
            )

    def criterion_fields(self):
        return [(c, self[f"criterion_{c.pk}"]) for c in self.criteria]

    def levels(self) -> dict[int, int]:
        return {c.pk: self.cleaned_data[f"criterion_{c.pk}"] for c in self.criteria}
