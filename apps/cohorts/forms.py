"""Forms for the cohort pages: attendance, moving a participant, changing one meeting,
filtering by round."""

from django import forms

from apps.cohorts.models import Attendance, Cohort
from apps.cohorts.selectors import SheetRow
from apps.rounds.models import Enrollment, Round


class AttendanceForm(forms.Form):
    """One present/absent/excused choice per person due at the meeting (visitors too).

    Each choice starts from what is already recorded; a member left blank
    keeps having nothing recorded.
    """

    FIELD_PREFIX = "status_"

    def __init__(self, *args, placements: list[SheetRow], recorded: dict[int, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for placement in placements:
            enrollment_id = placement.enrollment_id
            name = f"{self.FIELD_PREFIX}{enrollment_id}"
            self.fields[name] = forms.ChoiceField(
                label=placement.enrollment.user.name,
                choices=Attendance.Status.choices,
                widget=forms.RadioSelect,
                required=False,
                initial=recorded.get(enrollment_id),
            )
            self.rows.append((placement, name))

    def member_fields(self):
        """(placement, bound field) pairs, in the order of the members list."""
        return [(placement, self[name]) for placement, name in self.rows]

    def statuses(self) -> dict[int, str]:
        """The choices made, by enrollment id, leaving out members with none."""
        return {
            placement.enrollment_id: self.cleaned_data[name]
            for placement, name in self.rows
            if self.cleaned_data.get(name)
        }

    def everyone_present(self) -> dict[int, str]:
        return {placement.enrollment_id: Attendance.Status.PRESENT for placement, _ in self.rows}


class MoveForm(forms.Form):
    """Pick another cohort of the round; a slot outside the person's availability needs a tick."""

    to = forms.TypedChoiceField(
        coerce=int,
        widget=forms.RadioSelect,
        label="Move to",
        error_messages={
            "required": "Choose the cohort to move them to.",
            "invalid_choice": "That cohort is not one of this round's; choose from the list.",
        },
    )
    move_anyway = forms.BooleanField(
        required=False,
        label="Move anyway, even though their availability does not cover the meeting time",
    )

    def __init__(self, *args, candidates: list[Cohort], **kwargs):
        super().__init__(*args, **kwargs)
        self.cohorts = {cohort.pk: cohort for cohort in candidates}
        self.fields["to"].choices = [(cohort.pk, cohort.name) for cohort in candidates]

    def chosen_cohort(self) -> Cohort:
        return self.cohorts[self.cleaned_data["to"]]


class RoundFilterForm(forms.Form):
    round = forms.ModelChoiceField(
        queryset=Round.objects.none(), required=False, empty_label="All rounds", label="Round"
    )

    def __init__(self, *args, rounds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["round"].queryset = rounds


class ReasonField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Reason (optional)")
        kwargs.setdefault(
            "help_text", "Shown to the cohort's facilitators and kept in its history."
        )
        super().__init__(
            required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2}), **kwargs
        )


class MeetingMoveForm(forms.Form):
    """A new start for one meeting, in the viewer's own zone (the page is in it)."""

    starts_at = forms.DateTimeField(
        label="New start",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        error_messages={
            "required": "Choose the new day and time.",
            "invalid": "Enter a day and a time.",
        },
    )
    reason = ReasonField()
    confirm = forms.BooleanField(
        required=False, label="Move it anyway, although not everyone can attend the new time"
    )


class MeetingCancelForm(forms.Form):
    reason = ReasonField(help_text="Members are told, with this reason.")


class MeetingCoverForm(forms.Form):
    substitute = forms.ModelChoiceField(
        queryset=Enrollment.objects.none(),
        required=False,
        label="Who leads this meeting",
        empty_label="The cohort's own facilitators",
    )
    reason = ReasonField()

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["substitute"].queryset = choices
        self.fields["substitute"].label_from_instance = lambda e: (
            f"{e.user.name} ({e.user.time_zone})"
        )


class SwitchForm(forms.Form):
    """Pick one of the cohorts (or, for one week, one of their meetings) on offer."""

    to = forms.TypedChoiceField(
        coerce=int,
        widget=forms.RadioSelect,
        label="Join",
        error_messages={
            "required": "Choose the cohort to join.",
            "invalid_choice": "That cohort is not on offer any more; choose from the list.",
        },
    )
    reason = ReasonField(help_text="Shown to the facilitators of both cohorts.")

    def __init__(self, *args, options, **kwargs):
        super().__init__(*args, **kwargs)
        self.options = {self.key(option): option for option in options if option.is_offered}
        self.fields["to"].choices = [(key, o.cohort.name) for key, o in self.options.items()]

    @staticmethod
    def key(option) -> int:
        return option.meeting.pk if option.meeting else option.cohort.pk

    def chosen(self):
        return self.options[self.cleaned_data["to"]]
