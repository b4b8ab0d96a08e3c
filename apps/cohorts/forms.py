"""Forms for the facilitator pages: attendance, moving a participant, filtering by round."""

from django import forms

from apps.cohorts.models import Attendance, Cohort, Placement
from apps.rounds.models import Round


class AttendanceForm(forms.Form):
    """One present/absent/excused choice per current member of the cohort.

    Each choice starts from what is already recorded; a member left blank
    keeps having nothing recorded.
    """

    FIELD_PREFIX = "status_"

    def __init__(self, *args, placements: list[Placement], recorded: dict[int, str], **kwargs):
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
