"""Forms of the grouping pages: starting a run, moving people, changing a draft cohort, and
a facilitator's wishes for their cohorts."""

import calendar

from django import forms

from apps.cohorts.models import Cohort
from apps.rounds.forms import AvailabilityForm
from apps.rounds.models import Enrollment

OUT_OF_EVERY_COHORT = "none"


class RunForm(forms.Form):
    only_unplaced = forms.BooleanField(required=False)
    fill_published = forms.BooleanField(required=False)


class MoveForm(forms.Form):
    """Pick a draft cohort for a participant, or take them out of their cohort."""

    to = forms.ChoiceField(
        widget=forms.RadioSelect,
        label="Move to",
        error_messages={
            "required": "Choose a cohort, or “Not in a cohort”.",
            "invalid_choice": "That is not a draft cohort of this round; choose from the list.",
        },
    )
    move_anyway = forms.BooleanField(
        required=False,
        label="Move anyway, even though their availability does not cover the meeting time",
    )

    def __init__(self, *args, cohorts: list[Cohort], can_unplace: bool, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(str(cohort.pk), cohort.name) for cohort in cohorts]
        if can_unplace:
            choices.append((OUT_OF_EVERY_COHORT, "Not in a cohort"))
        self.fields["to"].choices = choices

    def target_id(self) -> int | None:
        value = self.cleaned_data["to"]
        return None if value == OUT_OF_EVERY_COHORT else int(value)


WEEKDAYS = [(str(day), calendar.day_name[day]) for day in range(7)]


class TimeForm(forms.Form):
    """A new weekly meeting time, given in the viewer's zone or the cohort's own zone."""

    weekday = forms.TypedChoiceField(choices=WEEKDAYS, coerce=int, label="Day")
    time = forms.TimeField(
        label="Time",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": "Enter a time such as 18:30."},
    )
    zone = forms.ChoiceField(widget=forms.RadioSelect, label="The day and time are in")
    confirm = forms.BooleanField(
        required=False,
        label="Change the time anyway, even though the people listed cannot attend",
    )

    def __init__(self, *args, viewer_zone: str, cohort_zone: str, **kwargs):
        super().__init__(*args, **kwargs)
        zones = [(viewer_zone, f"My time zone ({viewer_zone})")]
        if cohort_zone != viewer_zone:
            zones.append((cohort_zone, f"The cohort’s time zone ({cohort_zone})"))
        self.fields["zone"].choices = zones
        self.fields["zone"].initial = viewer_zone


class FacilitatorForm(forms.Form):
    facilitator = forms.TypedChoiceField(
        coerce=int,
        label="New facilitator",
        error_messages={"invalid_choice": "Choose one of this round's facilitators."},
    )
    confirm = forms.BooleanField(
        required=False,
        label="Change the facilitator anyway, even though the people listed cannot attend",
    )

    def __init__(self, *args, facilitators: list[tuple[Enrollment, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facilitator"].choices = [("", "Choose a facilitator")] + [
            (enrollment.pk, label) for enrollment, label in facilitators
        ]


class PublishForm(forms.Form):
    confirm = forms.BooleanField(
        required=False,
        label="Publish all the same: I have read the points above",
    )


class PreferencesForm(AvailabilityForm):
    """A facilitator's wishes: the weekly grid for preferred times, and a cohort size."""

    preferred_size = forms.TypedChoiceField(
        label="What size of cohort would you like to lead?",
        required=False,
        coerce=int,
        empty_value=None,
        help_text="Grouping aims for it where that costs nobody a place.",
    )

    def __init__(self, *args, round, preferred_size: int | None, **kwargs):
        super().__init__(*args, is_facilitator=False, **kwargs)
        self.fields["preferred_size"].choices = [
            ("", f"No preference (the round aims for {round.cohort_target_size})"),
            *[
                (n, f"{n} participants")
                for n in range(round.cohort_min_size, round.cohort_max_size + 1)
            ],
        ]
        self.initial["preferred_size"] = preferred_size
